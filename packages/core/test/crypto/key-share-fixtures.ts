// Hostile key shares, shared with transport-node's node:crypto provider test.
import { flip } from './helpers.ts';

/** Low-order X25519 u-coordinates, canonical and not (the usual blocklist, e.g. libsodium's). */
export const X25519_LOW_ORDER: readonly [string, string][] = [
  ['0 (order 4)', '0000000000000000000000000000000000000000000000000000000000000000'],
  ['1 (order 1)', '0100000000000000000000000000000000000000000000000000000000000000'],
  ['order 8 (a)', 'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800'],
  ['order 8 (b)', '5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157'],
  ['p-1 (order 2)', 'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'],
  ['p (= 0)', 'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'],
  ['p+1 (= 1)', 'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'],
  ['0 with bit 255 set', '0000000000000000000000000000000000000000000000000000000000000080'],
];

/** Key shares that no NIST-curve group may accept, for a curve whose valid point is `valid`. */
export function invalidNistShares(valid: Uint8Array): [string, Uint8Array][] {
  const n = (valid.length - 1) / 2;
  const x = valid.subarray(1, 1 + n);
  const withPrefix = (p: number, body: Uint8Array): Uint8Array => {
    const out = new Uint8Array(1 + body.length);
    out[0] = p;
    out.set(body, 1);
    return out;
  };
  return [
    ['empty', new Uint8Array(0)],
    ['the point at infinity (00)', new Uint8Array([0])],
    ['0x04 and zeros (not on the curve)', withPrefix(4, new Uint8Array(2 * n))],
    ['compressed 02 || x', withPrefix(2, x)],
    ['compressed 03 || x', withPrefix(3, x)],
    ['02 prefix at the uncompressed length', withPrefix(2, valid.subarray(1))],
    ['hybrid 06 prefix', withPrefix(6, valid.subarray(1))],
    ['one byte short', valid.subarray(0, valid.length - 1)],
    ['one byte long', withPrefix(4, new Uint8Array([...valid.subarray(1), 0]))],
    ['y changed (not on the curve)', flip(valid, valid.length - 1)],
    ['x changed (not on the curve)', flip(valid, 1)],
    ['coordinates all 0xff (above p)', withPrefix(4, new Uint8Array(2 * n).fill(0xff))],
  ];
}
