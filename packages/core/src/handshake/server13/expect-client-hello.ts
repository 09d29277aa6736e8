import { check } from '../../errors/tls-error.ts';
import { bytesEqual } from '../../bytes/util.ts';
import { ExtensionType, HandshakeType, NamedGroup, ProtocolVersion, nameOf } from '../../codec/enums.ts';
import { encodeHandshake } from '../../codec/handshake.ts';
import { decodeClientHello } from '../../codec/messages/client-hello.ts';
import { encodeServerHello, HELLO_RETRY_REQUEST_RANDOM } from '../../codec/messages/server-hello.ts';
import { encodeSupportedVersionsServerHello } from '../../codec/extensions/supported-versions.ts';
import { encodeKeyShareHelloRetryRequest } from '../../codec/extensions/key-share.ts';
import { encodeCookie } from '../../codec/extensions/cookie.ts';
import type { CipherSuiteParams } from '../../crypto/suites.ts';
import type { KeyExchangeGroup } from '../../crypto/provider.ts';
import type { Transcript } from '../../crypto/transcript.ts';
import { shapeExtensions, type ResolvedServerConfig } from '../server-config.ts';
import type { HandshakeOutbox, HandshakeState, ReceivedMessage, Transition } from '../outbox.ts';
import { unexpectedMessage } from '../unexpected-message.ts';
import { readClientHello, type ClientHelloOffer } from './client-hello-offer.ts';
import { chooseCipherSuite, chooseKeyShare } from './negotiate.ts';
import { sendServerFlight } from './server-flight.ts';
import { acceptPsk } from './accept-psk.ts';
import { negotiateVersion } from '../server12/negotiate-version.ts';
import { acceptClientHello12 } from '../server12/accept-client-hello12.ts';

/** What a HelloRetryRequest fixed, which the second ClientHello must follow (RFC 8446 §4.1.4). */
export interface RetryState {
  readonly suite: CipherSuiteParams;
  readonly group: KeyExchangeGroup;
  readonly cookie: Uint8Array;
  readonly first: ClientHelloOffer;
  readonly sentCompatibilityCcs: boolean;
}

// §4.2.10: the most 0-RTT data we skip from a client whose early data we do not accept.
const MAX_SKIPPED_EARLY_DATA = 64 * 1024;
const COOKIE_LENGTH = 32;

/** Waiting for ClientHello (the first, or the second after a HelloRetryRequest). */
export class ExpectClientHello implements HandshakeState {
  readonly kind = 'ExpectClientHello';
  constructor(
    readonly config: ResolvedServerConfig,
    readonly transcript: Transcript,
    readonly retry: RetryState | undefined,
  ) {}

  handle(msg: ReceivedMessage, out: HandshakeOutbox): Transition<HandshakeState> {
    if (msg.type !== HandshakeType.client_hello) throw unexpectedMessage(this.kind, msg);
    const hello = decodeClientHello(msg.body);
    const version = negotiateVersion(this.config.versions, hello);
    if (version === ProtocolVersion.TLS1_2) {
      // §4.1.4: a second ClientHello must keep to TLS 1.3.
      check(this.retry === undefined, 'illegal_parameter', 'second ClientHello no longer offers TLS 1.3');
      return acceptClientHello12(this.config, hello, msg.raw, out);
    }
    const offer = readClientHello(hello);
    // RFC 8446 §5: from the first ClientHello on, a compatibility CCS may arrive.
    out.setAcceptCompatibilityCcs(true);
    const suite = chooseCipherSuite(this.config, offer);
    if (this.retry) checkSecondHello(this.retry, offer, suite);
    out.step({
      type: 'client-hello-received',
      ...(offer.serverName !== undefined ? { serverName: offer.serverName } : {}),
      offeredSuites: offer.hello.cipherSuites.map((s) => nameOf.cipherSuite(s)),
      keyShares: offer.keyShares.map((k) => nameOf.namedGroup(k.group)),
      ...(offer.alpn ? { alpn: offer.alpn.map((p) => new TextDecoder().decode(p)) } : {}),
    });
    // We take no 0-RTT data: records the client sent under early keys are skipped.
    if (offer.earlyData && !this.retry) out.rejectEarlyData(MAX_SKIPPED_EARLY_DATA);

    const choice = chooseKeyShare(this.config, offer);
    this.transcript.selectHash(suite.hash);
    if ('retryGroup' in choice) {
      check(this.retry === undefined, 'illegal_parameter', 'second ClientHello still has no acceptable key share');
      return this.sendHelloRetryRequest(offer, suite, choice.retryGroup, msg, out);
    }
    // §4.2.11: a ticket to resume; its binder covers the transcript so far and this ClientHello.
    const psk = acceptPsk(this.config, offer, suite, this.transcript, msg.raw);
    this.transcript.add(msg.raw);
    return sendServerFlight(
      { config: this.config, transcript: this.transcript, offer, suite, sentCompatibilityCcs: this.retry?.sentCompatibilityCcs ?? false, helloRetry: this.retry !== undefined, psk },
      choice,
      out,
    );
  }

  /** RFC 8446 §4.1.4: ask for a share of `group`, with a cookie the second ClientHello must echo. */
  private sendHelloRetryRequest(offer: ClientHelloOffer, suite: CipherSuiteParams, group: KeyExchangeGroup, msg: ReceivedMessage, out: HandshakeOutbox): ExpectClientHello {
    const cookie = this.config.testing?.cookie?.() ?? this.config.provider.randomBytes(COOKIE_LENGTH);
    // The order of RFC 8448's trace: key_share, cookie, supported_versions.
    const extensions = shapeExtensions(this.config, 'hello_retry_request', [
      { type: ExtensionType.key_share, data: encodeKeyShareHelloRetryRequest(NamedGroup[group]) },
      { type: ExtensionType.cookie, data: encodeCookie(cookie) },
      { type: ExtensionType.supported_versions, data: encodeSupportedVersionsServerHello(ProtocolVersion.TLS1_3) },
    ]);
    const hrr = encodeHandshake(
      HandshakeType.server_hello,
      encodeServerHello({ legacyVersion: ProtocolVersion.TLS1_2, random: HELLO_RETRY_REQUEST_RANDOM, legacySessionIdEcho: offer.hello.legacySessionId, cipherSuite: suite.id, legacyCompressionMethod: 0, extensions }),
    );
    // §4.4.1: ClientHello1 is replaced by its hash before the HelloRetryRequest.
    this.transcript.add(msg.raw);
    this.transcript.replaceWithMessageHash();
    this.transcript.add(hrr);
    out.sendHandshake(hrr);
    // Appendix D.4: a client in compatibility mode (non-empty session id) gets a dummy CCS after our first message.
    const ccs = offer.hello.legacySessionId.length > 0;
    if (ccs) out.sendChangeCipherSpec();
    out.step({ type: 'hello-retry-request', selectedGroup: group, cookie: true });
    return new ExpectClientHello(this.config, this.transcript, { suite, group, cookie, first: offer, sentCompatibilityCcs: ccs });
  }
}

/** RFC 8446 §4.1.2: the second ClientHello repeats the first, but for the key share, cookie and early data. */
function checkSecondHello(retry: RetryState, offer: ClientHelloOffer, suite: CipherSuiteParams): void {
  const first = retry.first.hello;
  const second = offer.hello;
  check(bytesEqual(first.random, second.random), 'illegal_parameter', 'second ClientHello changed its random');
  check(bytesEqual(first.legacySessionId, second.legacySessionId), 'illegal_parameter', 'second ClientHello changed its legacy_session_id');
  check(first.cipherSuites.length === second.cipherSuites.length && first.cipherSuites.every((s, i) => s === second.cipherSuites[i]), 'illegal_parameter', 'second ClientHello changed its cipher suites');
  check(suite.id === retry.suite.id, 'illegal_parameter', 'second ClientHello leads to another cipher suite');
  check(offer.cookie !== undefined && bytesEqual(offer.cookie, retry.cookie), 'illegal_parameter', 'second ClientHello does not echo our cookie');
  check(offer.keyShares.length === 1 && offer.keyShares[0]!.group === NamedGroup[retry.group], 'illegal_parameter', `second ClientHello must carry exactly one key share, for ${retry.group}`);
  // §4.2.10: no early data after a HelloRetryRequest.
  check(!offer.earlyData, 'illegal_parameter', 'second ClientHello offers early data');
}
