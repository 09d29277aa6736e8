import { check } from '../../errors/tls-error.ts';
import { ExtensionType, HandshakeType, nameOf } from '../../codec/enums.ts';
import { findExtension } from '../../codec/extension.ts';
import { decodeEncryptedExtensions } from '../../codec/messages/encrypted-extensions.ts';
import { decodeSelectedProtocol } from '../../codec/extensions/alpn.ts';
import { decodeRecordSizeLimit } from '../../codec/extensions/record-size-limit.ts';
import { bytesEqual } from '../../bytes/util.ts';
import type { HandshakeOutbox, ReceivedMessage, Transition } from '../outbox.ts';
import { unexpectedMessage, type ClientSession } from './common.ts';
import type { ServerHelloResult } from './negotiated.ts';
import { ExpectCertificateOrCertificateRequest } from './expect-certificate.ts';
import { ExpectFinished } from './expect-finished.ts';
import type { ClientState } from './state.ts';

// RFC 8446 §4.2 table: extensions a server may put in EncryptedExtensions (when offered).
const ENCRYPTED_EXTENSIONS_ALLOWED: ReadonlySet<number> = new Set([
  ExtensionType.server_name,
  ExtensionType.max_fragment_length,
  ExtensionType.supported_groups,
  ExtensionType.use_srtp,
  ExtensionType.heartbeat,
  ExtensionType.application_layer_protocol_negotiation,
  ExtensionType.client_certificate_type,
  ExtensionType.server_certificate_type,
  ExtensionType.early_data,
  ExtensionType.record_size_limit,
]);

/** Waiting for EncryptedExtensions (RFC 8446 §4.3.1). */
export class ExpectEncryptedExtensions {
  readonly kind = 'ExpectEncryptedExtensions';
  constructor(
    readonly session: ClientSession,
    readonly negotiated: ServerHelloResult,
  ) {}

  handle(msg: ReceivedMessage, out: HandshakeOutbox): Transition<ClientState> {
    if (msg.type !== HandshakeType.encrypted_extensions) throw unexpectedMessage(this.kind, msg);
    const ee = decodeEncryptedExtensions(msg.body);
    for (const ext of ee.extensions) {
      check(this.negotiated.offered.some((o) => o.type === ext.type), 'unsupported_extension', `EncryptedExtensions carries ${nameOf.extensionType(ext.type)}, which we did not offer`);
      check(ENCRYPTED_EXTENSIONS_ALLOWED.has(ext.type), 'illegal_parameter', `EncryptedExtensions may not carry ${nameOf.extensionType(ext.type)}`);
    }
    const serverName = findExtension(ee.extensions, ExtensionType.server_name);
    // RFC 6066 §3: the server's server_name extension is empty.
    check(serverName === undefined || serverName.length === 0, 'decode_error', 'server_name in EncryptedExtensions must be empty');

    const alpnData = findExtension(ee.extensions, ExtensionType.application_layer_protocol_negotiation);
    const alpn = alpnData === undefined ? undefined : decodeSelectedProtocol(alpnData);
    if (alpn !== undefined) {
      // RFC 7301 §3.2: the server selects one of the protocols the client offered.
      check(this.session.config.alpnProtocols.some((p) => bytesEqual(p, alpn)), 'illegal_parameter', 'server selected an ALPN protocol we did not offer');
    }
    const limitData = findExtension(ee.extensions, ExtensionType.record_size_limit);
    const recordSizeLimit = limitData === undefined ? undefined : decodeRecordSizeLimit(limitData);
    if (recordSizeLimit !== undefined) out.setPeerRecordSizeLimit(recordSizeLimit);

    this.session.transcript.add(msg.raw);
    out.step({
      type: 'encrypted-extensions',
      ...(alpn !== undefined ? { alpn: new TextDecoder().decode(alpn) } : {}),
      ...(recordSizeLimit !== undefined ? { recordSizeLimit } : {}),
      serverNameAcknowledged: serverName !== undefined,
    });
    const result = { ...this.negotiated, alpn, serverNameAcknowledged: serverName !== undefined };
    // RFC 8446 §2.2, §4.3.2: a resumed handshake has no Certificate, CertificateVerify or CertificateRequest.
    if (this.negotiated.resumed) {
      return new ExpectFinished(this.session, { ...result, certificateRequest: undefined, peerCertificates: [], chain: undefined, signatureScheme: undefined });
    }
    return new ExpectCertificateOrCertificateRequest(this.session, result);
  }
}
