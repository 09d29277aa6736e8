import type { Extension } from '../../codec/extension.ts';
import type { CipherSuiteParams } from '../../crypto/suites.ts';
import type { HandshakeSecret } from '../../crypto/key-schedule.ts';
import type { KeyExchangeGroup, PublicKey } from '../../crypto/provider.ts';
import type { VerifiedChain } from '../../x509/verify.ts';

/** What ServerHello settled, carried through the encrypted part of the handshake. */
export interface ServerHelloResult {
  readonly suite: CipherSuiteParams;
  readonly group: KeyExchangeGroup;
  readonly helloRetry: boolean;
  /** A ticket was resumed: no Certificate or CertificateVerify follow (RFC 8446 §2.2). */
  readonly resumed: boolean;
  readonly handshakeSecret: HandshakeSecret;
  readonly clientHandshakeTrafficSecret: Uint8Array;
  readonly serverHandshakeTrafficSecret: Uint8Array;
  readonly offered: readonly Extension[];
}

/** ServerHello's results plus what EncryptedExtensions said. */
export interface EncryptedExtensionsResult extends ServerHelloResult {
  readonly alpn: Uint8Array | undefined;
  readonly serverNameAcknowledged: boolean;
}

/** How the server was authenticated: by its certificate, or (resumed) by the ticket's PSK. */
export interface PeerAuthResult extends EncryptedExtensionsResult {
  /** The CertificateRequest's context when the server asked for a client certificate. */
  /** The server's CertificateRequest, when it asked for our certificate. */
  readonly certificateRequest: { readonly context: Uint8Array; readonly signatureAlgorithms: readonly number[] } | undefined;
  /** Empty when resumed. */
  readonly peerCertificates: readonly Uint8Array[];
  readonly chain: VerifiedChain | undefined;
  readonly signatureScheme: number | undefined;
}

/** Everything up to a validated server certificate. */
export interface ServerAuthResult extends PeerAuthResult {
  readonly leafKey: PublicKey;
}
