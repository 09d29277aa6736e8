/**
 * ClientHello, RFC 8446 §4.1.2:
 *
 *   struct {
 *     ProtocolVersion legacy_version = 0x0303;
 *     Random random;
 *     opaque legacy_session_id<0..32>;
 *     CipherSuite cipher_suites<2..2^16-2>;
 *     opaque legacy_compression_methods<1..2^8-1>;
 *     Extension extensions<8..2^16-1>;
 *   } ClientHello;
 */
import { ByteReader } from '../../bytes/reader.ts';
import { ByteWriter } from '../../bytes/writer.ts';
import { TlsError } from '../../errors/tls-error.ts';
import { ExtensionType } from '../enums.ts';
import { decodeExtensions, encodeExtensions, type Extension } from '../extension.ts';
import { checkLength, checkUint, readU16List, usage, writeU16List } from '../internal.ts';

/** Bytes in a ClientHello or ServerHello `random`. */
export const RANDOM_LENGTH = 32;
/** Longest `legacy_session_id` (RFC 8446 §4.1.2). */
export const MAX_SESSION_ID_LENGTH = 32;

/** A decoded ClientHello. Byte fields are copies. */
export interface ClientHello {
  legacyVersion: number;
  random: Uint8Array;
  legacySessionId: Uint8Array;
  cipherSuites: number[];
  legacyCompressionMethods: number[];
  extensions: Extension[];
}

/** Encode a ClientHello body. */
export function encodeClientHello(ch: ClientHello): Uint8Array {
  checkUint(ch.legacyVersion, 16, 'ClientHello legacy_version');
  checkLength(ch.random, RANDOM_LENGTH, RANDOM_LENGTH, 'ClientHello random');
  checkLength(ch.legacySessionId, 0, MAX_SESSION_ID_LENGTH, 'ClientHello legacy_session_id');
  usage(ch.legacyCompressionMethods.length >= 1 && ch.legacyCompressionMethods.length <= 0xff, 'ClientHello legacy_compression_methods: 1..255 entries');
  for (const m of ch.legacyCompressionMethods) checkUint(m, 8, 'ClientHello compression method');
  const w = new ByteWriter(512);
  w.u16(ch.legacyVersion).bytes(ch.random).vec8(ch.legacySessionId);
  w.bytes(writeU16List(ch.cipherSuites, 'ClientHello cipher_suites', 1));
  w.vec8(Uint8Array.from(ch.legacyCompressionMethods));
  encodeExtensions(w, ch.extensions);
  return w.finish();
}

/**
 * Decode a ClientHello body. Checks the wire syntax only; what the version, suites and
 * compression methods mean is the handshake's call. The extension block is required (every
 * TLS 1.3 ClientHello carries supported_versions). RFC 8446 §4.2.11: pre_shared_key, when
 * present, must be the last extension (else `illegal_parameter`).
 */
export function decodeClientHello(body: Uint8Array): ClientHello {
  const r = new ByteReader(body, 'ClientHello');
  const legacyVersion = r.u16();
  const random = r.copy(RANDOM_LENGTH);
  const legacySessionId = r.vec8(0, MAX_SESSION_ID_LENGTH);
  const cipherSuites = readU16List(r, 'ClientHello cipher_suites', 1);
  const legacyCompressionMethods = Array.from(r.vec8(1));
  const extensions = decodeExtensions(r);
  r.end();
  const psk = extensions.findIndex((e) => e.type === ExtensionType.pre_shared_key);
  if (psk !== -1 && psk !== extensions.length - 1) {
    throw new TlsError('illegal_parameter', 'ClientHello: pre_shared_key is not the last extension');
  }
  return { legacyVersion, random, legacySessionId, cipherSuites, legacyCompressionMethods, extensions };
}
