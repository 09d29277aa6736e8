/**
 * The AEAD usage limits of RFC 8446 §5.5, as pure decisions. A key protects at most `limit`
 * records (2^24.5 for AES-GCM; none for ChaCha20-Poly1305): our write key is replaced by a
 * KeyUpdate before it reaches the limit, and the peer is asked to replace its key once its
 * records reach it.
 */

/** Whether our write key must be replaced before the next record. */
export function writeKeyExhausted(limit: number | undefined, recordsWritten: number): boolean {
  return limit !== undefined && recordsWritten >= limit;
}

/** How many bytes the current write key may still protect (whole records; at least one record). */
export function bytesBeforeLimit(limit: number | undefined, recordsWritten: number, maxFragmentLength: number): number {
  if (limit === undefined) return Number.MAX_SAFE_INTEGER;
  return Math.max(1, limit - recordsWritten) * maxFragmentLength;
}

/** Whether to ask the peer for a KeyUpdate: its key reached the limit and we have not asked since it last changed. */
export function shouldAskPeerToUpdate(limit: number | undefined, recordsRead: number, alreadyAsked: boolean): boolean {
  return limit !== undefined && !alreadyAsked && recordsRead >= limit;
}
