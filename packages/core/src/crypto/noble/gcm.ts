import { unsafe } from '@noble/ciphers/aes.js';
import { GHASH } from '@noble/ciphers/_polyval.js';
import { UsageError } from '../../errors/tls-error.ts';
import type { Aead } from '../provider.ts';

// AES-GCM (NIST SP 800-38D) for one key, built from noble's exported AES and GHASH pieces.
// noble's `gcm(key, nonce, aad)` expands the key and rebuilds its GHASH table on every call,
// which dominates TLS records; here both are made once per traffic key and reused.

const TAG_LENGTH = 16;
const RECORD_SIZE_HINT = 16 * 1024 + 256; // GHASH table sizing: a TLS record

/**
 * GHASH whose accumulator can be reset, so its key table is built once per key, and whose
 * table lives in one typed array (8 KiB) instead of noble's 512 small objects: a connection
 * keeps two of these alive, and idle memory matters.
 */
class ReusableGhash extends GHASH {
  // noble's windowed table for W = 4 (its choice for the record-size hint): 32 windows x 16 entries.
  private static readonly WINDOWS = 32;
  private static readonly ENTRIES = 16;
  private readonly table: Uint32Array;

  /** Overwrite the table built from H (and noble's own state). */
  override destroy(): void {
    this.table.fill(0);
    super.destroy();
  }

  constructor(key: Uint8Array) {
    super(key, RECORD_SIZE_HINT);
    const entries = this.t;
    if (entries.length !== ReusableGhash.WINDOWS * ReusableGhash.ENTRIES) throw new Error('rxtls: unexpected GHASH table size');
    this.table = new Uint32Array(entries.length * 4);
    entries.forEach((e, i) => {
      this.table[i * 4] = e.s0;
      this.table[i * 4 + 1] = e.s1;
      this.table[i * 4 + 2] = e.s2;
      this.table[i * 4 + 3] = e.s3;
    });
    this.t = [];
  }

  // The same walk as noble's: each 32-bit word byte by byte from the low byte, each byte high nibble first.
  protected override _updateBlock(s0: number, s1: number, s2: number, s3: number): void {
    const words = [s0 ^ this.s0, s1 ^ this.s1, s2 ^ this.s2, s3 ^ this.s3];
    const t = this.table;
    let o0 = 0;
    let o1 = 0;
    let o2 = 0;
    let o3 = 0;
    let w = 0;
    for (let i = 0; i < 4; i++) {
      const num = words[i]!;
      for (let bytePos = 0; bytePos < 4; bytePos++) {
        const byte = (num >>> (8 * bytePos)) & 0xff;
        for (let shift = 4; shift >= 0; shift -= 4) {
          const at = (w * 16 + ((byte >>> shift) & 0xf)) * 4;
          o0 ^= t[at]!;
          o1 ^= t[at + 1]!;
          o2 ^= t[at + 2]!;
          o3 ^= t[at + 3]!;
          w++;
        }
      }
    }
    this.s0 = o0;
    this.s1 = o1;
    this.s2 = o2;
    this.s3 = o3;
  }

  reset(): this {
    this.s0 = 0;
    this.s1 = 0;
    this.s2 = 0;
    this.s3 = 0;
    this.finished = false;
    return this;
  }
}

/** The final GHASH block: bit lengths of the AAD and the ciphertext, big-endian u64 each. */
function lengthBlock(aadLength: number, dataLength: number): Uint8Array {
  const block = new Uint8Array(16);
  const view = new DataView(block.buffer);
  view.setUint32(0, Math.floor((aadLength * 8) / 2 ** 32));
  view.setUint32(4, (aadLength * 8) >>> 0);
  view.setUint32(8, Math.floor((dataLength * 8) / 2 ** 32));
  view.setUint32(12, (dataLength * 8) >>> 0);
  return block;
}

/** A 4-byte aligned copy when needed: the AES code reads 32-bit words. */
function aligned(bytes: Uint8Array): Uint8Array {
  // A copy through the Uint8Array constructor: a Node Buffer's slice() is a view at the same offset.
  return bytes.byteOffset % 4 === 0 ? bytes : new Uint8Array(bytes);
}

/**
 * AES-128/256-GCM bound to one key, with a 12-byte nonce and a 16-byte tag. `open` checks the
 * tag (in constant time) before decrypting and returns null when it does not match.
 */
export class AesGcm implements Aead {
  readonly tagLength = TAG_LENGTH;
  private readonly xk: Uint32Array;
  private readonly ghash: ReusableGhash;

  /** `key` is 16 or 32 bytes (the caller, createNobleAead, checks which). */
  constructor(key: Uint8Array) {
    this.xk = unsafe.expandKeyLE(key);
    // H = E_K(0^128)
    const h = new Uint8Array(16);
    unsafe.ctr32(this.xk, false, new Uint8Array(16), h, h);
    this.ghash = new ReusableGhash(h);
  }

  /** Overwrite the expanded key and the GHASH table (the key H is derived from the key). */
  destroy(): void {
    this.xk.fill(0);
    this.ghash.destroy();
  }

  /** J0 = nonce || 0^31 || 1 for a 96-bit nonce; returns E_K(J0) and leaves `counter` at inc32(J0). */
  private start(nonce: Uint8Array): { counter: Uint8Array; tagMask: Uint8Array } {
    if (nonce.length !== 12) throw new UsageError(`AES-GCM nonce must be 12 bytes, got ${nonce.length}`);
    const counter = new Uint8Array(16);
    counter.set(nonce);
    counter[15] = 1;
    const tagMask = unsafe.ctr32(this.xk, false, counter, new Uint8Array(16));
    return { counter, tagMask };
  }

  private tag(aad: Uint8Array, ciphertext: Uint8Array, tagMask: Uint8Array): Uint8Array {
    const out = new Uint8Array(16);
    const g = this.ghash.reset();
    if (aad.length > 0) g.update(aad);
    g.update(ciphertext).update(lengthBlock(aad.length, ciphertext.length));
    g.digestInto(out);
    for (let i = 0; i < 16; i++) out[i]! ^= tagMask[i]!;
    return out;
  }

  seal(nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Uint8Array {
    const { counter, tagMask } = this.start(nonce);
    const out = new Uint8Array(plaintext.length + TAG_LENGTH);
    const body = out.subarray(0, plaintext.length);
    unsafe.ctr32(this.xk, false, counter, aligned(plaintext), body);
    out.set(this.tag(aad, body, tagMask), plaintext.length);
    return out;
  }

  open(nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Uint8Array | null {
    const { counter, tagMask } = this.start(nonce); // a bad nonce is the caller's mistake, whatever the input
    if (sealed.length < TAG_LENGTH) return null;
    const ciphertext = aligned(sealed.subarray(0, sealed.length - TAG_LENGTH));
    const expected = this.tag(aad, ciphertext, tagMask);
    const received = sealed.subarray(sealed.length - TAG_LENGTH);
    let diff = 0;
    for (let i = 0; i < TAG_LENGTH; i++) diff |= expected[i]! ^ received[i]!;
    if (diff !== 0) return null; // checked before decrypting: no unauthenticated plaintext
    return unsafe.ctr32(this.xk, false, counter, ciphertext);
  }
}
