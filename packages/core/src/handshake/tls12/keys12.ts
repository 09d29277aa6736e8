import { HandshakeType } from '../../codec/enums.ts';
import { encodeHandshake } from '../../codec/handshake.ts';
import { constantTimeEqual } from '../../bytes/util.ts';
import { check } from '../../errors/tls-error.ts';
import { extendedMasterSecret, finishedVerifyData12, keyBlock12, legacyMasterSecret } from '../../crypto/tls12-key-schedule.ts';
import { wipe } from '../../crypto/key-schedule.ts';
import type { CipherSuite12 } from '../../crypto/suites12.ts';
import type { CryptoProvider } from '../../crypto/provider.ts';
import type { HandshakeOutbox } from '../outbox.ts';
import type { HandshakeLog } from './handshake-log.ts';

/** What a TLS 1.2 session is: its suite, master secret and the two randoms (RFC 5246 §8.1). */
export interface Session12 {
  readonly provider: CryptoProvider;
  readonly suite: CipherSuite12;
  readonly masterSecret: Uint8Array;
  readonly clientRandom: Uint8Array;
  readonly serverRandom: Uint8Array;
  readonly extendedMasterSecret: boolean;
}

/**
 * The master secret (RFC 7627 §4 with the extended master secret, else RFC 5246 §8.1), and its
 * NSS key log line (`CLIENT_RANDOM`). The pre-master secret is overwritten.
 */
export function masterSecret12(
  out: HandshakeOutbox,
  provider: CryptoProvider,
  suite: CipherSuite12,
  preMasterSecret: Uint8Array,
  ems: { readonly used: boolean; readonly sessionHash: Uint8Array },
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): Uint8Array {
  const master = ems.used
    ? extendedMasterSecret(provider, suite.hash, preMasterSecret, ems.sessionHash)
    : legacyMasterSecret(provider, suite.hash, preMasterSecret, clientRandom, serverRandom);
  wipe(preMasterSecret);
  out.keylog('CLIENT_RANDOM', clientRandom, master);
  return master;
}

/**
 * Install one direction's keys from the key block (RFC 5246 §6.3): `write` after our
 * change_cipher_spec, `read` after the peer's. `self` is the side we play.
 */
export function installKeys12(out: HandshakeOutbox, session: Session12, self: 'client' | 'server', direction: 'read' | 'write'): void {
  const { provider, suite } = session;
  const block = keyBlock12(provider, suite.hash, session.masterSecret, session.clientRandom, session.serverRandom, suite.keyLength, suite.ivLength);
  const clientSide = (self === 'client') === (direction === 'write');
  const [key, iv] = clientSide ? [block.clientWriteKey, block.clientWriteIv] : [block.serverWriteKey, block.serverWriteIv];
  if (direction === 'write') out.setWriteKeys12(suite, key, iv);
  else out.setReadKeys12(suite, key, iv);
  wipe(block.clientWriteKey, block.serverWriteKey, block.clientWriteIv, block.serverWriteIv);
}

/** Send change_cipher_spec and switch our write keys (RFC 5246 §7.1). */
export function sendChangeCipherSpec12(out: HandshakeOutbox, session: Session12, self: 'client' | 'server'): void {
  out.sendChangeCipherSpec();
  installKeys12(out, session, self, 'write');
  out.step({ type: 'change-cipher-spec', direction: 'sent' });
}

/** Our Finished message (RFC 5246 §7.4.9) over the log so far; added to the log. */
export function finishedMessage12(session: Session12, sender: 'client' | 'server', log: HandshakeLog): Uint8Array {
  const verifyData = finishedVerifyData12(session.provider, session.suite.hash, session.masterSecret, sender, log.hash());
  const raw = encodeHandshake(HandshakeType.finished, verifyData);
  log.add(raw);
  return raw;
}

/** Check the peer's Finished body in constant time (RFC 5246 §7.4.9): `decrypt_error` when it differs. */
export function checkFinished12(session: Session12, sender: 'client' | 'server', log: HandshakeLog, body: Uint8Array): void {
  const expected = finishedVerifyData12(session.provider, session.suite.hash, session.masterSecret, sender, log.hash());
  check(body.length === expected.length, 'decode_error', `${sender} Finished of ${body.length} bytes, expected ${expected.length}`);
  check(constantTimeEqual(expected, body), 'decrypt_error', `${sender} Finished does not verify`);
}
