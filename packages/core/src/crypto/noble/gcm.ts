import { unsafe } from '@noble/ciphers/aes.js';
import { GHASH } from '@noble/ciphers/_polyval.js';
import { UsageError } from '../../errors/tls-error.ts';
import type { Aead } from '../provider.ts';

// AES-GCM (NIST SP 800-38D) for one key, built from noble's exported AES and GHASH pieces.
// noble's `gcm(key, nonce, aad)` expands the key and rebuilds its GHASH table on every call,
// which dominates TLS records; here both are made once per traffic key and reused.

const TAG_LENGTH = 16;
const RECORD_SIZE_HINT = 16 * 1024 + 256; // GHASH table sizing: a TLS record

/** GHASH whose accumulator can be reset, so its key table is built once. */
class ReusableGhash extends GHASH {
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
  return bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
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
    this.ghash = new ReusableGhash(h, RECORD_SIZE_HINT);
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
