import { ByteReader } from '../../bytes/reader.ts';
import { ByteWriter } from '../../bytes/writer.ts';

/**
 * What a server needs to resume a session, sealed inside its ticket (RFC 8446 §4.6.1): the
 * suite, the resumption PSK, the age obfuscation and lifetime, and what the original handshake
 * settled (ALPN, SNI).
 */
export interface ResumptionState {
  readonly cipherSuite: number;
  readonly psk: Uint8Array;
  readonly ticketAgeAdd: number;
  /** When the ticket was issued, in ms since the epoch (the server's clock). */
  readonly createdAt: number;
  readonly lifetimeSeconds: number;
  readonly alpn: Uint8Array | undefined;
  readonly serverName: string | undefined;
  /**
   * The protocol version of the session: absent for TLS 1.3; 0x0303 for a TLS 1.2 session, whose
   * `psk` is then the master secret (RFC 5077 §4) and `ticketAgeAdd` is 0.
   */
  readonly version?: number;
  /** TLS 1.2: whether the session used the extended master secret (RFC 7627 §5.3). */
  readonly extendedMasterSecret?: boolean;
}

// 2: adds the protocol version and the extended master secret flag.
const FORMAT_VERSION = 2;
const TLS13 = 0x0304;

/** Serialize a resumption state (the plaintext of a ticket). */
export function encodeResumptionState(s: ResumptionState): Uint8Array {
  const w = new ByteWriter(128);
  w.u8(FORMAT_VERSION).u16(s.cipherSuite).vec8(s.psk).u32(s.ticketAgeAdd >>> 0);
  w.u32(Math.floor(s.createdAt / 2 ** 32)).u32(s.createdAt >>> 0);
  w.u32(s.lifetimeSeconds);
  w.u8(s.alpn === undefined ? 0 : 1).vec8(s.alpn ?? new Uint8Array(0));
  w.u8(s.serverName === undefined ? 0 : 1).vec16(new TextEncoder().encode(s.serverName ?? ''));
  w.u16(s.version ?? TLS13).u8(s.extendedMasterSecret ? 1 : 0);
  return w.finish();
}

/** Parse a ticket's plaintext; anything malformed or of another format version gives undefined. */
export function decodeResumptionState(data: Uint8Array): ResumptionState | undefined {
  try {
    const r = new ByteReader(data, 'ticket');
    if (r.u8() !== FORMAT_VERSION) return undefined;
    const cipherSuite = r.u16();
    const psk = r.vec8(32, 64).slice();
    const ticketAgeAdd = r.u32();
    const createdAt = r.u32() * 2 ** 32 + r.u32();
    const lifetimeSeconds = r.u32();
    const hasAlpn = r.u8() === 1;
    const alpn = r.vec8().slice();
    const hasName = r.u8() === 1;
    const name = new TextDecoder().decode(r.vec16());
    const version = r.u16();
    const extendedMasterSecret = r.u8() === 1;
    r.end();
    const common = { cipherSuite, psk, ticketAgeAdd, createdAt, lifetimeSeconds, alpn: hasAlpn ? alpn : undefined, serverName: hasName ? name : undefined };
    return version === TLS13 ? common : { ...common, version, extendedMasterSecret };
  } catch {
    return undefined;
  }
}
