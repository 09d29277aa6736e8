/**
 * supported_versions, RFC 8446 §4.2.1:
 *
 *   struct {
 *     select (Handshake.msg_type) {
 *       case client_hello: ProtocolVersion versions<2..254>;
 *       case server_hello: ProtocolVersion selected_version;  (and HelloRetryRequest)
 *     };
 *   } SupportedVersions;
 */
import { decodeWhole, checkUint, readU16List, writeU16List } from '../internal.ts';

/** Encode the ClientHello form: a u8-prefixed, non-empty list of versions. */
export function encodeSupportedVersionsClientHello(versions: readonly number[]): Uint8Array {
  return writeU16List(versions, 'supported_versions', 1, 1);
}

/** Decode the ClientHello form: non-empty, even length (else `decode_error`). GREASE and unknown values are kept. */
export function decodeSupportedVersionsClientHello(data: Uint8Array): number[] {
  return decodeWhole(data, 'supported_versions', (r) => readU16List(r, 'supported_versions', 1, 1));
}

/** Encode the ServerHello/HelloRetryRequest form: the one selected version. */
export function encodeSupportedVersionsServerHello(version: number): Uint8Array {
  checkUint(version, 16, 'supported_versions selected_version');
  return Uint8Array.of(version >>> 8, version & 0xff);
}

/** Decode the ServerHello/HelloRetryRequest form: exactly 2 bytes. Whether it was offered is the handshake's check. */
export function decodeSupportedVersionsServerHello(data: Uint8Array): number {
  return decodeWhole(data, 'supported_versions', (r) => r.u16());
}
