// Take a TLS 1.2 flight apart and put it back together, so a test can play a hostile peer:
// plaintext handshake records become a list of messages to change, drop or reorder.
import { concat } from '../../src/bytes/util.ts';
import { ContentType } from '../../src/codec/enums.ts';

/** One piece of a flight: a whole handshake message (header included) or another record as it was. */
export type FlightPart = { readonly message: Uint8Array } | { readonly record: Uint8Array };

/** Split bytes of TLS records into messages (plaintext handshake records) and other records. */
export function splitFlight(bytes: Uint8Array): FlightPart[] {
  const parts: FlightPart[] = [];
  let handshake: Uint8Array = new Uint8Array(0);
  for (let at = 0; at + 5 <= bytes.length; ) {
    const length = (bytes[at + 3]! << 8) | bytes[at + 4]!;
    const record = bytes.subarray(at, at + 5 + length);
    at += 5 + length;
    if (record[0] !== ContentType.handshake) {
      parts.push({ record });
      continue;
    }
    handshake = concat(handshake, record.subarray(5));
    while (handshake.length >= 4) {
      const n = 4 + ((handshake[1]! << 16) | (handshake[2]! << 8) | handshake[3]!);
      if (handshake.length < n) break;
      parts.push({ message: handshake.slice(0, n) });
      handshake = handshake.slice(n);
    }
  }
  return parts;
}

/** Records again: each message in a plaintext handshake record of its own. */
export function joinFlight(parts: readonly FlightPart[]): Uint8Array {
  return concat(
    ...parts.map((p) => ('record' in p ? p.record : concat(Uint8Array.of(ContentType.handshake, 3, 3, p.message.length >> 8, p.message.length & 0xff), p.message))),
  );
}

/** A handshake message with a new body (the header's type kept, its length fixed). */
export function withBody(message: Uint8Array, body: Uint8Array): Uint8Array {
  return concat(Uint8Array.of(message[0]!, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff), body);
}
