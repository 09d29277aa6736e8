// Memory per idle established connection, measured in a fresh process:
//   node --expose-gc --import tsx idle.ts <rxtls|node> <port> <caFile> <count> [provider]
// Prints one JSON line: { bytesPerConnection, count }.
import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { connect as tlsConnect } from 'node:tls';
import { TlsClientContext, nobleProvider, webCryptoProvider } from '@rxtls/core';
import { nodeCryptoProvider } from '../src/index.ts';
import { connectTls } from '../src/low-level.ts';

const [kind, portText, caFile, countText, providerName] = process.argv.slice(2);
const port = Number(portText);
const ca = readFileSync(caFile!, 'utf8');
const count = Number(countText ?? 1000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

function settle(): number {
  for (let i = 0; i < 3; i++) gc!();
  const m = process.memoryUsage();
  if (process.env.MEM_DETAIL) process.stderr.write(`rss ${m.rss} heap ${m.heapUsed} external ${m.external} arrayBuffers ${m.arrayBuffers}\n`);
  return m.rss;
}

const idle = new TextEncoder().encode('idle');
const keep: unknown[] = [];
// Warm up one connection so code loading is not counted.
async function openOne(): Promise<unknown> {
  if (kind === 'node') {
    const s = tlsConnect({ host: '127.0.0.1', port, servername: 'localhost', ca, minVersion: 'TLSv1.3' });
    await once(s, 'secureConnect');
    s.write('idle');
    return s;
  }
  const s = await connectTls({ host: '127.0.0.1', port, servername: 'localhost', context });
  await s.write(idle);
  return s;
}
const providers = { node: nodeCryptoProvider, webcrypto: webCryptoProvider, noble: nobleProvider } as const;
const context = new TlsClientContext({ ca, provider: providers[(providerName ?? 'noble') as keyof typeof providers] ?? nobleProvider });
keep.push(await openOne());
const before = settle();
for (let i = 0; i < count; i++) keep.push(await openOne());
const after = settle();
// Every connection must still be open, or the figure means nothing.
const open = keep.filter((s) => (kind === 'node' ? !(s as { destroyed: boolean }).destroyed : (s as { connection: { phase: string } }).connection.phase === 'established')).length;
if (open !== keep.length) throw new Error(`only ${open} of ${keep.length} connections are still established`);
process.stdout.write(`${JSON.stringify({ bytesPerConnection: Math.round((after - before) / count), count })}\n`);
process.exit(0);
