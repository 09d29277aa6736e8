// Shared by the crypto tests (and by transport-node's node-crypto-provider test): the RFC 8448
// trace, an assertion for TlsError alerts, a provider that records every HKDF-Expand call, and
// the RFC 8446 §7.1 HkdfLabel built by hand (independently of hkdf-label.ts).
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { parseRfc8448, traceValue } from '../../src/testing/rfc8448.ts';
import { TlsError } from '../../src/errors/tls-error.ts';
import { concat, utf8 } from '../../src/bytes/util.ts';
import type { CryptoProvider, HashAlgorithm } from '../../src/crypto/provider.ts';

/** The RFC 8448 text (the server's RSA key in §3 is outside any step). */
export const rfc8448Text = readFileSync(new URL('../vectors/rfc8448.txt', import.meta.url), 'utf8');

export const steps = parseRfc8448(rfc8448Text);

/** `traceValue` over the RFC 8448 trace. */
export function tv(section: string, actor: 'client' | 'server', titlePrefix: string, label: string, n = 0): Uint8Array {
  return traceValue(steps, section, actor, titlePrefix, label, n);
}

/** Expect `fn` to throw (or reject with) a TlsError carrying `alert`. */
export async function expectTlsError(fn: () => unknown, alert: string): Promise<TlsError> {
  let caught: unknown;
  try {
    await fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected a TlsError').toBeInstanceOf(TlsError);
  const err = caught as TlsError;
  expect(err.alertName).toBe(alert);
  expect(err.message.startsWith('tls: ')).toBe(true);
  return err;
}

/** One recorded HKDF-Expand call. */
export interface ExpandCall {
  readonly prk: Uint8Array;
  readonly info: Uint8Array;
  readonly length: number;
  readonly output: Uint8Array;
}

/** `base` with every `hkdfExpand` call recorded in `expands`. */
export function recordingProvider(base: CryptoProvider): CryptoProvider & { readonly expands: ExpandCall[] } {
  const expands: ExpandCall[] = [];
  return {
    ...base,
    expands,
    hkdfExpand(hash: HashAlgorithm, prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
      const output = base.hkdfExpand(hash, prk, info, length);
      expands.push({ prk: prk.slice(), info: info.slice(), length, output: output.slice() });
      return output;
    },
  };
}

/** HkdfLabel (RFC 8446 §7.1), written out byte by byte: uint16 length, "tls13 " + label <7..255>, context <0..255>. */
export function hkdfLabelBytes(length: number, label: string, context: Uint8Array): Uint8Array {
  const fullLabel = utf8(`tls13 ${label}`);
  return concat(new Uint8Array([length >> 8, length & 0xff, fullLabel.length]), fullLabel, new Uint8Array([context.length]), context);
}

/** A handshake message header: type, uint24 length. */
export function handshakeHeader(type: number, length: number): Uint8Array {
  return new Uint8Array([type, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff]);
}

/** A copy of `b` with byte `i` xor `mask`. */
export function flip(b: Uint8Array, i: number, mask = 0x01): Uint8Array {
  const c = b.slice();
  c[i]! ^= mask;
  return c;
}
