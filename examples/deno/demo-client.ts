/**
 * The demo's third act (examples/demo.ts starts it): rxtls running on Deno connects to the
 * demo's rxtls server (running on Node), sends one HTTP request and prints one JSON line with
 * what was negotiated and the response's status line.
 *
 *   deno run --allow-net demo-client.ts PORT ROOT_PEM_BASE64
 */
import { connect } from '../../packages/transport-deno/src/index.ts';

declare const Deno: { readonly args: readonly string[]; readonly version: { readonly deno: string } };

const [port, rootBase64] = Deno.args;
const ca = atob(rootBase64 ?? '');
const conn = await connect({ hostname: '127.0.0.1', port: Number(port), servername: 'localhost', caCerts: ca, alpnProtocols: ['http/1.1'] });
const negotiated = conn.negotiated!;
await conn.write(new TextEncoder().encode('GET /from-deno HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'));
let response = '';
for (let chunk = await conn.read(); chunk !== null; chunk = await conn.read()) response += new TextDecoder().decode(chunk);
await conn.close();
console.log(
  JSON.stringify({
    deno: Deno.version.deno,
    version: negotiated.version,
    cipherSuite: negotiated.cipherSuite,
    group: negotiated.group,
    alpn: negotiated.alpn,
    verifiedPath: negotiated.verifiedPath.length,
    status: response.split('\r\n', 1)[0],
  }),
);
