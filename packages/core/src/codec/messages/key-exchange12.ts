/**
 * The TLS 1.2 ECDHE key exchange messages (RFC 8422 §5.4, §5.7; RFC 5246 §7.4.3, §7.4.5, §7.4.7):
 *
 *   struct { ECCurveType curve_type; NamedCurve namedcurve; } ECParameters;   // named_curve(3) only
 *   struct { opaque point <1..2^8-1>; } ECPoint;
 *   struct { ECParameters curve_params; ECPoint public; } ServerECDHParams;
 *   struct { ServerECDHParams params; digitally-signed struct { ... } signed_params; } ServerKeyExchange;
 *     // in TLS 1.2 the signature is: SignatureAndHashAlgorithm algorithm; opaque signature<0..2^16-1>
 *   struct { } ServerHelloDone;
 *   struct { ECPoint ecdh_Yc; } ClientKeyExchange;   // ClientECDiffieHellmanPublic, explicit form
 */
import { ByteWriter } from '../../bytes/writer.ts';
import { TlsError } from '../../errors/tls-error.ts';
import { checkLength, checkUint, decodeWhole } from '../internal.ts';

/** ECCurveType.named_curve (RFC 8422 §5.4): the only form we send or accept. */
export const NAMED_CURVE = 3;

/** A decoded ServerKeyExchange for ECDHE. */
export interface ServerKeyExchangeEcdhe {
  /** NamedGroup of the server's share. */
  readonly group: number;
  /** The server's public point (ECPoint.point). */
  readonly publicKey: Uint8Array;
  /** SignatureScheme (TLS 1.2's SignatureAndHashAlgorithm, same code points). */
  readonly algorithm: number;
  readonly signature: Uint8Array;
}

/** The ServerECDHParams bytes, which the signature covers after the two randoms (RFC 8422 §5.4). */
export function encodeServerEcdhParams(group: number, publicKey: Uint8Array): Uint8Array {
  checkUint(group, 16, 'ServerECDHParams namedcurve');
  checkLength(publicKey, 1, 0xff, 'ServerECDHParams point');
  return new ByteWriter(4 + publicKey.length).u8(NAMED_CURVE).u16(group).vec8(publicKey).finish();
}

/** Encode a ServerKeyExchange body (ECDHE, TLS 1.2 signature). */
export function encodeServerKeyExchangeEcdhe(ske: ServerKeyExchangeEcdhe): Uint8Array {
  checkUint(ske.algorithm, 16, 'ServerKeyExchange algorithm');
  checkLength(ske.signature, 0, 0xffff, 'ServerKeyExchange signature');
  const params = encodeServerEcdhParams(ske.group, ske.publicKey);
  return new ByteWriter(params.length + 4 + ske.signature.length).bytes(params).u16(ske.algorithm).vec16(ske.signature).finish();
}

/**
 * Decode a ServerKeyExchange body (ECDHE). A curve type other than named_curve (explicit
 * curves, RFC 8422 §5.4 deprecates them) is `illegal_parameter`; an empty point or trailing
 * bytes `decode_error`. Also returns the params bytes the signature covers.
 */
export function decodeServerKeyExchangeEcdhe(body: Uint8Array): ServerKeyExchangeEcdhe & { readonly params: Uint8Array } {
  return decodeWhole(body, 'ServerKeyExchange', (r) => {
    const curveType = r.u8();
    if (curveType !== NAMED_CURVE) throw new TlsError('illegal_parameter', `ServerKeyExchange: curve type ${curveType}, only named_curve (3) is allowed`);
    const group = r.u16();
    const publicKey = r.vec8(1);
    const params = body.slice(0, 4 + publicKey.length);
    return { group, publicKey, algorithm: r.u16(), signature: r.vec16(), params };
  });
}

/** Encode a ClientKeyExchange body (ECDHE: the client's public point). */
export function encodeClientKeyExchangeEcdhe(publicKey: Uint8Array): Uint8Array {
  checkLength(publicKey, 1, 0xff, 'ClientKeyExchange point');
  return new ByteWriter(1 + publicKey.length).vec8(publicKey).finish();
}

/** Decode a ClientKeyExchange body (ECDHE): exactly one non-empty point. */
export function decodeClientKeyExchangeEcdhe(body: Uint8Array): Uint8Array {
  return decodeWhole(body, 'ClientKeyExchange', (r) => r.vec8(1));
}

/** ServerHelloDone and HelloRequest have empty bodies; anything else is `decode_error`. */
export function decodeEmptyMessage(body: Uint8Array, what: string): void {
  decodeWhole(body, what, () => undefined);
}
