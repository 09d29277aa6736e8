/**
 * Every limit of the engine in one place: the sizes of the TLS 1.3 record layer (RFC 8446 §5),
 * what we agree to buffer for a peer, the caps on floods of records and messages that advance
 * nothing, the work one engine call may do, and the default handshake timeout.
 * docs/reliability.md lists them with the reasons for their defaults.
 */
import { HandshakeType } from '../codec/enums.ts';

/** Length of the record header: type (1), legacy_record_version (2), length (2). RFC 8446 §5.1. */
export const RECORD_HEADER_LENGTH = 5;

/** Largest TLSPlaintext.fragment and TLSInnerPlaintext.content: 2^14 bytes (RFC 8446 §5.1, §5.2). */
export const MAX_PLAINTEXT = 2 ** 14;

/** Largest TLSCiphertext.length: 2^14 + 256 bytes (RFC 8446 §5.2). */
export const MAX_CIPHERTEXT = 2 ** 14 + 256;

/**
 * Largest encoded TLSInnerPlaintext (content + content type byte + padding): 2^14 + 1 bytes
 * (RFC 8446 §5.4). Also the largest record_size_limit a TLS 1.3 peer may announce (RFC 8449 §4).
 */
export const MAX_INNER_PLAINTEXT = MAX_PLAINTEXT + 1;

/** Smallest record_size_limit an endpoint may announce (RFC 8449 §4). */
export const MIN_RECORD_SIZE_LIMIT = 64;

/** Length of the handshake message header: msg_type (1) and a 24-bit length (RFC 8446 §4). */
export const HANDSHAKE_HEADER_LENGTH = 4;

/**
 * Largest handshake message body we buffer: 256 KiB. The protocol allows 2^24 − 1 bytes,
 * which would let a peer make us hold 16 MiB per connection. The only large messages in
 * practice are Certificate (a chain of a few certificates: typically 2–10 KiB, rarely over
 * 64 KiB) and CertificateRequest with a long certificate_authorities list. OpenSSL's default
 * `max_cert_list` is 100 KiB and Go bounds Certificate messages at 256 KiB; we take the
 * larger so no chain that those accept is refused. A header announcing more is rejected
 * with `decode_error` before any of the body is buffered.
 */
export const MAX_HANDSHAKE_MESSAGE = 256 * 1024;

/**
 * Largest handshake message of each kind we buffer, checked at its 4-byte header before any of
 * its body is held (Go's `maxHandshake`, BoringSSL's `ssl_max_handshake_message_len`).
 * Configurable per context (`limits`), for the rare peer that needs more.
 */
export interface HandshakeSizeLimits {
  /** ClientHello: 16 KiB, as BoringSSL. A browser's, post-quantum key share included, is under 2 KiB. */
  readonly clientHello: number;
  /**
   * Certificate: 256 KiB, as Go (OpenSSL's `max_cert_list` is 100 KiB). On a server this
   * is a client certificate, which arrives before the client is authenticated.
   */
  readonly certificate: number;
  /** CertificateRequest: 64 KiB (a long certificate_authorities list). */
  readonly certificateRequest: number;
  /** Every other message (ServerHello, EncryptedExtensions, CertificateVerify, Finished, NewSessionTicket, KeyUpdate): 16 KiB. */
  readonly other: number;
}

/** The defaults of {@link HandshakeSizeLimits}. */
export const DEFAULT_HANDSHAKE_SIZE_LIMITS: HandshakeSizeLimits = {
  clientHello: 16 * 1024,
  certificate: MAX_HANDSHAKE_MESSAGE,
  certificateRequest: 64 * 1024,
  other: 16 * 1024,
};

/**
 * A server's defaults. A client's Certificate arrives before the client is authenticated, so a
 * server takes at most 47 KiB of it (a client chain is a few KiB): with one record being
 * deframed besides, what an unauthenticated connection can make a server hold stays within
 * {@link PREAUTH_BUFFER_TARGET}.
 */
export const DEFAULT_SERVER_HANDSHAKE_SIZE_LIMITS: HandshakeSizeLimits = {
  ...DEFAULT_HANDSHAKE_SIZE_LIMITS,
  certificate: 47 * 1024,
};

/**
 * What a server holds for a connection whose peer is not authenticated yet, at most: one
 * handshake message under its limit (ClientHello 16 KiB; a client Certificate 47 KiB) plus one
 * record being deframed (5 + 2^14 + 256 bytes): 64 KiB.
 */
export const PREAUTH_BUFFER_TARGET = 64 * 1024;

/** The size limit that applies to a handshake message of `type`. */
export function handshakeSizeLimit(type: number, limits: HandshakeSizeLimits): number {
  switch (type) {
    case HandshakeType.client_hello:
      return limits.clientHello;
    case HandshakeType.certificate:
      return limits.certificate;
    case HandshakeType.certificate_request:
      return limits.certificateRequest;
    default:
      return limits.other;
  }
}

/**
 * Consecutive records with no content (empty application data) before the connection is
 * ended with `unexpected_message`: 32, OpenSSL's `MAX_EMPTY_RECORDS` (Go allows 16
 * "useless" records). RFC 8446 §5.4 allows empty application data records as
 * traffic-analysis padding; nobody needs many in a row.
 */
export const MAX_CONSECUTIVE_EMPTY_RECORDS = 32;

/**
 * Consecutive warning-level alerts before `unexpected_message`: 5, OpenSSL's
 * `MAX_WARN_ALERT_COUNT`. In TLS 1.3 only close_notify (which ends the stream) and
 * user_canceled are not fatal (RFC 8446 §6), so this caps user_canceled.
 */
export const MAX_CONSECUTIVE_WARNING_ALERTS = 5;

/**
 * Compatibility change_cipher_spec records accepted on one connection (RFC 8446 Appendix D.4:
 * a peer sends one). A second one is tolerated, a third is `unexpected_message`.
 */
export const MAX_CHANGE_CIPHER_SPEC_RECORDS = 2;

/**
 * KeyUpdate messages received in a row without application data in between before
 * `unexpected_message`: 32, OpenSSL's `MAX_KEY_UPDATE_MESSAGES`. Each one costs a key
 * derivation; while our answer to an update_requested is pending (no application data sent
 * since), further requests are coalesced into it (RFC 8446 §4.6.3).
 */
export const MAX_KEY_UPDATES_WITHOUT_DATA = 32;

/**
 * Post-handshake messages of any kind (NewSessionTicket, KeyUpdate) received in a row without
 * application data in between before `unexpected_message`: 64. A server sends a few tickets.
 */
export const MAX_POST_HANDSHAKE_MESSAGES_WITHOUT_DATA = 64;

/**
 * The work budget of one engine call: it processes at most this many records, or this many
 * record bytes, then returns (WANT_READ with `stoppedAtBudget` set, or the data it has), so the
 * driver yields to the event loop before it calls again. 32 records / 128 KiB: a bulk read of
 * 64 KiB (four full records) fits, while a flood of small records is cut into slices of well
 * under a millisecond; 128 KiB of pure-JS AES-GCM is ≈ 2.5 ms.
 */
export const RECORDS_PER_CALL = 32;

/**
 * TLS 1.3 application-data records decrypted, and sealed, at once per direction when the AEAD
 * is asynchronous (WebCrypto's AES-GCM): 32 × 16 KiB = 512 KiB in flight at most. Measured
 * (DESIGN.md): WebCrypto AES-GCM gives ≈ 300 MB/s awaited one record at a time and ≈ 1,200
 * MB/s with 32 in flight.
 */
export const RECORD_PIPELINE_DEPTH = 32;
/** See {@link RECORDS_PER_CALL}. */
export const RECORD_BYTES_PER_CALL = 128 * 1024;

/**
 * Default handshake timeout, both sides: 30 s. Long enough for several round trips on a bad
 * mobile link and a slow WebCrypto or certificate check; short enough that a peer that opens
 * a connection and stalls (slowloris) holds its slot for a bounded time. node:tls servers use
 * 120 s, nginx 60 s; a client has no reason to wait longer than a server would.
 */
export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 30_000;

/**
 * Certificate path building (x509/verify.ts): the most signature checks one validation may
 * spend (64: real chains with a few cross-signs need a handful; a hostile graph of same-named
 * issuers is cut off), the most certificates in one path (10, leaf and anchor included), and
 * the most name comparisons name constraints may cost (names × subtrees summed over the path:
 * 65,536; a crafted chain of many SANs under many subtrees would otherwise be quadratic).
 */
export const DEFAULT_MAX_SIGNATURE_CHECKS = 64;
/** See {@link DEFAULT_MAX_SIGNATURE_CHECKS}. */
export const DEFAULT_MAX_PATH_LENGTH = 10;
/** See {@link DEFAULT_MAX_SIGNATURE_CHECKS}. */
export const MAX_NAME_CONSTRAINT_COMPARISONS = 65_536;
/** The smallest RSA modulus accepted anywhere in a certificate path (CA/Browser Forum Baseline Requirements §6.1.5). */
export const MIN_RSA_MODULUS_BITS = 2048;

/**
 * How long a transport keeps a connection after a fatal alert, half-closed, discarding input,
 * before it tears it down: 1 s (the lingering close of `ReadinessPort.closeAfterAlert`). Enough
 * for the alert and the FIN to reach a peer on a sane network, short enough that a flood of bad
 * connections does not pile up.
 */
export const CLOSE_LINGER_MS = 1000;

/**
 * Records an AES-GCM key should protect before a KeyUpdate: 2^24.5 full-size records keeps
 * the attacker's advantage under about 2^-57 (RFC 8446 §5.5). ChaCha20-Poly1305's limit is
 * above 2^64 records, so the sequence number bound is the only one that applies to it.
 */
export const AES_GCM_RECORD_LIMIT = Math.floor(2 ** 24.5);

/** AEAD tag length of every TLS 1.3 cipher suite (RFC 8446 §B.4). */
export const TLS13_TAG_LENGTH = 16;
