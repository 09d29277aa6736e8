// Public surface of @rxtls/core. Re-exports only.
export * from './errors/index.ts';
export { toHex, fromHex, concat, constantTimeEqual } from './bytes/util.ts';
export { ContentType, HandshakeType, ExtensionType, NamedGroup, SignatureScheme, CipherSuite, ProtocolVersion, nameOf } from './codec/enums.ts';
export type { CryptoProvider, Aead, AeadAlgorithm, HashAlgorithm, HashContext, KeyExchangeGroup, KeyExchangeKeyPair, PublicKey, SignatureAlgorithm, MaybePromise } from './crypto/provider.ts';
export { nobleProvider } from './crypto/noble/index.ts';
export { webCryptoProvider, createWebCryptoProvider } from './crypto/webcrypto/index.ts';
export type { ClientConfig, CipherSuiteName, SignatureSchemeName, PeerVerificationInfo } from './handshake/config.ts';
export type { HandshakeEvent, HandshakeStep, MessageEvent, NegotiatedParameters, SessionTicket, EngineEvent } from './handshake/events.ts';
export { TlsConnection, type ConnectionPhase } from './engine/connection.ts';
export { TlsClientContext, createClientConnection, type ConnectionOptions } from './engine/context.ts';
export { SslError } from './engine/ssl-error.ts';
export { TransportError } from './engine/transport-error.ts';
export type { ReadinessPort } from './observe/readiness.ts';
export { drive, flushOutput } from './observe/drive.ts';
export { TlsSession } from './observe/session.ts';
export { Selector, readinessFor, type SelectionKey, type SelectOptions, type Readiness } from './observe/select.ts';
export { verifyCertificateChain, type ChainVerifyOptions, type VerifiedChain } from './x509/verify.ts';
export { parseCertificate, type ParsedCertificate } from './x509/certificate.ts';
export { loadCertificates, decodePem, encodePem } from './x509/pem.ts';
export { loadPrivateKey } from './x509/keys.ts';
export type { PrivateKey } from './crypto/provider.ts';
export { matchesHost, checkHost } from './x509/hostname.ts';
export { parseIpAddress, formatIpAddress } from './x509/ip.ts';
export { TLS13_CIPHER_SUITES, getCipherSuite, type CipherSuiteParams } from './crypto/suites.ts';
export { exportKeyingMaterial } from './crypto/key-schedule.ts';
/** Wire codecs for every TLS 1.3 message and extension (for tools and tests). */
export * as codec from './codec/index.ts';
