import { check } from '../../errors/tls-error.ts';
import { PskKeyExchangeMode } from '../../codec/enums.ts';
import { pskBindersLength } from '../../codec/extensions/pre-shared-key.ts';
import { EarlySecret, verifyFinished } from '../../crypto/key-schedule.ts';
import { getCipherSuite, type CipherSuiteParams } from '../../crypto/suites.ts';
import type { Transcript } from '../../crypto/transcript.ts';
import type { ResolvedServerConfig } from '../server-config.ts';
import { decodeResumptionState, type ResumptionState } from '../tickets/session-state.ts';
import type { ClientHelloOffer } from './client-hello-offer.ts';

/** A resumption the server agreed to: which identity, and the Early Secret it starts from. */
export interface AcceptedPsk {
  readonly selectedIdentity: number;
  readonly state: ResumptionState;
  readonly earlySecret: EarlySecret;
}

/**
 * How far the client's idea of the ticket's age may be from ours, in ms (RFC 8446 §8.3 suggests
 * a window; clocks and network delay both count).
 */
export const TICKET_AGE_WINDOW_MS = 10_000;

/**
 * RFC 8446 §4.2.11: pick the first offered ticket we can resume, and check its binder.
 *
 * A ticket we cannot open, that expired, whose age does not match, whose hash differs from the
 * chosen suite's, or that was issued for another server name is simply not used: a full
 * handshake follows, without an alert. A bad binder on the ticket we did pick is decrypt_error
 * (§4.2.11.2). Only psk_dhe_ke is offered for resumption ((EC)DHE always runs), so a replayed
 * ClientHello cannot learn anything: replay within the window is harmless for 1-RTT data
 * (RFC 8446 §8 is about 0-RTT, which we never accept).
 *
 * `clientHelloRaw` is the whole ClientHello message; `transcript` holds what came before it
 * (nothing, or ClientHello1's message_hash and the HelloRetryRequest) with its hash selected.
 */
export function acceptPsk(config: ResolvedServerConfig, offer: ClientHelloOffer, suite: CipherSuiteParams, transcript: Transcript, clientHelloRaw: Uint8Array): AcceptedPsk | undefined {
  const offered = offer.psk;
  if (offered === undefined || !offer.pskModes.includes(PskKeyExchangeMode.psk_dhe_ke)) return undefined;
  const now = config.clock();
  for (let i = 0; i < offered.identities.length; i++) {
    const identity = offered.identities[i]!;
    const plaintext = config.ticketKeys.open(identity.identity);
    const state = plaintext === undefined ? undefined : decodeResumptionState(plaintext);
    // A TLS 1.2 session's ticket does not resume TLS 1.3 (its secret is a master secret, not a PSK).
    if (state === undefined || state.version !== undefined || !usable(state, suite, offer, identity.obfuscatedTicketAge, now)) continue;
    const earlySecret = EarlySecret.create(config.provider, suite, state.psk);
    // §4.2.11.2: the binder covers the transcript through the ClientHello without its binders.
    const truncated = clientHelloRaw.subarray(0, clientHelloRaw.length - pskBindersLength(offered.binders));
    const binder = offered.binders[i]!;
    const ok = binder.length === suite.hashLength && verifyFinished(config.provider, suite, earlySecret.binderKey(false), transcript.hashWith(truncated), binder);
    check(ok, 'decrypt_error', `PSK binder of identity ${i} does not verify`);
    return { selectedIdentity: i, state, earlySecret };
  }
  return undefined;
}

function usable(state: ResumptionState, suite: CipherSuiteParams, offer: ClientHelloOffer, obfuscatedAge: number, now: number): boolean {
  const original = getCipherSuite(state.cipherSuite);
  // §4.2.11: a resumption PSK goes only with a suite of the same hash.
  if (original === undefined || original.hash !== suite.hash) return false;
  const age = now - state.createdAt;
  if (age < -TICKET_AGE_WINDOW_MS || age > state.lifetimeSeconds * 1000) return false;
  // §4.2.11.1: obfuscated_ticket_age = age in ms + ticket_age_add (mod 2^32).
  const clientAge = (obfuscatedAge - state.ticketAgeAdd) >>> 0;
  if (Math.abs(clientAge - age) > TICKET_AGE_WINDOW_MS) return false;
  // §4.6.1 / RFC 6066 §3: a session resumes only for the name it was established with.
  return state.serverName === offer.serverName;
}
