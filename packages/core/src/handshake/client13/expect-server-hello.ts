import { TlsError, check } from '../../errors/tls-error.ts';
import { bytesEqual } from '../../bytes/util.ts';
import { ExtensionType, HandshakeType, NamedGroup, ProtocolVersion, nameOf } from '../../codec/enums.ts';
import { findExtension, type Extension } from '../../codec/extension.ts';
import { decodeServerHello, downgradeSentinel, isHelloRetryRequest, type ServerHello } from '../../codec/messages/server-hello.ts';
import { allows, describeRange } from '../versions.ts';
import { handleServerHello12, type ClientHello12Offer } from '../client12/server-hello12.ts';
import { decodeSupportedVersionsServerHello } from '../../codec/extensions/supported-versions.ts';
import { decodeKeyShareHelloRetryRequest, decodeKeyShareServerHello } from '../../codec/extensions/key-share.ts';
import { decodeCookie } from '../../codec/extensions/cookie.ts';
import { getCipherSuite, type CipherSuiteParams } from '../../crypto/suites.ts';
import { EarlySecret, wipe } from '../../crypto/key-schedule.ts';
import type { KeyExchangeGroup, KeyExchangeKeyPair } from '../../crypto/provider.ts';
import { after, type HandshakeOutbox, type HandshakeState, type ReceivedMessage, type Transition } from '../outbox.ts';
import { clientHelloMessage, type OfferedTicket } from './client-hello.ts';
import { decodePreSharedKeyServerHello } from '../../codec/extensions/pre-shared-key.ts';
import { unexpectedMessage, type ClientSession } from './common.ts';
import { ExpectEncryptedExtensions } from './expect-encrypted-extensions.ts';
import type { ClientState } from './state.ts';


// RFC 8446 §4.1.3/§4.1.4: what each message may carry.
const SERVER_HELLO_EXTENSIONS: ReadonlySet<number> = new Set([ExtensionType.supported_versions, ExtensionType.key_share, ExtensionType.pre_shared_key]);
const HELLO_RETRY_EXTENSIONS: ReadonlySet<number> = new Set([ExtensionType.supported_versions, ExtensionType.key_share, ExtensionType.cookie]);

const groupName = (code: number): KeyExchangeGroup | undefined =>
  (Object.entries(NamedGroup) as [string, number][]).find(([, v]) => v === code)?.[0] as KeyExchangeGroup | undefined;

/** Waiting for ServerHello or HelloRetryRequest (RFC 8446 §4.1.3, §4.1.4). */
export class ExpectServerHello {
  readonly kind = 'ExpectServerHello';
  constructor(
    readonly session: ClientSession,
    readonly keyShares: readonly KeyExchangeKeyPair[],
    /** The offered extension types, for the "did we offer it" checks. */
    readonly offered: readonly Extension[],
    /** Set after a HelloRetryRequest: the suite it chose, which ServerHello must repeat. */
    readonly retriedWith: CipherSuiteParams | undefined,
    readonly sentCompatibilityCcs: boolean,
    /** The ticket offered in the last ClientHello, if any. */
    readonly psk: OfferedTicket | undefined,
    /** What a TLS 1.2 ServerHello needs: our first ClientHello and the 1.2 ticket offered. Absent after a HelloRetryRequest. */
    readonly tls12?: ClientHello12Offer,
  ) {}

  handle(msg: ReceivedMessage, out: HandshakeOutbox): Transition<ClientState | HandshakeState> {
    if (msg.type !== HandshakeType.server_hello) throw unexpectedMessage(this.kind, msg);
    const sh = decodeServerHello(msg.body);
    if (findExtension(sh.extensions, ExtensionType.supported_versions) === undefined) return this.handleLegacyVersion(sh, msg, out);
    this.checkVersion(sh);
    check(bytesEqual(sh.legacySessionIdEcho, this.session.legacySessionId), 'illegal_parameter', 'ServerHello legacy_session_id_echo differs from ours');
    check(sh.legacyCompressionMethod === 0, 'illegal_parameter', 'ServerHello legacy_compression_method must be 0');
    const suite = getCipherSuite(sh.cipherSuite);
    check(suite !== undefined && this.session.config.cipherSuites.includes(sh.cipherSuite), 'illegal_parameter', `server chose cipher suite ${nameOf.cipherSuite(sh.cipherSuite)} we did not offer`);
    if (this.retriedWith) {
      check(this.retriedWith.id === suite.id, 'illegal_parameter', 'ServerHello cipher suite differs from the HelloRetryRequest');
    }
    return isHelloRetryRequest(sh) ? this.handleHelloRetryRequest(sh, suite, msg, out) : this.handleServerHello(sh, suite, msg, out);
  }

  /**
   * A ServerHello without supported_versions negotiates TLS 1.2 or older (RFC 8446 §4.2.1).
   * A client that offered TLS 1.3 refuses one whose random ends in a downgrade sentinel
   * (§4.1.3): a TLS 1.3 server was made to pick an older version.
   */
  private handleLegacyVersion(sh: ServerHello, msg: ReceivedMessage, out: HandshakeOutbox): Transition<HandshakeState> {
    const { config } = this.session;
    if (config.versions.max >= ProtocolVersion.TLS1_3) {
      check(downgradeSentinel(sh.random) === undefined, 'illegal_parameter', 'ServerHello.random carries the downgrade sentinel: a TLS 1.3 server was made to negotiate an older version (RFC 8446 §4.1.3)');
    }
    const offered = this.tls12;
    if (sh.legacyVersion !== ProtocolVersion.TLS1_2 || !allows(config.versions, ProtocolVersion.TLS1_2) || offered === undefined) {
      throw new TlsError('protocol_version', `server negotiated ${nameOf.protocolVersion(sh.legacyVersion)}; we speak ${describeRange(config.versions)}`);
    }
    return handleServerHello12(this.session, { ...offered, keyShares: this.keyShares, offered: this.offered }, sh, msg, out);
  }

  /** RFC 8446 §4.2.1 supported_versions (present: TLS 1.3). */
  private checkVersion(sh: ServerHello): void {
    const versions = findExtension(sh.extensions, ExtensionType.supported_versions)!;
    const selected = decodeSupportedVersionsServerHello(versions);
    check(selected === ProtocolVersion.TLS1_3, 'illegal_parameter', `server selected ${nameOf.protocolVersion(selected)}, which we did not offer`);
    check(sh.legacyVersion === ProtocolVersion.TLS1_2, 'illegal_parameter', 'ServerHello legacy_version must be 0x0303');
  }

  private checkExtensions(sh: ServerHello, allowed: ReadonlySet<number>, what: string): void {
    for (const ext of sh.extensions) {
      if (ext.type === ExtensionType.cookie && what === 'HelloRetryRequest') continue; // the one extension a client does not offer
      check(this.offered.some((o) => o.type === ext.type), 'unsupported_extension', `${what} carries ${nameOf.extensionType(ext.type)}, which we did not offer`);
      check(allowed.has(ext.type), 'illegal_parameter', `${what} may not carry ${nameOf.extensionType(ext.type)}`);
    }
  }

  private handleHelloRetryRequest(hrr: ServerHello, suite: CipherSuiteParams, msg: ReceivedMessage, out: HandshakeOutbox): Transition<ClientState> {
    // RFC 8446 §4.1.4: at most one HelloRetryRequest.
    check(this.retriedWith === undefined, 'unexpected_message', 'second HelloRetryRequest');
    this.checkExtensions(hrr, HELLO_RETRY_EXTENSIONS, 'HelloRetryRequest');
    const keyShareData = findExtension(hrr.extensions, ExtensionType.key_share);
    const cookieData = findExtension(hrr.extensions, ExtensionType.cookie);
    const cookie = cookieData === undefined ? undefined : decodeCookie(cookieData);
    const { config, transcript } = this.session;
    let shares = this.keyShares;
    let selectedGroup: string = this.keyShares[0]?.group ?? '';
    if (keyShareData !== undefined) {
      const code = decodeKeyShareHelloRetryRequest(keyShareData);
      const group = groupName(code);
      check(group !== undefined && config.groups.includes(group), 'illegal_parameter', `HelloRetryRequest asks for group ${nameOf.namedGroup(code)}, which we did not offer`);
      check(!this.keyShares.some((k) => k.group === group), 'illegal_parameter', `HelloRetryRequest asks for group ${group}, for which we already sent a share`);
      selectedGroup = group;
      shares = [];
    }
    // A HelloRetryRequest that would not change the ClientHello is an error (§4.1.4).
    check(keyShareData !== undefined || cookie !== undefined, 'illegal_parameter', 'HelloRetryRequest changes nothing');

    transcript.selectHash(suite.hash);
    transcript.replaceWithMessageHash();
    transcript.add(msg.raw);
    out.step({ type: 'hello-retry-request', selectedGroup, cookie: cookie !== undefined });

    // §4.1.4: a ticket goes into the second ClientHello only if its hash is the chosen suite's;
    // its binder then covers message_hash(ClientHello1), the HelloRetryRequest and the new hello.
    const psk = this.psk !== undefined && this.psk.suite.hash === suite.hash ? this.psk : undefined;
    const sendSecondHello = (keyShares: readonly KeyExchangeKeyPair[], o: HandshakeOutbox): Transition<ClientState> => {
      const hello = clientHelloMessage(
        config,
        {
          random: this.session.random,
          legacySessionId: this.session.legacySessionId,
          sniHostName: this.session.sniHostName,
          keyShares,
          cookie,
          psk,
        },
        (truncated) => transcript.hashWith(truncated),
      );
      // RFC 8446 Appendix D.4: the dummy change_cipher_spec goes before the second flight.
      if (config.middleboxCompatibility) o.sendChangeCipherSpec();
      transcript.add(hello.raw);
      o.sendHandshake(hello.raw);
      o.step(clientHelloStep(this.session, keyShares, true));
      return new ExpectServerHello(this.session, keyShares, hello.extensions, suite, config.middleboxCompatibility, psk);
    };
    if (shares.length > 0) return sendSecondHello(shares, out);
    return after(config.provider.generateKeyPair(selectedGroup as KeyExchangeGroup), out, (kp, o) => sendSecondHello([kp], o));
  }

  /** RFC 8446 §4.2.11: the PSK the server selected, checked; undefined for a full handshake. */
  private acceptedPsk(sh: ServerHello, suite: CipherSuiteParams): Uint8Array | undefined {
    const data = findExtension(sh.extensions, ExtensionType.pre_shared_key);
    if (data === undefined) return undefined;
    const selected = decodePreSharedKeyServerHello(data);
    // checkExtensions made sure we offered pre_shared_key; we offer one identity.
    const offered = this.psk;
    check(offered !== undefined && selected === 0, 'illegal_parameter', `server selected PSK identity ${selected}, which we did not offer`);
    check(offered.suite.hash === suite.hash, 'illegal_parameter', `server resumed a ${offered.suite.hash} ticket with ${suite.name}`);
    return offered.ticket.psk;
  }

  private handleServerHello(sh: ServerHello, suite: CipherSuiteParams, msg: ReceivedMessage, out: HandshakeOutbox): Transition<ClientState> {
    this.checkExtensions(sh, SERVER_HELLO_EXTENSIONS, 'ServerHello');
    const psk = this.acceptedPsk(sh, suite);
    const keyShareData = findExtension(sh.extensions, ExtensionType.key_share);
    check(keyShareData !== undefined, 'missing_extension', 'ServerHello has no key_share');
    const entry = decodeKeyShareServerHello(keyShareData);
    const ours = this.keyShares.find((k) => NamedGroup[k.group] === entry.group);
    check(ours !== undefined, 'illegal_parameter', `ServerHello key_share uses ${nameOf.namedGroup(entry.group)}, for which we sent no share`);

    const { transcript, config } = this.session;
    transcript.selectHash(suite.hash);
    transcript.add(msg.raw);
    out.step({ type: 'server-hello', cipherSuite: suite.name, group: ours.group, version: nameOf.protocolVersion(ProtocolVersion.TLS1_3), resumed: psk !== undefined });

    return after(ours.deriveSharedSecret(entry.keyExchange), out, (shared, o) => {
      // RFC 8446 §7.1: the Early Secret is HKDF-Extract(0, PSK), or (0, 0) without a PSK.
      const early = EarlySecret.create(config.provider, suite, psk);
      const handshakeSecret = early.toHandshake(shared);
      early.wipe();
      wipe(shared);
      const th = transcript.hash();
      const clientSecret = handshakeSecret.clientHandshakeTrafficSecret(th);
      const serverSecret = handshakeSecret.serverHandshakeTrafficSecret(th);
      o.keylog('CLIENT_HANDSHAKE_TRAFFIC_SECRET', this.session.random, clientSecret);
      o.keylog('SERVER_HANDSHAKE_TRAFFIC_SECRET', this.session.random, serverSecret);
      o.setReadKeys(suite, serverSecret);
      // From here on everything we send is protected, an alert included (RFC 8446 §5, §6):
      // the dummy change_cipher_spec (Appendix D.4) goes first, then handshake keys.
      if (config.middleboxCompatibility && !this.sentCompatibilityCcs) o.sendChangeCipherSpec();
      o.setWriteKeys(suite, clientSecret);
      return new ExpectEncryptedExtensions(this.session, {
        suite,
        group: ours.group,
        helloRetry: this.retriedWith !== undefined,
        resumed: psk !== undefined,
        handshakeSecret,
        clientHandshakeTrafficSecret: clientSecret,
        serverHandshakeTrafficSecret: serverSecret,
        offered: this.offered,
      });
    });
  }
}

/** The `client-hello-sent` step for a ClientHello we just queued. */
export function clientHelloStep(session: ClientSession, keyShares: readonly KeyExchangeKeyPair[], retry: boolean) {
  const { config } = session;
  return {
    type: 'client-hello-sent' as const,
    retry,
    ...(session.sniHostName !== undefined ? { serverName: session.sniHostName } : {}),
    offeredGroups: keyShares.map((k) => k.group),
    offeredSuites: config.cipherSuites.map((s) => nameOf.cipherSuite(s)),
    ...(config.alpnProtocols.length > 0 ? { alpn: config.alpnProtocols.map((p) => new TextDecoder().decode(p)) } : {}),
  };
}
