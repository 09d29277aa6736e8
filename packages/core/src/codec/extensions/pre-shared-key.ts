/**
 * pre_shared_key, RFC 8446 §4.2.11:
 *
 *   struct { opaque identity<1..2^16-1>; uint32 obfuscated_ticket_age; } PskIdentity;
 *   opaque PskBinderEntry<32..255>;
 *   struct {
 *     PskIdentity identities<7..2^16-1>;
 *     PskBinderEntry binders<33..2^16-1>;
 *   } OfferedPsks;
 *   struct {
 *     select (Handshake.msg_type) {
 *       case client_hello: OfferedPsks;
 *       case server_hello: uint16 selected_identity;
 *     };
 *   } PreSharedKeyExtension;
 *
 * The binders are the last bytes of the ClientHello (the extension must come last), so the
 * "truncated ClientHello" a binder is computed over is the whole ClientHello message minus
 * {@link pskBindersLength} bytes (RFC 8446 §4.2.11.2).
 */
import { ByteWriter } from '../../bytes/writer.ts';
import { TlsError } from '../../errors/tls-error.ts';
import { checkLength, checkUint, decodeWhole, usage, writeSection } from '../internal.ts';

/** One offered PSK identity. */
export interface PskIdentity {
  identity: Uint8Array;
  obfuscatedTicketAge: number;
}

/** The ClientHello form: identities and their binders, in the same order. */
export interface OfferedPsks {
  identities: PskIdentity[];
  binders: Uint8Array[];
}

/** Shortest PskBinderEntry (RFC 8446 §4.2.11). */
export const MIN_BINDER_LENGTH = 32;
/** Longest PskBinderEntry (RFC 8446 §4.2.11). */
export const MAX_BINDER_LENGTH = 255;

/** Bytes the binders part (`PskBinderEntry binders<33..2^16-1>` with its u16 prefix) takes on the wire. */
export function pskBindersLength(binders: readonly Uint8Array[]): number {
  let n = 2;
  for (const b of binders) n += 1 + b.length;
  return n;
}

/** Encode only the binders part (u16 prefix and entries), to append to a truncated ClientHello. */
export function encodePskBinders(binders: readonly Uint8Array[]): Uint8Array {
  usage(binders.length >= 1, 'pre_shared_key: no binders');
  for (const b of binders) checkLength(b, MIN_BINDER_LENGTH, MAX_BINDER_LENGTH, 'pre_shared_key binder');
  const w = new ByteWriter(pskBindersLength(binders));
  writeSection(w, 2, 'pre_shared_key', (list) => {
    for (const b of binders) list.vec8(b);
  });
  return w.finish();
}

/**
 * The truncated ClientHello a binder is computed over (RFC 8446 §4.2.11.2): the whole
 * ClientHello handshake message (header included) without its binders part. A view of
 * `clientHelloMessage`.
 */
export function truncateClientHelloForBinders(clientHelloMessage: Uint8Array, binders: readonly Uint8Array[]): Uint8Array {
  const n = pskBindersLength(binders);
  usage(clientHelloMessage.length > n, 'pre_shared_key: ClientHello shorter than its binders');
  return clientHelloMessage.subarray(0, clientHelloMessage.length - n);
}

/** Encode the ClientHello form. Identities and binders must pair up. */
export function encodePreSharedKeyClientHello(offered: OfferedPsks): Uint8Array {
  usage(offered.identities.length >= 1, 'pre_shared_key: no identities');
  usage(offered.identities.length === offered.binders.length, 'pre_shared_key: identities and binders differ in number');
  const binders = encodePskBinders(offered.binders);
  const w = new ByteWriter(64 + binders.length);
  writeSection(w, 2, 'pre_shared_key', (list) => {
    for (const id of offered.identities) {
      checkLength(id.identity, 1, 0xffff, 'pre_shared_key identity');
      checkUint(id.obfuscatedTicketAge, 32, 'pre_shared_key obfuscated_ticket_age');
      list.vec16(id.identity).u32(id.obfuscatedTicketAge);
    }
  });
  w.bytes(binders);
  return w.finish();
}

/**
 * Decode the ClientHello form. Empty lists, an empty identity or a binder outside 32..255
 * bytes → `decode_error`; a different number of identities and binders → `illegal_parameter`.
 */
export function decodePreSharedKeyClientHello(data: Uint8Array): OfferedPsks {
  return decodeWhole(data, 'pre_shared_key', (r) => {
    const ids = r.sub16('pre_shared_key identities', 7);
    const identities: PskIdentity[] = [];
    while (!ids.atEnd) identities.push({ identity: ids.vec16(1), obfuscatedTicketAge: ids.u32() });
    const bs = r.sub16('pre_shared_key binders', 33);
    const binders: Uint8Array[] = [];
    while (!bs.atEnd) binders.push(bs.vec8(MIN_BINDER_LENGTH, MAX_BINDER_LENGTH));
    if (identities.length !== binders.length) {
      throw new TlsError('illegal_parameter', `pre_shared_key: ${identities.length} identities but ${binders.length} binders`);
    }
    return { identities, binders };
  });
}

/** Encode the ServerHello form: the index of the selected identity. */
export function encodePreSharedKeyServerHello(selectedIdentity: number): Uint8Array {
  checkUint(selectedIdentity, 16, 'pre_shared_key selected_identity');
  return Uint8Array.of(selectedIdentity >>> 8, selectedIdentity & 0xff);
}

/** Decode the ServerHello form: exactly 2 bytes. Whether the index was offered is the handshake's check (`illegal_parameter`). */
export function decodePreSharedKeyServerHello(data: Uint8Array): number {
  return decodeWhole(data, 'pre_shared_key', (r) => r.u16());
}
