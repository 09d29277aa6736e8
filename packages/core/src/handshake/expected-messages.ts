import { HandshakeType } from '../codec/enums.ts';

/**
 * Which handshake messages each state takes, by its `kind` (RFC 8446 §4, Appendix A). The
 * engine checks a message's type against this table as soon as its 4-byte header arrives,
 * before it buffers the body: a peer cannot make us hold a large message no state would
 * take. The states check the type again when they handle the message.
 */
const EXPECTED: Readonly<Record<string, readonly number[]>> = {
  // client (RFC 8446 Appendix A.1)
  ExpectServerHello: [HandshakeType.server_hello],
  ExpectEncryptedExtensions: [HandshakeType.encrypted_extensions],
  ExpectCertificateOrCertificateRequest: [HandshakeType.certificate, HandshakeType.certificate_request],
  ExpectCertificate: [HandshakeType.certificate],
  ExpectCertificateVerify: [HandshakeType.certificate_verify],
  ExpectFinished: [HandshakeType.finished],
  // server (RFC 8446 Appendix A.2)
  ExpectClientHello: [HandshakeType.client_hello],
  ExpectClientCertificate: [HandshakeType.certificate],
  ExpectClientCertificateVerify: [HandshakeType.certificate_verify],
  ExpectClientFinished: [HandshakeType.finished],
};

/** RFC 8446 §4.6: after the handshake a client takes tickets and KeyUpdate; a server only KeyUpdate (no post-handshake auth). */
const CONNECTED_CLIENT = [HandshakeType.new_session_ticket, HandshakeType.key_update];
const CONNECTED_SERVER = [HandshakeType.key_update];

/**
 * The message types the state `kind` takes, or `undefined` for a state this table does not
 * know (the state's own check then decides).
 */
export function expectedMessages(kind: string, role: 'client' | 'server'): readonly number[] | undefined {
  if (kind === 'Connected') return role === 'client' ? CONNECTED_CLIENT : CONNECTED_SERVER;
  return EXPECTED[kind];
}
