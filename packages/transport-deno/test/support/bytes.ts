/** Byte helpers for the tests (web APIs only, so they run the same under Deno and Node). */
import type { TlsConn } from '../../src/index.ts';

export const MiB = 1024 * 1024;

/** `n` random bytes (getRandomValues fills at most 64 KiB per call). */
export function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let at = 0; at < n; at += 65536) crypto.getRandomValues(out.subarray(at, Math.min(n, at + 65536)));
  return out;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** SHA-256 in hex (comparing digests keeps a failing 1 MiB comparison readable). */
export async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Read from `conn` until `n` bytes arrived; rejects if the stream ends first. */
export async function readExactly(conn: TlsConn, n: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let got = 0;
  while (got < n) {
    const chunk = await conn.read();
    if (chunk === null) throw new Error(`connection closed after ${got} of ${n} bytes`);
    parts.push(chunk);
    got += chunk.length;
  }
  return concat(parts);
}

/** Everything until the peer's close_notify. */
export async function readAll(conn: TlsConn): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (let chunk = await conn.read(); chunk !== null; chunk = await conn.read()) parts.push(chunk);
  return concat(parts);
}

/** Echo until the peer's close_notify, then close ours (and the connection). */
export async function echo(conn: TlsConn): Promise<void> {
  for (let chunk = await conn.read(); chunk !== null; chunk = await conn.read()) await conn.write(chunk);
}

export const text = (s: string): Uint8Array => new TextEncoder().encode(s);
export const str = (b: Uint8Array): string => new TextDecoder().decode(b);

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Poll `cond` every 10 ms until it holds; fail after `ms`. */
export async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}
