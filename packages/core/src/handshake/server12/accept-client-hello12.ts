import { TlsError } from '../../errors/tls-error.ts';
import { HandshakeType, NamedGroup, nameOf } from '../../codec/enums.ts';
import { encodeHandshake } from '../../codec/handshake.ts';
import type { ClientHello } from '../../codec/messages/client-hello.ts';
import { encodeServerEcdhParams, encodeServerKeyExchangeEcdhe } from '../../codec/messages/key-exchange12.ts';
import { ClientCertificateType, encodeCertificate12, encodeCertificateRequest12 } from '../../codec/messages/tls12.ts';
import { serverKeyExchangeInput, signatureAlgorithmFor } from '../../crypto/signature-schemes.ts';
import { getCipherSuite12 } from '../../crypto/suites12.ts';
import { CLIENT_CERTIFICATE_SCHEMES_12 } from './client-certificate-schemes.ts';
import type { ResolvedServerConfig } from '../server-config.ts';
import { after, type HandshakeOutbox, type HandshakeState, type Transition } from '../outbox.ts';
import { chooseAlpn } from '../server13/negotiate.ts';
import { HandshakeLog } from '../tls12/handshake-log.ts';
import { readClientHello12 } from './client-hello12.ts';
import { chooseGroup12, chooseSuite12 } from './negotiate12.ts';
import { sendServerHello12 } from './server-hello12.ts';
import { openSessionId12, openTicket12 } from './ticket12.ts';
import { resumeSession12 } from './resume12.ts';
import { ExpectClientCertificate12, ExpectClientKeyExchange12, type FullHandshake12 } from './expect-client-key-exchange12.ts';

/**
 * A server's TLS 1.2 handshake from the ClientHello on (RFC 5246 §7.3): the abbreviated one
 * when the client's ticket opens and still fits (RFC 5077 §3.1), else ServerHello,
 * Certificate, ServerKeyExchange, [CertificateRequest], ServerHelloDone.
 */
export function acceptClientHello12(config: ResolvedServerConfig, hello: ClientHello, raw: Uint8Array, out: HandshakeOutbox): Transition<HandshakeState> {
  const offer = readClientHello12(hello);
  out.step({
    type: 'client-hello-received',
    ...(offer.serverName !== undefined ? { serverName: offer.serverName } : {}),
    offeredSuites: hello.cipherSuites.map((s) => nameOf.cipherSuite(s)),
    keyShares: [],
    ...(offer.alpn ? { alpn: offer.alpn.map((p) => new TextDecoder().decode(p)) } : {}),
  });
  // RFC 7627 §5.3: without the extension, refuse unless the config allows legacy clients.
  if (!offer.extendedMasterSecret && config.requireExtendedMasterSecret) {
    throw new TlsError('handshake_failure', 'client does not support the extended master secret (RFC 7627); set requireExtendedMasterSecret: false to allow such a legacy client');
  }
  const alpn = chooseAlpn(config, offer);
  // A ticket first (RFC 5077 §3.4), else the session id (RFC 5246 §7.4.1.2).
  const resumable = openTicket12(config, offer) ?? openSessionId12(config, offer);
  if (resumable !== undefined) {
    const suite = getCipherSuite12(resumable.cipherSuite)!;
    return resumeSession12({ config, offer, raw, suite, alpn, state: resumable }, out);
  }
  const choice = chooseSuite12(config, offer);
  const group = chooseGroup12(config, offer);
  const hashLog = new HandshakeLog(config.provider, choice.suite.hash, [raw]);
  const issueTicket = offer.sessionTicket !== undefined && config.ticketCount > 0;
  // A session id for clients that resume by id, when the cache keeps sessions.
  const sessionId = config.sessionCache === undefined ? new Uint8Array(0) : config.provider.randomBytes(32);
  const sh = sendServerHello12(config, offer, { suite: choice.suite, extendedMasterSecret: offer.extendedMasterSecret, alpn, sniMatched: choice.sniMatched, issueTicket, resumed: false, sessionId }, out);
  hashLog.add(sh.raw);
  const certificate = encodeHandshake(HandshakeType.certificate, encodeCertificate12(choice.certificate.chain));
  hashLog.add(certificate);
  out.sendHandshake(certificate);
  const { provider } = config;
  return after(provider.generateKeyPair(group), out, (keyPair, o1) => {
    const params = encodeServerEcdhParams(NamedGroup[group], keyPair.publicKey);
    const signed = serverKeyExchangeInput(hello.random, sh.random, params);
    return after(provider.sign(signatureAlgorithmFor(choice.scheme)!, choice.certificate.key, signed), o1, (signature, o2) => {
      const ske = encodeHandshake(HandshakeType.server_key_exchange, encodeServerKeyExchangeEcdhe({ group: NamedGroup[group], publicKey: keyPair.publicKey, algorithm: choice.scheme, signature }));
      hashLog.add(ske);
      o2.sendHandshake(ske);
      o2.step({ type: 'server-certificate-sent', chainLength: choice.certificate.chain.length, subject: choice.certificate.leaf.subject, signatureScheme: nameOf.signatureScheme(choice.scheme) });
      o2.step({ type: 'server-key-exchange-sent', group, signatureScheme: nameOf.signatureScheme(choice.scheme) });
      if (config.clientAuth) sendCertificateRequest12(hashLog, o2);
      const done = encodeHandshake(HandshakeType.server_hello_done, new Uint8Array(0));
      hashLog.add(done);
      o2.sendHandshake(done);
      o2.step({ type: 'server-hello-done-sent' });
      const full: FullHandshake12 = { config, offer, suite: choice.suite, log: hashLog, keyPair, group, scheme: choice.scheme, alpn, serverRandom: sh.random, issueTicket, sessionId };
      return config.clientAuth ? new ExpectClientCertificate12(full) : new ExpectClientKeyExchange12(full, undefined);
    });
  });
}

/** RFC 5246 §7.4.4: ask for an RSA or ECDSA certificate signed with a scheme we check; no CA names. */
function sendCertificateRequest12(log: HandshakeLog, out: HandshakeOutbox): void {
  const body = encodeCertificateRequest12({
    certificateTypes: [ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign],
    signatureAlgorithms: CLIENT_CERTIFICATE_SCHEMES_12,
    certificateAuthorities: [],
  });
  const raw = encodeHandshake(HandshakeType.certificate_request, body);
  log.add(raw);
  out.sendHandshake(raw);
  out.step({ type: 'certificate-request' });
}
