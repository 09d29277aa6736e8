import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { TlsSession } from '@rxtls/core';
import type { OpensslServer } from './openssl-server.ts';

export const MiB = 1024 * 1024;

/** Read from the session until `n` bytes arrived. */
export async function readExactly(session: TlsSession, n: number): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  let got = 0;
  while (got < n) {
    const chunk = await session.read();
    if (chunk === null) throw new Error(`connection closed after ${got} of ${n} bytes`);
    parts.push(chunk);
    got += chunk.length;
  }
  return Buffer.concat(parts);
}

/** 1 MiB each way through `openssl s_server -quiet`, then a clean close. */
export async function echoBothWays(server: OpensslServer, session: TlsSession): Promise<void> {
  const before = server.received().length;
  const up = randomBytes(MiB);
  const down = randomBytes(MiB);
  server.process.stdin.write(down);
  const [received] = await Promise.all([readExactly(session, MiB), session.write(up)]);
  expect(received.equals(down)).toBe(true);
  const serverGot = await server.waitForReceived(before + MiB);
  expect(serverGot.subarray(before, before + MiB).equals(up)).toBe(true);
  await session.shutdown();
  expect(await session.read()).toBeNull(); // the server's close_notify: a clean end
  session.destroy();
}

/** Echo everything until the client closes; `onEstablished` sees the parameters. */
export async function echoSession(session: TlsSession, onEstablished?: (p: Awaited<ReturnType<TlsSession['handshake']>>) => void): Promise<void> {
  try {
    const p = await session.handshake();
    onEstablished?.(p);
    for (let chunk = await session.read(); chunk !== null; chunk = await session.read()) await session.write(chunk);
    await session.shutdown();
  } catch {
    // a failed handshake is the client's test to judge
  } finally {
    session.destroy();
  }
}
