// A WebSocket-to-TCP bridge for rxtls in the browser (see README.md):
//   pnpm exec tsx examples/ws-bridge/main.ts --port 8080 --allow 127.0.0.1:4433 [--allow host:port ...] [--host 127.0.0.1]
import { parseArgs } from 'node:util';
import { startBridge } from './bridge.ts';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8080' },
    allow: { type: 'string', multiple: true, default: [] },
  },
});
if (values.allow.length === 0) {
  console.error('ws-bridge: give at least one --allow host:port (the targets the bridge may reach)');
  process.exit(2);
}
const bridge = await startBridge({ host: values.host, port: Number(values.port), allow: values.allow });
console.log(`ws-bridge: ${bridge.url}?target=<host:port>, allowed: ${values.allow.join(', ')}`);
