// An rxtls client and an rxtls server joined in memory: each side's output is the other's input.
import { expect } from 'vitest';
import type { TlsConnection } from '../../src/engine/connection.ts';
import { SslError } from '../../src/engine/ssl-error.ts';

const WAITING: ReadonlySet<string> = new Set([SslError.WANT_READ, SslError.WANT_ASYNC]);

/** Run both handshakes to completion (awaiting WANT_ASYNC); optionally cut the bytes into chunks. */
export async function handshakePair(client: TlsConnection, server: TlsConnection, chunk?: (bytes: Uint8Array) => Uint8Array[]): Promise<void> {
  const deliver = (from: TlsConnection, to: TlsConnection): boolean => {
    const bytes = from.takeOutput();
    if (bytes.length === 0) return false;
    for (const piece of chunk ? chunk(bytes) : [bytes]) to.receive(piece);
    return true;
  };
  for (let round = 0; round < 50; round++) {
    const c = client.connect();
    const s = server.accept();
    const moved = deliver(client, server) || deliver(server, client);
    if (c === 1 && s === 1 && !moved) return;
    if (c === -1 && !WAITING.has(client.getError())) throw client.error;
    if (s === -1 && !WAITING.has(server.getError())) throw server.error;
    if (!moved) await Promise.all([client.asyncReady(), server.asyncReady()]);
  }
  expect.fail('handshake did not finish in 50 rounds');
}

/** Send `data` from `a` to `b` and read it all there. */
export function transfer(a: TlsConnection, b: TlsConnection, data: Uint8Array): Uint8Array {
  let offset = 0;
  const got: Uint8Array[] = [];
  let total = 0;
  for (let rounds = 0; total < data.length; rounds++) {
    if (rounds > 10_000 || a.error !== undefined || b.error !== undefined) throw new Error(`transfer stalled after ${total} of ${data.length} bytes: ${(a.error ?? b.error)?.message ?? ''}`);
    if (offset < data.length) {
      const n = a.write(data.subarray(offset));
      if (n > 0) offset += n;
    }
    b.receive(a.takeOutput());
    for (let chunk = b.readAvailable(); chunk !== null; chunk = b.readAvailable()) {
      got.push(chunk.slice());
      total += chunk.length;
    }
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const g of got) {
    out.set(g, at);
    at += g.length;
  }
  return out;
}
