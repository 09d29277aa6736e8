/**
 * Size limits of the TLS 1.3 record layer (RFC 8446 §5) and of what we agree to buffer.
 */

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
 * Records an AES-GCM key should protect before a KeyUpdate: 2^24.5 full-size records keeps
 * the attacker's advantage under about 2^-57 (RFC 8446 §5.5). ChaCha20-Poly1305's limit is
 * above 2^64 records, so the sequence number bound is the only one that applies to it.
 */
export const AES_GCM_RECORD_LIMIT = Math.floor(2 ** 24.5);

/** AEAD tag length of every TLS 1.3 cipher suite (RFC 8446 §B.4). */
export const TLS13_TAG_LENGTH = 16;
