// Pipelined record protection: with an AEAD that seals and opens asynchronously, TLS 1.3
// application data keeps several records in flight each way. Here the AEAD is noble's behind
// promises that settle after random delays, so records finish out of order; what must hold:
// bytes arrive intact and in order, the depth stays bounded, a KeyUpdate in the middle of the
// flow re-opens what was read ahead under the old key, a corrupted record fails with
// bad_record_mac only after everything before it was delivered, and a transport that ends
// without close_notify is a truncation only after the records in flight were delivered.
import { beforeAll, describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import type { Aead, CryptoProvider } from '../../src/crypto/provider.ts';
import { TlsClientContext } from '../../src/engine/context.ts';
import { TlsServerContext } from '../../src/engine/server-context.ts';
import { TransportError } from '../../src/engine/transport-error.ts';
import { TlsError } from '../../src/errors/tls-error.ts';
import { RECORD_PIPELINE_DEPTH } from '../../src/record/limits.ts';
import { ChannelPort } from '../../src/stream/channel-port.ts';
import { webStreamChannel } from '../../src/stream/byte-channel.ts';
import { TlsStream } from '../../src/stream/tls-stream.ts';
import { getTestPki, type TestPki } from '../support/pki.ts';

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

/** noble's AEAD with asynchronous seal/open that settle after 0–2 ms, at random; counts how many are in flight. */
function scrambledProvider(): CryptoProvider & { maxInFlight: number; asyncCalls: number } {
  let inFlight = 0;
  const stats = { maxInFlight: 0, asyncCalls: 0 };
  const later = <T>(work: () => T): Promise<T> => {
    inFlight++;
    stats.asyncCalls++;
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
    return new Promise((resolve, reject) =>
      setTimeout(() => {
        inFlight--;
        try {
          resolve(work());
        } catch (err) {
          reject(err);
        }
      }, Math.floor(Math.random() * 3)),
    );
  };
  const createAead = (algorithm: Parameters<CryptoProvider['createAead']>[0], key: Uint8Array): Aead => {
    const sync = nobleProvider.createAead(algorithm, key);
    return {
      tagLength: sync.tagLength,
      seal: (n, a, p) => sync.seal(n, a, p),
      open: (n, a, c) => sync.open(n, a, c),
      sealAsync: (n, a, p) => later(() => sync.seal(n, a, p)),
      openAsync: (n, a, c) => later(() => sync.open(n, a, c)),
    };
  };
  return Object.assign(stats, { ...nobleProvider, name: 'scrambled', createAead }) as CryptoProvider & typeof stats;
}

type Pair = { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> };

/** Client and server TlsStreams over two TransformStreams; `toServer` may rewrite the client's bytes on the way. */
function streams(provider: CryptoProvider, toServer?: TransformStream<Uint8Array, Uint8Array>): { client: TlsStream; server: TlsStream } {
  const up = new TransformStream<Uint8Array, Uint8Array>();
  const down = new TransformStream<Uint8Array, Uint8Array>();
  const serverIn = toServer ? up.readable.pipeThrough(toServer) : up.readable;
  const clientSide: Pair = { readable: down.readable, writable: up.writable };
  const serverSide: Pair = { readable: serverIn, writable: down.writable };
  const server = new TlsStream({
    connection: new TlsServerContext({ certificates: [{ chain: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem }], provider }).connection(),
    port: (onFailure) => new ChannelPort(webStreamChannel(serverSide), onFailure),
  });
  const client = new TlsStream({
    connection: new TlsClientContext({ ca: pki.rootPem, provider, cipherSuites: ['TLS_AES_128_GCM_SHA256'] }).connection({ serverName: 'localhost' }),
    port: (onFailure) => new ChannelPort(webStreamChannel(clientSide), onFailure),
    servername: 'localhost',
  });
  server.handshake().catch(() => undefined);
  return { client, server };
}

const pattern = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 13 + seed) & 0xff);

/** Read until `n` bytes or the end; what arrived, and how it ended. */
async function readUpTo(stream: TlsStream, n: number): Promise<{ bytes: Uint8Array; error?: unknown }> {
  const out = new Uint8Array(n);
  let at = 0;
  try {
    while (at < n) {
      const chunk = await stream.read();
      if (chunk === null) break;
      out.set(chunk.subarray(0, n - at), at);
      at += chunk.length;
    }
    return { bytes: out.subarray(0, at) };
  } catch (error) {
    return { bytes: out.subarray(0, at), error };
  }
}

describe('pipelined record protection (an asynchronous AEAD settling out of order)', () => {
  it('2 MiB each way arrive intact and in order; several records were in flight, never more than the depth', async () => {
    const provider = scrambledProvider();
    const { client, server } = streams(provider);
    await client.handshake();
    const up = pattern(2 * 1024 * 1024, 1);
    const down = pattern(2 * 1024 * 1024, 2);
    const [atServer, atClient] = await Promise.all([readUpTo(server, up.length), readUpTo(client, down.length), client.write(up), server.write(down)]);
    expect(atServer.error).toBeUndefined();
    expect(atClient.error).toBeUndefined();
    expect(atServer.bytes).toEqual(up);
    expect(atClient.bytes).toEqual(down);
    expect(provider.asyncCalls).toBeGreaterThanOrEqual(2 * 128 * 2); // every data record, sealed and opened asynchronously
    expect(provider.maxInFlight).toBeGreaterThan(4);
    expect(provider.maxInFlight).toBeLessThanOrEqual(4 * RECORD_PIPELINE_DEPTH); // two directions, two ends
    const serverEnd = server.read(); // null at the client's close_notify; the server answers with its own
    expect(await client.close()).toEqual({ clean: true });
    expect(await serverEnd).toBeNull();
    expect(await firstValueFrom(server.close$)).toEqual({ clean: true });
  });

  it('a KeyUpdate in the middle of the flow: the records read ahead under the old key are opened again under the new one', async () => {
    const provider = scrambledProvider();
    const { client, server } = streams(provider);
    await client.handshake();
    const data = pattern(3 * 1024 * 1024, 3);
    const updates: string[] = [];
    server.session.connection.onEvent((e) => {
      if (e.channel === 'key-update') updates.push(e.direction);
    });
    // Once the server has read 256 KiB, it asks the client for new keys: the client's answer
    // arrives between data records the server is already opening.
    const reading = (async () => {
      const first = await readUpTo(server, 256 * 1024);
      server.session.connection.keyUpdate(true);
      await server.write(new Uint8Array([1])); // sends the KeyUpdate
      const rest = await readUpTo(server, data.length - first.bytes.length);
      return { bytes: new Uint8Array([...first.bytes, ...rest.bytes]), error: first.error ?? rest.error };
    })();
    const writing = client.write(data);
    const clientReads = readUpTo(client, 1); // the client reads the KeyUpdate (and answers it) and the byte after it
    const [got, , atClient] = await Promise.all([reading, writing, clientReads]);
    expect(got.error).toBeUndefined();
    expect(got.bytes).toEqual(data);
    expect(atClient.bytes).toEqual(new Uint8Array([1]));
    expect(updates).toEqual(expect.arrayContaining(['sent', 'received']));
  });

  it('a corrupted record fails with bad_record_mac after the records before it were delivered, and nothing after', async () => {
    const provider = scrambledProvider();
    // Flip the last byte (the tag) of the 21st protected record from the client: its Finished
    // is the first, so 19 full data records come before it.
    const corrupt = recordRewriter((index, record) => {
      if (index === 21) record[record.length - 1]! ^= 0x01;
    });
    const { client, server } = streams(provider, corrupt);
    await client.handshake();
    const data = pattern(64 * 16384, 4);
    client.write(data).catch(() => undefined);
    const got = await readUpTo(server, data.length);
    expect(got.error).toBeInstanceOf(TlsError);
    expect((got.error as TlsError).alertName).toBe('bad_record_mac');
    expect(got.bytes.length).toBe(19 * 16384);
    expect(got.bytes).toEqual(data.subarray(0, 19 * 16384));
  });

  it('the transport ending without close_notify is a truncation only after the records in flight are delivered', async () => {
    const provider = scrambledProvider();
    const cut = recordRewriter((index) => (index === 12 ? 'end' : undefined));
    const { client, server } = streams(provider, cut);
    await client.handshake();
    const data = pattern(40 * 16384, 5);
    client.write(data).catch(() => undefined);
    const got = await readUpTo(server, data.length);
    expect(got.error).toBeInstanceOf(TransportError);
    expect((got.error as TransportError).kind).toBe('eof');
    expect(got.bytes).toEqual(data.subarray(0, 10 * 16384)); // records 2..11: the end came before the 12th
  });
});

/**
 * A transform that passes TLS records through whole and calls `edit` with the 1-based index of
 * each protected (opaque type 23) record; `edit` may change the record in place, or return
 * 'end' to end the stream there (no close_notify: a truncation).
 */
function recordRewriter(edit: (index: number, record: Uint8Array) => 'end' | void): TransformStream<Uint8Array, Uint8Array> {
  let buffered = new Uint8Array(0);
  let index = 0;
  let ended = false;
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      if (ended) return;
      const joined = new Uint8Array(buffered.length + chunk.length);
      joined.set(buffered);
      joined.set(chunk, buffered.length);
      let at = 0;
      while (joined.length - at >= 5) {
        const length = (joined[at + 3]! << 8) | joined[at + 4]!;
        if (joined.length - at < 5 + length) break;
        const record = joined.slice(at, at + 5 + length);
        at += 5 + length;
        if (record[0] === 23 && edit(++index, record) === 'end') {
          ended = true;
          controller.terminate();
          return;
        }
        controller.enqueue(record);
      }
      buffered = joined.slice(at);
    },
  });
}
