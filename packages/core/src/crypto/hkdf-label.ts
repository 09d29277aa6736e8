import { ByteWriter } from '../bytes/writer.ts';
import { utf8 } from '../bytes/util.ts';
import type { CryptoProvider, HashAlgorithm } from './provider.ts';

/**
 * HKDF-Expand-Label (RFC 8446 §7.1):
 *   struct { uint16 length; opaque label<7..255> = "tls13 " + Label; opaque context<0..255>; } HkdfLabel;
 */
export function hkdfExpandLabel(provider: CryptoProvider, hash: HashAlgorithm, secret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  const w = new ByteWriter(10 + label.length + context.length);
  w.u16(length);
  w.vec8(utf8(`tls13 ${label}`));
  w.vec8(context);
  return provider.hkdfExpand(hash, secret, w.finish(), length);
}

/** Derive-Secret(Secret, Label, Messages), given Transcript-Hash(Messages) (RFC 8446 §7.1). */
export function deriveSecret(provider: CryptoProvider, hash: HashAlgorithm, secret: Uint8Array, label: string, transcriptHash: Uint8Array): Uint8Array {
  return hkdfExpandLabel(provider, hash, secret, label, transcriptHash, transcriptHash.length);
}
