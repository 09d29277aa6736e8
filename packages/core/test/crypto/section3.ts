// The RFC 8448 §3 (simple 1-RTT) key schedule, run on any provider, and the trace's values for
// each derived secret. Shared by the noble tests and transport-node's node:crypto provider test.
import { EarlySecret, finishedVerifyData, resumptionPsk, trafficKeys, stageSecret } from '../../src/crypto/key-schedule.ts';
import { Transcript } from '../../src/crypto/transcript.ts';
import { getCipherSuite, type CipherSuiteParams } from '../../src/crypto/suites.ts';
import { CipherSuite, HandshakeType } from '../../src/codec/enums.ts';
import { concat } from '../../src/bytes/util.ts';
import type { CryptoProvider } from '../../src/crypto/provider.ts';
import { handshakeHeader, tv } from './helpers.ts';

export const suite: CipherSuiteParams = getCipherSuite(CipherSuite.TLS_AES_128_GCM_SHA256)!;

/** The §3 handshake messages, as the trace shows them (header included). */
export const section3 = {
  clientHello: tv('3', 'client', 'construct a ClientHello', 'ClientHello'),
  serverHello: tv('3', 'server', 'construct a ServerHello', 'ServerHello'),
  encryptedExtensions: tv('3', 'server', 'construct a EncryptedExtensions', 'EncryptedExtensions'),
  certificate: tv('3', 'server', 'construct a Certificate', 'Certificate'),
  certificateVerify: tv('3', 'server', 'construct a CertificateVerify', 'CertificateVerify'),
  serverFinished: tv('3', 'server', 'construct a Finished', 'Finished'),
  clientFinished: tv('3', 'client', 'construct a Finished', 'Finished'),
  newSessionTicket: tv('3', 'server', 'construct a NewSessionTicket', 'NewSessionTicket'),
  clientPrivateKey: tv('3', 'client', 'create an ephemeral x25519 key pair', 'private key'),
  clientPublicKey: tv('3', 'client', 'create an ephemeral x25519 key pair', 'public key'),
  serverPrivateKey: tv('3', 'server', 'create an ephemeral x25519 key pair', 'private key'),
  serverPublicKey: tv('3', 'server', 'create an ephemeral x25519 key pair', 'public key'),
};

/** ticket_nonce of a NewSessionTicket message (RFC 8446 §4.6.1): after type+length, lifetime and age_add. */
export function ticketNonce(newSessionTicket: Uint8Array): Uint8Array {
  const at = 4 + 4 + 4;
  return newSessionTicket.subarray(at + 1, at + 1 + newSessionTicket[at]!);
}

/** What the §3 key schedule yields, by name. */
export type Section3Values = Record<Section3Name, Uint8Array>;

export const SECTION3_NAMES = [
  'early secret',
  'handshake secret',
  'hello transcript hash',
  'c hs traffic',
  's hs traffic',
  'master secret',
  'server Finished',
  'server Finished transcript hash',
  'c ap traffic',
  's ap traffic',
  'exp master',
  'client Finished',
  'res master',
  'resumption PSK',
  'server hs key',
  'server hs iv',
  'client hs key',
  'client hs iv',
  'server ap key',
  'server ap iv',
  'client ap key',
  'client ap iv',
] as const;
export type Section3Name = (typeof SECTION3_NAMES)[number];

/** Run the §3 key schedule on `provider` with a given (EC)DHE shared secret. */
export function deriveSection3(provider: CryptoProvider, sharedSecret: Uint8Array): Section3Values {
  const m = section3;
  const early = EarlySecret.create(provider, suite);
  const handshake = early.toHandshake(sharedSecret);
  // The client adds its ClientHello before it knows the hash (ServerHello fixes the suite).
  const transcript = new Transcript(provider);
  transcript.add(m.clientHello);
  transcript.add(m.serverHello);
  transcript.selectHash(suite.hash);
  const helloHash = transcript.hash();
  const cHs = handshake.clientHandshakeTrafficSecret(helloHash);
  const sHs = handshake.serverHandshakeTrafficSecret(helloHash);
  const master = handshake.toMaster();
  transcript.add(m.encryptedExtensions);
  transcript.add(m.certificate);
  transcript.add(m.certificateVerify);
  const serverFinished = finishedVerifyData(provider, suite, sHs, transcript.hash());
  transcript.add(concat(handshakeHeader(HandshakeType.finished, serverFinished.length), serverFinished));
  const serverFinishedHash = transcript.hash();
  const cAp = master.clientApplicationTrafficSecret0(serverFinishedHash);
  const sAp = master.serverApplicationTrafficSecret0(serverFinishedHash);
  const exp = master.exporterMasterSecret(serverFinishedHash);
  const clientFinished = finishedVerifyData(provider, suite, cHs, serverFinishedHash);
  transcript.add(concat(handshakeHeader(HandshakeType.finished, clientFinished.length), clientFinished));
  const res = master.resumptionMasterSecret(transcript.hash());
  const psk = resumptionPsk(provider, suite, res, ticketNonce(m.newSessionTicket));
  const sHsKeys = trafficKeys(provider, suite, sHs);
  const cHsKeys = trafficKeys(provider, suite, cHs);
  const sApKeys = trafficKeys(provider, suite, sAp);
  const cApKeys = trafficKeys(provider, suite, cAp);
  return {
    'early secret': stageSecret(early),
    'handshake secret': stageSecret(handshake),
    'hello transcript hash': helloHash,
    'c hs traffic': cHs,
    's hs traffic': sHs,
    'master secret': stageSecret(master),
    'server Finished': serverFinished,
    'server Finished transcript hash': serverFinishedHash,
    'c ap traffic': cAp,
    's ap traffic': sAp,
    'exp master': exp,
    'client Finished': clientFinished,
    'res master': res,
    'resumption PSK': psk,
    'server hs key': sHsKeys.key,
    'server hs iv': sHsKeys.iv,
    'client hs key': cHsKeys.key,
    'client hs iv': cHsKeys.iv,
    'server ap key': sApKeys.key,
    'server ap iv': sApKeys.iv,
    'client ap key': cApKeys.key,
    'client ap iv': cApKeys.iv,
  };
}

/** The same values, read from the trace. Finished verify_data come from the Finished messages. */
export function section3Expected(): Section3Values {
  const s = (title: string, label: string): Uint8Array => tv('3', 'server', title, label);
  const c = (title: string, label: string): Uint8Array => tv('3', 'client', title, label);
  return {
    'early secret': s('extract secret "early"', 'secret'),
    'handshake secret': s('extract secret "handshake"', 'secret'),
    'hello transcript hash': s('derive secret "tls13 c hs traffic"', 'hash'),
    'c hs traffic': s('derive secret "tls13 c hs traffic"', 'expanded'),
    's hs traffic': s('derive secret "tls13 s hs traffic"', 'expanded'),
    'master secret': s('extract secret "master"', 'secret'),
    'server Finished': section3.serverFinished.subarray(4),
    'server Finished transcript hash': s('derive secret "tls13 c ap traffic"', 'hash'),
    'c ap traffic': s('derive secret "tls13 c ap traffic"', 'expanded'),
    's ap traffic': s('derive secret "tls13 s ap traffic"', 'expanded'),
    'exp master': s('derive secret "tls13 exp master"', 'expanded'),
    'client Finished': section3.clientFinished.subarray(4),
    'res master': c('derive secret "tls13 res master"', 'expanded'),
    'resumption PSK': s('generate resumption secret', 'expanded'),
    'server hs key': s('derive write traffic keys for handshake data', 'key expanded'),
    'server hs iv': s('derive write traffic keys for handshake data', 'iv expanded'),
    'client hs key': s('derive read traffic keys for handshake data', 'key expanded'),
    'client hs iv': s('derive read traffic keys for handshake data', 'iv expanded'),
    'server ap key': s('derive write traffic keys for application data', 'key expanded'),
    'server ap iv': s('derive write traffic keys for application data', 'iv expanded'),
    'client ap key': c('derive write traffic keys for application data', 'key expanded'),
    'client ap iv': c('derive write traffic keys for application data', 'iv expanded'),
  };
}
