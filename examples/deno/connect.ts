/**
 * rxtls on Deno, both ends: a server (`listen`) and a client (`connect`) in one Deno
 * process, over real TCP on 127.0.0.1. The client prints its handshake timeline as
 * `handshake$` reports it, the server's view after it, then one echoed message.
 *
 *   cd examples/deno && deno run --allow-net connect.ts
 *
 * (deno.json next to this file has Deno resolve npm packages from the workspace's
 * node_modules, as Node does: run `pnpm install` at the repository root first. The import of
 * transport-deno is a relative path so that `tsc` checks this file too; outside this
 * repository, import `@rxtls/transport-deno` through an import map, see its README.) The certificates are generated on the
 * spot (examples/support/generate-pki.ts: pkijs and WebCrypto); the client trusts only
 * their root.
 */
import type { HandshakeEvent } from '@rxtls/core';
import { connect, listen, type TlsConn } from '../../packages/transport-deno/src/index.ts';
import { generateDemoPki } from '../support/generate-pki.ts';
import { renderTimeline } from '../timeline-printer.ts';

const pki = await generateDemoPki();

/** Echo one message, then close with close_notify. */
async function echoOnce(conn: TlsConn): Promise<void> {
  const serverSteps: HandshakeEvent[] = [];
  conn.handshake$.subscribe({ next: (e) => serverSteps.push(e), error: () => undefined });
  const message = await conn.read();
  if (message !== null) await conn.write(message);
  await conn.close();
  console.log('\nserver view:');
  for (const line of renderTimeline(serverSteps, { ascii: true, details: false })) console.log(line);
}

const listener = listen({ hostname: '127.0.0.1', port: 0, cert: [pki.leafPem, pki.intermediatePem], key: pki.leafKeyPem, alpnProtocols: ['echo'] }, echoOnce);
const port = 'port' in listener.addr ? listener.addr.port : 0;

const start = performance.timeOrigin + performance.now();
const client = await connect({ hostname: 'localhost', port, caCerts: pki.rootPem, alpnProtocols: ['echo'], handshake: false });
const steps: HandshakeEvent[] = [];
client.handshake$.subscribe({ next: (e) => steps.push(e), error: () => undefined });
const negotiated = await client.handshake();
console.log(`client: rxtls on Deno -> localhost:${port}`);
for (const line of renderTimeline(steps, { ascii: true, start })) console.log(line);
console.log(`negotiated: ${negotiated.cipherSuite} · ${negotiated.group} · ${negotiated.signatureScheme} · alpn ${negotiated.alpn ?? '-'}`);

await client.write(new TextEncoder().encode('hello from Deno'));
const echoed = await client.read();
console.log(`echoed: ${echoed === null ? '(nothing)' : new TextDecoder().decode(echoed)}`);
console.log(`then: ${(await client.read()) === null ? 'close_notify (clean end)' : 'more data'}`);
await client.shutdown();
listener.close();
await listener.finished;
