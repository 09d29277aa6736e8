import { nameOf } from '../codec/enums.ts';
import { AlertLevel, alertName } from '../errors/alert.ts';
import type { MessageEvent } from '../handshake/events.ts';

/**
 * Builders of the `messages$` events (`s_client -msg`): one shape per thing that crosses the
 * wire. Pure; the engine stamps the time.
 */

/** A whole handshake message, `raw` with its 4-byte header. */
export function handshakeMessageEvent(direction: 'sent' | 'received', raw: Uint8Array, at: number): MessageEvent {
  return { kind: 'handshake', direction, messageType: nameOf.handshakeType(raw[0] ?? 0), length: raw.length - 4, bytes: raw, at };
}

/** One record, with its content length (decrypted length when protected). */
export function recordEvent(direction: 'sent' | 'received', contentType: number, length: number, encrypted: boolean, at: number): MessageEvent {
  return { kind: 'record', direction, contentType: nameOf.contentType(contentType), length, encrypted, at };
}

/** One alert. */
export function alertEvent(direction: 'sent' | 'received', level: number, description: number, at: number): MessageEvent {
  return { kind: 'alert', direction, level: level === AlertLevel.fatal ? 'fatal' : 'warning', description: alertName(description), at };
}

/** A change_cipher_spec record we sent. */
export function changeCipherSpecEvent(direction: 'sent' | 'received', at: number): MessageEvent {
  return { kind: 'change-cipher-spec', direction, at };
}
