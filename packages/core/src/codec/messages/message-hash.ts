/**
 * The synthetic `message_hash` handshake message, RFC 8446 §4.4.1: after a HelloRetryRequest
 * the transcript replaces ClientHello1 with `message_hash || 00 00 Hash.length || Hash(ClientHello1)`.
 */
import { HandshakeType } from '../enums.ts';
import { encodeHandshake } from '../handshake.ts';

/** The whole message_hash message (header included) for the hash of ClientHello1. */
export function encodeMessageHash(clientHello1Hash: Uint8Array): Uint8Array {
  return encodeHandshake(HandshakeType.message_hash, clientHello1Hash);
}
