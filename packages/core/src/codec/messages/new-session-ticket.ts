/**
 * NewSessionTicket, RFC 8446 §4.6.1:
 *
 *   struct {
 *     uint32 ticket_lifetime;
 *     uint32 ticket_age_add;
 *     opaque ticket_nonce<0..255>;
 *     opaque ticket<1..2^16-1>;
 *     Extension extensions<0..2^16-2>;
 *   } NewSessionTicket;
 */
import { ByteWriter } from '../../bytes/writer.ts';
import { decodeExtensions, encodeExtensions, type Extension } from '../extension.ts';
import { checkLength, checkUint, decodeWhole } from '../internal.ts';

/** RFC 8446 §4.6.1: servers MUST NOT use a ticket_lifetime above 7 days. */
export const MAX_TICKET_LIFETIME = 604800;

/** A decoded NewSessionTicket. */
export interface NewSessionTicket {
  ticketLifetime: number;
  ticketAgeAdd: number;
  ticketNonce: Uint8Array;
  ticket: Uint8Array;
  extensions: Extension[];
}

/** Encode a NewSessionTicket body. */
export function encodeNewSessionTicket(t: NewSessionTicket): Uint8Array {
  checkUint(t.ticketLifetime, 32, 'NewSessionTicket ticket_lifetime');
  checkUint(t.ticketAgeAdd, 32, 'NewSessionTicket ticket_age_add');
  checkLength(t.ticketNonce, 0, 0xff, 'NewSessionTicket ticket_nonce');
  checkLength(t.ticket, 1, 0xffff, 'NewSessionTicket ticket');
  const w = new ByteWriter(64 + t.ticket.length);
  w.u32(t.ticketLifetime).u32(t.ticketAgeAdd).vec8(t.ticketNonce).vec16(t.ticket);
  encodeExtensions(w, t.extensions);
  return w.finish();
}

/**
 * Decode a NewSessionTicket body. An empty ticket → `decode_error`. The lifetime is returned
 * as sent; a client caps it at {@link MAX_TICKET_LIFETIME} (RFC 8446 §4.6.1).
 */
export function decodeNewSessionTicket(body: Uint8Array): NewSessionTicket {
  return decodeWhole(body, 'NewSessionTicket', (r) => {
    const ticketLifetime = r.u32();
    const ticketAgeAdd = r.u32();
    const ticketNonce = r.vec8();
    const ticket = r.vec16(1);
    const extensions = decodeExtensions(r);
    return { ticketLifetime, ticketAgeAdd, ticketNonce, ticket, extensions };
  });
}
