// The clients both benchmarks use (bench.ts on Node, bun.ts on Bun): the node:tls servers of
// server.ts, run by Node in their own process, and one handshake or one bulk download with
// node:tls (the runtime's own) or with rxtls.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connect as tlsConnect } from 'node:tls';
import type { CipherSuite12Name, CipherSuiteName, CryptoProvider, TlsClientContext } from '@rxtls/core';
import { connectTls } from '../src/low-level.ts';

export interface Peer {
  port: number;
  ca: string;
}

const HERE = fileURLToPath(new URL('.', import.meta.url));
export const ROOT = join(HERE, '../../..');
const encoder = new TextEncoder();
/** The servers always run on Node (tsx), whatever runtime the clients are measured on. */
const NODE = (process.versions as Record<string, string | undefined>)['bun'] !== undefined ? 'node' : process.execPath;

/** The node:tls servers (ECDSA and RSA leaves, TLS 1.3 and 1.2-only) sending `bulkBytes` on `bulk`. */
export async function startPeers(bulkBytes: number): Promise<{ child: ChildProcess; ecdsa: Peer; rsa: Peer; ecdsa12: Peer; rsa12: Peer }> {
  const child = spawn(NODE, ['--import', 'tsx', join(HERE, 'server.ts')], { cwd: ROOT, env: { ...process.env, BULK_BYTES: String(bulkBytes) }, stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return { child, ...(JSON.parse(line) as { ecdsa: Peer; rsa: Peer; ecdsa12: Peer; rsa12: Peer }) };
}

/** Milliseconds to 'secureConnect' with the runtime's node:tls. */
export async function nodeHandshake(peer: Peer, version: 'TLSv1.3' | 'TLSv1.2' = 'TLSv1.3'): Promise<number> {
  const t0 = performance.now();
  const socket = tlsConnect({ host: '127.0.0.1', port: peer.port, servername: 'localhost', ca: peer.ca, minVersion: version, maxVersion: version });
  socket.setNoDelay(true);
  await once(socket, 'secureConnect');
  const t = performance.now() - t0;
  socket.end('x');
  socket.destroy();
  return t;
}

/** Milliseconds to an established rxtls session (a shared context). */
export async function rxtlsHandshake(peer: Peer, context: TlsClientContext): Promise<number> {
  const t0 = performance.now();
  const session = await connectTls({ host: '127.0.0.1', port: peer.port, servername: 'localhost', context });
  const t = performance.now() - t0;
  await session.write(encoder.encode('x'));
  session.destroy();
  return t;
}

/** MB/s of one bulk download with the runtime's node:tls. */
export async function nodeBulk(peer: Peer, cipher: string, version: 'TLSv1.3' | 'TLSv1.2' = 'TLSv1.3'): Promise<number> {
  const socket = tlsConnect({ host: '127.0.0.1', port: peer.port, servername: 'localhost', ca: peer.ca, minVersion: version, maxVersion: version, ciphers: cipher });
  await once(socket, 'secureConnect');
  const t0 = performance.now();
  socket.write('bulk');
  let got = 0;
  socket.on('data', (d: Buffer) => (got += d.length));
  await once(socket, 'end');
  const seconds = (performance.now() - t0) / 1000;
  socket.destroy();
  return got / seconds / 1e6;
}

/** MB/s of one bulk download with rxtls (`bulkBytes` expected). */
export async function rxtlsBulk(peer: Peer, suite: CipherSuiteName | CipherSuite12Name, provider: CryptoProvider, bulkBytes: number): Promise<number> {
  const session = await connectTls({ host: '127.0.0.1', port: peer.port, servername: 'localhost', ca: peer.ca, provider, cipherSuites: [suite] });
  const t0 = performance.now();
  await session.write(encoder.encode('bulk'));
  let got = 0;
  for (let chunk = await session.read(); chunk !== null; chunk = await session.read()) got += chunk.length;
  const seconds = (performance.now() - t0) / 1000;
  session.destroy();
  if (got < bulkBytes) throw new Error(`bulk: got ${got} of ${bulkBytes} bytes`);
  return got / seconds / 1e6;
}

