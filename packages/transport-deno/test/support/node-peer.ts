/**
 * rxtls on Node (transport-node), the peer of rxtls on Deno in node-interop.test.ts. Run by
 * tsx under Node, not by vitest:
 *
 *   tsx node-peer.ts server CERT KEY CHAIN    an echo server (createServer); prints {"port"} then one JSON line per connection
 *   tsx node-peer.ts client PORT CA BYTES     connects (connect), sends BYTES random bytes while reading the echo, closes; prints one JSON line
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { connect, createServer } from '../../../transport-node/src/index.ts';

const [mode, ...args] = process.argv.slice(2);
const print = (value: unknown): boolean => process.stdout.write(`${JSON.stringify(value)}\n`);
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

if (mode === 'server') {
  const [cert, key, chain] = args as [string, string, string];
  const server = createServer({ cert: [readFileSync(cert, 'utf8'), readFileSync(chain, 'utf8')], key: readFileSync(key, 'utf8') }, (socket) => {
    const p = socket.session.connection.negotiated!;
    const hash = createHash('sha256');
    let received = 0;
    socket.on('data', (d: Buffer) => {
      received += d.length;
      hash.update(d);
    });
    socket.on('end', () => print({ cipherSuite: p.cipherSuite, group: p.group, servername: socket.servername, received, sha256: hash.digest('hex') }));
    socket.pipe(socket); // echo; the client's close_notify ends ours
    socket.on('error', (err) => print({ error: err.message }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  print({ port: (server.address() as AddressInfo).port });
  process.stdin.resume();
  process.stdin.on('end', () => {
    server.close();
    server.closeAllConnections();
  });
} else if (mode === 'client') {
  const [port, ca, bytes] = args as [string, string, string];
  const size = Number(bytes);
  const up = randomBytes(size);
  const socket = connect({ host: '127.0.0.1', port: Number(port), servername: 'localhost', ca: readFileSync(ca, 'utf8') });
  const parts: Buffer[] = [];
  let got = 0;
  const ended = new Promise<void>((resolve, reject) => {
    socket.on('data', (d: Buffer) => {
      parts.push(d);
      got += d.length;
      if (got >= size) socket.end(); // everything echoed: our close_notify
    });
    socket.on('end', resolve);
    socket.on('error', reject);
  });
  const p = await socket.established;
  socket.write(up);
  await ended;
  const closed = await new Promise((resolve) => socket.close$.subscribe(resolve));
  print({ cipherSuite: p.cipherSuite, group: p.group, sent: sha256(up), received: sha256(Buffer.concat(parts)), bytes: got, closed });
} else {
  throw new Error(`usage: node-peer.ts server|client ...`);
}
