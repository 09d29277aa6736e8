// WANT_ASYNC: an asynchronous provider operation or the peer-verification hook parks the
// handshake; the promise only records its result and the next call picks it up.
import { describe, expect, it } from 'vitest';
import { concat } from '../../src/bytes/util.ts';
import { SslError } from '../../src/engine/ssl-error.ts';
import { CertificateError } from '../../src/errors/tls-error.ts';
import { createDeterministicProvider } from '../../src/testing/deterministic-provider.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { traceValue } from '../../src/testing/rfc8448.ts';
import type { CryptoProvider } from '../../src/crypto/provider.ts';
import { all, section3Client, section3ServerRecords, steps } from '../handshake/trace-fixture.ts';

const serverFlight = concat(section3ServerRecords[0]!, section3ServerRecords[1]!);

/** The §3 deterministic provider with signature checks made asynchronous (like WebCrypto). */
function asyncVerifyProvider(): CryptoProvider {
  const random = all('3', 'client', 'construct a ClientHello', 'ClientHello')[0]!.subarray(6, 38);
  const base = createDeterministicProvider(nobleProvider, {
    random: [random],
    keyShares: { x25519: traceValue(steps, '3', 'client', 'create an ephemeral x25519 key pair', 'private key') },
  });
  return { ...base, verify: (...args) => new Promise((resolve) => setTimeout(() => resolve(base.verify(...args)), 5)) };
}

describe('WANT_ASYNC', () => {
  it('an asynchronous CertificateVerify check reports WANT_ASYNC, then completes', async () => {
    const conn = section3Client({ provider: asyncVerifyProvider() });
    conn.connect();
    conn.takeOutput();
    conn.receive(serverFlight);
    expect(conn.connect()).toBe(-1);
    expect(conn.getError()).toBe(SslError.WANT_ASYNC);
    // Calling again before the job settles changes nothing.
    expect(conn.connect()).toBe(-1);
    expect(conn.getError()).toBe(SslError.WANT_ASYNC);
    expect(conn.takeOutput().length).toBe(0);
    await conn.asyncReady();
    expect(conn.connect()).toBe(1);
    expect(conn.takeOutput().length).toBeGreaterThan(0); // the client Finished
  });

  it('the verifyPeer hook runs behind WANT_ASYNC and its refusal is bad_certificate', async () => {
    const seen: number[] = [];
    const conn = section3Client({
      verifyPeer: async (info) => {
        seen.push(info.certificates.length);
        throw new Error('pin mismatch');
      },
    });
    conn.connect();
    conn.takeOutput();
    conn.receive(serverFlight);
    expect(conn.connect()).toBe(-1);
    expect(conn.getError()).toBe(SslError.WANT_ASYNC);
    await conn.asyncReady();
    expect(conn.connect()).toBe(-1);
    expect(conn.getError()).toBe(SslError.SSL);
    expect(conn.error).toBeInstanceOf(CertificateError);
    expect((conn.error as CertificateError).failure).toBe('rejected-by-hook');
    expect((conn.error as CertificateError).alertName).toBe('bad_certificate');
    expect(conn.error?.message).toContain('pin mismatch');
    expect(seen).toEqual([1]);
  });

  it('a verifyPeer hook that accepts lets the handshake finish', async () => {
    const conn = section3Client({ verifyPeer: () => Promise.resolve() });
    conn.connect();
    conn.takeOutput();
    conn.receive(serverFlight);
    expect(conn.connect()).toBe(-1);
    await conn.asyncReady();
    expect(conn.connect()).toBe(1);
  });
});
