/**
 * ServerHello, RFC 8446 §4.1.3 (a HelloRetryRequest is a ServerHello with a special random):
 *
 *   struct {
 *     ProtocolVersion legacy_version = 0x0303;
 *     Random random;
 *     opaque legacy_session_id_echo<0..32>;
 *     CipherSuite cipher_suite;
 *     uint8 legacy_compression_method = 0;
 *     Extension extensions<6..2^16-1>;
 *   } ServerHello;
 */
import { ByteReader } from '../../bytes/reader.ts';
import { ByteWriter } from '../../bytes/writer.ts';
import { bytesEqual, fromHex } from '../../bytes/util.ts';
import { TlsError } from '../../errors/tls-error.ts';
import { decodeExtensions, encodeExtensions, type Extension } from '../extension.ts';
import { checkLength, checkUint } from '../internal.ts';
import { MAX_SESSION_ID_LENGTH, RANDOM_LENGTH } from './client-hello.ts';

/** A decoded ServerHello (or HelloRetryRequest). Byte fields are copies. */
export interface ServerHello {
  legacyVersion: number;
  random: Uint8Array;
  legacySessionIdEcho: Uint8Array;
  cipherSuite: number;
  legacyCompressionMethod: number;
  extensions: Extension[];
}

const HRR_RANDOM_HEX = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';
const hrrRandom = fromHex(HRR_RANDOM_HEX);

/**
 * The `random` of a HelloRetryRequest, RFC 8446 §4.1.3: SHA-256 of "HelloRetryRequest".
 * A fresh copy is exported; {@link isHelloRetryRequest} compares against a private one.
 */
export const HELLO_RETRY_REQUEST_RANDOM: Uint8Array = fromHex(HRR_RANDOM_HEX);

/** RFC 8446 §4.1.3: last 8 bytes of a TLS 1.3 server's random when it negotiates TLS 1.2. */
export const DOWNGRADE_TLS12: Uint8Array = fromHex('444f574e47524401');
/** RFC 8446 §4.1.3: last 8 bytes of a TLS 1.3 server's random when it negotiates TLS 1.1 or below. */
export const DOWNGRADE_TLS11: Uint8Array = fromHex('444f574e47524400');

/** Whether `sh` is a HelloRetryRequest (its random is {@link HELLO_RETRY_REQUEST_RANDOM}). */
export function isHelloRetryRequest(sh: ServerHello): boolean {
  return bytesEqual(sh.random, hrrRandom);
}

/** The downgrade sentinel at the end of a ServerHello random, if any (RFC 8446 §4.1.3). */
export function downgradeSentinel(random: Uint8Array): 'tls12' | 'tls11' | undefined {
  if (random.length !== RANDOM_LENGTH) return undefined;
  const tail = random.subarray(RANDOM_LENGTH - 8);
  if (bytesEqual(tail, DOWNGRADE_TLS12)) return 'tls12';
  if (bytesEqual(tail, DOWNGRADE_TLS11)) return 'tls11';
  return undefined;
}

/** Encode a ServerHello (or HelloRetryRequest) body. */
export function encodeServerHello(sh: ServerHello): Uint8Array {
  checkUint(sh.legacyVersion, 16, 'ServerHello legacy_version');
  checkLength(sh.random, RANDOM_LENGTH, RANDOM_LENGTH, 'ServerHello random');
  checkLength(sh.legacySessionIdEcho, 0, MAX_SESSION_ID_LENGTH, 'ServerHello legacy_session_id_echo');
  checkUint(sh.cipherSuite, 16, 'ServerHello cipher_suite');
  checkUint(sh.legacyCompressionMethod, 8, 'ServerHello legacy_compression_method');
  const w = new ByteWriter(128);
  w.u16(sh.legacyVersion).bytes(sh.random).vec8(sh.legacySessionIdEcho);
  w.u16(sh.cipherSuite).u8(sh.legacyCompressionMethod);
  encodeExtensions(w, sh.extensions);
  return w.finish();
}

/**
 * Decode a ServerHello (or HelloRetryRequest) body. A legacy_compression_method other than 0
 * → `illegal_parameter` (RFC 8446 §4.1.3; no TLS version we speak allows compression).
 * The extension block is required.
 */
export function decodeServerHello(body: Uint8Array): ServerHello {
  const r = new ByteReader(body, 'ServerHello');
  const legacyVersion = r.u16();
  const random = r.copy(RANDOM_LENGTH);
  const legacySessionIdEcho = r.vec8(0, MAX_SESSION_ID_LENGTH);
  const cipherSuite = r.u16();
  const legacyCompressionMethod = r.u8();
  const extensions = decodeExtensions(r);
  r.end();
  if (legacyCompressionMethod !== 0) {
    throw new TlsError('illegal_parameter', `ServerHello: legacy_compression_method ${legacyCompressionMethod}, expected 0`);
  }
  return { legacyVersion, random, legacySessionIdEcho, cipherSuite, legacyCompressionMethod, extensions };
}
