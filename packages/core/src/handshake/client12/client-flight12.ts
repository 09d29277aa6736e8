import { HandshakeType } from '../../codec/enums.ts';
import { encodeHandshake } from '../../codec/handshake.ts';
import { encodeClientKeyExchangeEcdhe } from '../../codec/messages/key-exchange12.ts';
import { ClientCertificateType, encodeCertificate12, type CertificateRequest12 } from '../../codec/messages/tls12.ts';
import { encodeCertificateVerify } from '../../codec/messages/certificate-verify.ts';
import { isAllowedInTls12, schemeMatchesKey12, signatureAlgorithmFor } from '../../crypto/signature-schemes.ts';
import type { KeyExchangeKeyPair, MaybePromise, PublicKey } from '../../crypto/provider.ts';
import { after, type HandshakeOutbox, type HandshakeState, type Transition } from '../outbox.ts';
import { negotiatedParameters12 } from '../tls12/parameters12.ts';
import { finishedMessage12, masterSecret12, sendChangeCipherSpec12, type Session12 } from '../tls12/keys12.ts';
import { ExpectFinished12 } from '../tls12/expect-finished.ts';
import { ExpectChangeCipherSpec12 } from '../tls12/expect-change-cipher-spec.ts';
import { Connected12 } from '../tls12/connected.ts';
import type { ServerKeyExchange12Result } from './expect-server-key-exchange12.ts';
import { ExpectNewSessionTicket12, type PendingTicket } from './expect-new-session-ticket12.ts';
import { keepTicket12 } from './keep-ticket12.ts';

/**
 * The client's TLS 1.2 flight (RFC 5246 §7.3): [Certificate], ClientKeyExchange,
 * [CertificateVerify], change_cipher_spec, Finished. The ECDHE key pair reuses our TLS 1.3 key
 * share for the server's group when there is one; key generation, key agreement and signing
 * may each wait on a promise.
 */
export function sendClientFlight12(result: ServerKeyExchange12Result, request: CertificateRequest12 | undefined, out: HandshakeOutbox): Transition<HandshakeState> {
  const { session, log, group } = result;
  const { config } = session;
  const proof = request === undefined ? undefined : sendClientCertificate12(result, request, out);
  const share = result.keyShares.find((k) => k.group === group);
  const keyPair: MaybePromise<KeyExchangeKeyPair> = share ?? config.provider.generateKeyPair(group);
  return after(keyPair, out, (kp, o1) =>
    after(kp.deriveSharedSecret(result.serverShare), o1, (preMasterSecret, o2) => {
      const cke = encodeHandshake(HandshakeType.client_key_exchange, encodeClientKeyExchangeEcdhe(kp.publicKey));
      log.add(cke);
      o2.sendHandshake(cke);
      o2.step({ type: 'client-key-exchange-sent', group });
      // RFC 7627 §3: the session hash covers the messages through ClientKeyExchange.
      const masterSecret = masterSecret12(o2, config.provider, result.suite, preMasterSecret, { used: result.extendedMasterSecret, sessionHash: log.hash() }, session.random, result.serverRandom);
      const secrets: Session12 = {
        provider: config.provider,
        suite: result.suite,
        masterSecret,
        clientRandom: session.random,
        serverRandom: result.serverRandom,
        extendedMasterSecret: result.extendedMasterSecret,
      };
      if (proof === undefined) return finishClientFlight(result, secrets, o2);
      // RFC 5246 §7.4.8: CertificateVerify signs every handshake message before it.
      return after(proof.sign(log.all()), o2, (signature, o3) => {
        const cv = encodeHandshake(HandshakeType.certificate_verify, encodeCertificateVerify({ algorithm: proof.scheme, signature }));
        log.add(cv);
        o3.sendHandshake(cv);
        return finishClientFlight(result, secrets, o3);
      });
    }),
  );
}

/** change_cipher_spec and Finished, then wait for the server's (after its ticket, if it promised one). */
function finishClientFlight(result: ServerKeyExchange12Result, secrets: Session12, out: HandshakeOutbox): HandshakeState {
  sendChangeCipherSpec12(out, secrets, 'client');
  out.sendHandshake(finishedMessage12(secrets, 'client', result.log));
  out.step({ type: 'client-finished-sent' });
  const parameters = negotiatedParameters12({
    suite: result.suite,
    group: result.group,
    signatureScheme: result.signatureScheme,
    alpn: result.alpn,
    serverName: result.session.serverName,
    resumed: false,
    extendedMasterSecret: result.extendedMasterSecret,
    peerCertificates: result.peerCertificates,
    verifiedPath: result.chain?.path.map((c) => c.subject) ?? [],
  });
  const awaitServer = (ticket: PendingTicket | undefined): HandshakeState =>
    new ExpectChangeCipherSpec12(secrets, 'client', () =>
      new ExpectFinished12(secrets, result.log, 'server', (o) => {
        keepTicket12(result.session, secrets, ticket, o);
        o.step({ type: 'established', parameters });
        return new Connected12('client', parameters, secrets);
      }),
    );
  return result.ticketExpected ? new ExpectNewSessionTicket12(result.log, awaitServer) : awaitServer(undefined);
}

/** RFC 8422 §5.5 / RFC 5246 §7.4.4: which ClientCertificateType a key answers to. */
function certificateTypeOf(key: PublicKey): number {
  return key.kind === 'rsa' ? ClientCertificateType.rsa_sign : ClientCertificateType.ecdsa_sign;
}

/**
 * RFC 5246 §7.4.6: our Certificate — our chain when its key type was asked for and a scheme the
 * server accepts fits it, else an empty one. Returns how to sign the CertificateVerify.
 */
function sendClientCertificate12(result: ServerKeyExchange12Result, request: CertificateRequest12, out: HandshakeOutbox): { scheme: number; sign: (messages: Uint8Array) => MaybePromise<Uint8Array> } | undefined {
  const { config } = result.session;
  const ours = config.clientCertificate;
  const scheme =
    ours && request.certificateTypes.includes(certificateTypeOf(ours.key.publicKey))
      ? config.signatureSchemes.find((s) => request.signatureAlgorithms.includes(s) && isAllowedInTls12(s) && schemeMatchesKey12(s, ours.key.publicKey))
      : undefined;
  const chain = ours !== undefined && scheme !== undefined ? ours.chain : [];
  const raw = encodeHandshake(HandshakeType.certificate, encodeCertificate12(chain));
  result.log.add(raw);
  out.sendHandshake(raw);
  out.step({ type: 'client-certificate-sent', empty: chain.length === 0 });
  if (ours === undefined || scheme === undefined) return undefined;
  return { scheme, sign: (messages) => config.provider.sign(signatureAlgorithmFor(scheme)!, ours.key, messages) };
}
