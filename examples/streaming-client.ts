/**
 * A streaming client with backpressure: a server that never stops sending, a client that
 * reads slowly, and memory that stays flat.
 *
 * A local `node:tls` server writes an endless stream as fast as its socket drains. The client
 * pipes its rxtls socket into a deliberately slow sink with `stream.pipeline`:
 *
 *   pipeline(socket, slowSink)   // socket: the TlsSocket from connect()
 *
 * (With web streams it reads the same: `socket.web.readable.pipeTo(slowWritableStream)`.)
 * When the sink is busy, `pipeline` stops reading the socket; the socket stops decrypting,
 * so the encrypted bytes stay in the kernel; the kernel's TCP window fills up and the
 * server's `write()` returns false until the client catches up. Nothing piles up in the
 * client: its RSS stays flat however much the server would like to send. Every second the
 * client prints its throughput, what the server has written so far, the bytes in flight
 * (written by the server, not yet consumed: socket buffers on both sides) and the RSS of the
 * process (which hosts the server too, so it covers both ends).
 * After the given time it calls `socket.end()` (close_notify), takes the rest of what was in
 * flight at full speed, and waits for the server's close_notify: a clean close.
 *
 * Usage: `node --import tsx examples/streaming-client.ts [SECONDS] [MiB/s]` (default 3 s at 8 MiB/s)
 */
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createServer } from 'node:tls';
import { firstValueFrom } from 'rxjs';
import { connect, nodeCryptoProvider } from '@rxtls/transport-node';
import { generateDemoPki } from './support/generate-pki.ts';

const MiB = 1024 * 1024;
const mib = (bytes: number): string => `${(bytes / MiB).toFixed(1)} MiB`;
const rss = (): number => process.memoryUsage().rss;

/** A sink that consumes at most `rate` bytes per second, until `rate` is set to Infinity. */
class SlowSink extends Writable {
  consumed = 0;
  private readonly started = performance.now();
  constructor(public rate: number) {
    super({ highWaterMark: 64 * 1024 });
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: () => void): void {
    this.consumed += chunk.length;
    // Hold the callback until this chunk is "due" at the given rate: until then, pipeline
    // sends nothing more, and the socket reads nothing more.
    const wait = this.started + (this.consumed / this.rate) * 1000 - performance.now();
    if (wait > 0) setTimeout(done, wait);
    else done(); // behind schedule (or no limit): take the next chunk at once
  }
}

/** A node:tls server that sends 64 KiB chunks forever, honouring 'drain', and counts what it wrote. */
async function startEndlessServer(): Promise<{ port: number; rootPem: string; written: () => number; close: () => void }> {
  const pki = await generateDemoPki();
  const chunk = Buffer.alloc(64 * 1024, 'rxtls ');
  let written = 0;
  const server = createServer({ key: pki.leafKeyPem, cert: pki.leafPem + pki.intermediatePem, minVersion: 'TLSv1.3' }, (socket) => {
    socket.on('error', () => socket.destroy());
    let peerEnded = false;
    socket.on('end', () => (peerEnded = true)); // the client's close_notify: stop, and answer with ours
    const pump = (): void => {
      while (!peerEnded && !socket.destroyed) {
        written += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
    };
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, rootPem: pki.rootPem, written: () => written, close: () => server.close() };
}

async function main(argv: readonly string[]): Promise<void> {
  const seconds = Number(argv[0] ?? 3);
  const rate = Number(argv[1] ?? 8) * MiB;
  if (!Number.isInteger(seconds) || seconds < 1 || !(rate > 0) || argv.length > 2) throw new Error('usage: streaming-client.ts [SECONDS] [MiB/s]  (whole seconds)');

  const server = await startEndlessServer();
  // nodeCryptoProvider: OpenSSL's AES-GCM, so that the slow sink, not the decryption, sets the
  // pace (rxtls's default, pure-JS noble, decrypts about 10 MiB/s of AES-256-GCM on one core).
  const socket = connect({ host: '127.0.0.1', port: server.port, servername: 'localhost', ca: server.rootPem, provider: nodeCryptoProvider });
  const closed = firstValueFrom(socket.close$); // { clean, error? }, once the socket is closed
  await socket.established;
  console.log(`reading an endless stream for ${seconds} s at ${mib(rate)}/s (${socket.getCipher()?.name})`);

  const sink = new SlowSink(rate);
  const done = pipeline(socket, sink); // settles after the server's close_notify (or on an error)
  const start = performance.now();
  const baseline = rss();
  let maxRss = baseline;
  let afterFirstSecond = baseline;
  let maxInFlight = 0;
  let last = { t: 0, consumed: 0 };
  console.log('     t     read/s        read  server wrote   in flight         RSS');
  for (let second = 1; second <= seconds; second++) {
    await new Promise((resolve) => setTimeout(resolve, start + second * 1000 - performance.now()));
    const now = { t: (performance.now() - start) / 1000, consumed: sink.consumed };
    const inFlight = server.written() - now.consumed;
    const memory = rss();
    maxRss = Math.max(maxRss, memory);
    if (second === 1) afterFirstSecond = memory;
    maxInFlight = Math.max(maxInFlight, inFlight);
    const perSecond = (now.consumed - last.consumed) / (now.t - last.t);
    const cells = [`${now.t.toFixed(1)} s`, `${mib(perSecond)}/s`, mib(now.consumed), mib(server.written()), mib(inFlight), mib(memory)];
    console.log(cells.map((c, i) => c.padStart([6, 12, 11, 13, 11, 11][i]!)).join(' '));
    last = now;
  }

  // Time is up: stop the slow pace, send close_notify (end()), and take what is still in flight.
  const { t: elapsed, consumed: read } = last;
  const writtenAtEnd = server.written();
  sink.rate = Infinity;
  socket.end();
  await done;
  const { clean, error } = await closed;
  server.close();

  console.log();
  console.log(`read          ${mib(read)} in ${elapsed.toFixed(2)} s: ${mib(read / elapsed)}/s (asked for ${mib(rate)}/s)`);
  console.log(`server wrote  ${mib(writtenAtEnd)}, only ${mib(writtenAtEnd - read)} more than was read: held back by TCP`);
  console.log(`in flight     at most ${mib(maxInFlight)} (socket buffers on both sides)`);
  // Most of the growth is in the first second: the garbage collector's working set (buffers
  // already consumed, not yet collected). After that, RSS stays level.
  console.log(`RSS           ${mib(baseline)} at the start, ${mib(afterFirstSecond)} after 1 s, at most ${mib(maxRss)}`);
  console.log(`RSS growth    ${mib(maxRss - baseline)} in all, ${mib(maxRss - afterFirstSecond)} after the first second`);
  console.log(`close         ${clean ? 'clean: close_notify sent and received' : `not clean${error ? `: ${error.message}` : ''}`}; ${mib(sink.consumed - read)} drained after end()`);
  if (!clean) process.exitCode = 1;
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`streaming-client failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
