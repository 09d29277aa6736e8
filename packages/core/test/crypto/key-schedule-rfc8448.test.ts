import { describe, expect, it } from 'vitest';
import { nobleProvider, keyPairFromPrivateKey } from '../../src/crypto/noble/index.ts';
import { EarlySecret, finishedVerifyData, trafficKeys, verifyFinished, stageSecret } from '../../src/crypto/key-schedule.ts';
import { deriveSecret, hkdfExpandLabel } from '../../src/crypto/hkdf-label.ts';
import { Transcript } from '../../src/crypto/transcript.ts';
import { getCipherSuite } from '../../src/crypto/suites.ts';
import { CipherSuite, HandshakeType } from '../../src/codec/enums.ts';
import { concat, toHex } from '../../src/bytes/util.ts';
import { handshakeHeader, hkdfLabelBytes, recordingProvider, steps, tv, type ExpandCall } from './helpers.ts';
import { deriveSection3, section3, section3Expected, SECTION3_NAMES, suite, ticketNonce } from './section3.ts';

const hex = toHex;

/** The x25519 shared secret of §3, from the client's private key and the server's public key. */
function section3SharedSecret(): Uint8Array {
  const client = keyPairFromPrivateKey('x25519', section3.clientPrivateKey);
  return client.deriveSharedSecret(section3.serverPublicKey) as Uint8Array;
}

/** Every step of `section` that shows an HKDF-Expand: its PRK, info and output. */
function traceExpands(section: string): { title: string; prk: Uint8Array; info: Uint8Array; expanded: Uint8Array }[] {
  const out: { title: string; prk: Uint8Array; info: Uint8Array; expanded: Uint8Array }[] = [];
  for (const s of steps.filter((x) => x.section === section)) {
    const prk = s.values.get('PRK');
    if (!prk) continue;
    for (const [infoLabel, expandedLabel] of [
      ['info', 'expanded'],
      ['key info', 'key expanded'],
      ['iv info', 'iv expanded'],
    ] as const) {
      const info = s.values.get(infoLabel);
      const expanded = s.values.get(expandedLabel);
      if (info && expanded) out.push({ title: `${s.actor} ${s.title} (${infoLabel})`, prk, info, expanded });
    }
  }
  return out;
}

const same = (a: Uint8Array, b: Uint8Array): boolean => hex(a) === hex(b);

describe('RFC 8448 §3 key schedule (noble provider)', () => {
  const shared = section3SharedSecret();
  const ours = deriveSection3(nobleProvider, shared);
  const expected = section3Expected();

  it('the trace key pairs: public keys follow from the private keys', () => {
    expect(hex(keyPairFromPrivateKey('x25519', section3.clientPrivateKey).publicKey)).toBe(hex(section3.clientPublicKey));
    expect(hex(keyPairFromPrivateKey('x25519', section3.serverPrivateKey).publicKey)).toBe(hex(section3.serverPublicKey));
  });

  it('the x25519 shared secret is the IKM of "handshake", from either side', async () => {
    const ikm = tv('3', 'server', 'extract secret "handshake"', 'IKM');
    expect(hex(shared)).toBe(hex(ikm));
    const server = keyPairFromPrivateKey('x25519', section3.serverPrivateKey);
    expect(hex(await server.deriveSharedSecret(section3.clientPublicKey))).toBe(hex(ikm));
  });

  it('the early secret without a PSK is HKDF-Extract(0, 0) as in the trace', () => {
    expect(hex(tv('3', 'server', 'extract secret "early"', 'IKM'))).toBe('00'.repeat(32));
    expect(hex(stageSecret(EarlySecret.create(nobleProvider, suite)))).toBe(hex(expected['early secret']));
  });

  it.each(SECTION3_NAMES)('%s', (name) => {
    expect(hex(ours[name])).toBe(hex(expected[name]));
  });

  it('the Finished messages the trace sends carry our verify_data', () => {
    expect(hex(tv('3', 'server', 'calculate finished "tls13 finished":', 'finished'))).toBe(hex(ours['server Finished']));
    expect(hex(tv('3', 'client', 'calculate finished "tls13 finished":', 'finished'))).toBe(hex(ours['client Finished']));
    expect(hex(section3.serverFinished.subarray(0, 4))).toBe(hex(handshakeHeader(HandshakeType.finished, 32)));
  });

  it('verifyFinished accepts the trace verify_data and refuses any other', () => {
    const sHs = ours['s hs traffic'];
    const transcript = new Transcript(nobleProvider);
    for (const m of [section3.clientHello, section3.serverHello, section3.encryptedExtensions, section3.certificate, section3.certificateVerify]) transcript.add(m);
    transcript.selectHash('SHA-256');
    const received = section3.serverFinished.subarray(4);
    expect(verifyFinished(nobleProvider, suite, sHs, transcript.hash(), received)).toBe(true);
    for (let i = 0; i < received.length; i += 7) {
      const bad = received.slice();
      bad[i]! ^= 0x01;
      expect(verifyFinished(nobleProvider, suite, sHs, transcript.hash(), bad)).toBe(false);
    }
    expect(verifyFinished(nobleProvider, suite, sHs, transcript.hash(), received.subarray(0, 31))).toBe(false);
    // The client handshake secret is the wrong key for the server's Finished.
    expect(verifyFinished(nobleProvider, suite, ours['c hs traffic'], transcript.hash(), received)).toBe(false);
  });

  it('the ticket nonce is the context of "resumption" in the trace', () => {
    expect(hex(ticketNonce(section3.newSessionTicket))).toBe(hex(tv('3', 'server', 'generate resumption secret', 'hash')));
  });

  it('the handshake and master extractions use the trace salts ("derived")', () => {
    for (const stage of ['handshake', 'master'] as const) {
      const salt = tv('3', 'server', `extract secret "${stage}"`, 'salt');
      const derived = tv('3', 'server', `derive secret for ${stage} "tls13 derived"`, 'expanded');
      expect(hex(salt)).toBe(hex(derived));
      const ikm = tv('3', 'server', `extract secret "${stage}"`, 'IKM');
      expect(hex(nobleProvider.hkdfExtract('SHA-256', salt, ikm))).toBe(hex(tv('3', 'server', `extract secret "${stage}"`, 'secret')));
    }
  });

  describe('every HKDF-Expand-Label call against the trace info and output', () => {
    const recorder = recordingProvider(nobleProvider);
    deriveSection3(recorder, shared);
    const trace = traceExpands('3');
    const ourCalls = recorder.expands;

    it('the trace shows 19 expansions with values (derived ×2, 6 secrets, 2 Finished keys, resumption, 4 key/IV pairs)', () => {
      // The client repeats the first "derived" with its values: count distinct PRK+info.
      const unique = new Set(trace.map((t) => hex(t.prk) + hex(t.info)));
      expect(unique.size).toBe(2 + 6 + 2 + 1 + 8);
    });

    it.each(trace.map((t) => [t.title, t] as const))('%s', (_title, t) => {
      const call = ourCalls.find((c: ExpandCall) => same(c.prk, t.prk) && same(c.info, t.info));
      expect(call, 'no call of ours with this PRK and info').toBeDefined();
      expect(hex(call!.output)).toBe(hex(t.expanded));
      expect(call!.length).toBe(t.expanded.length);
    });

    it('each of our calls appears in the trace', () => {
      for (const c of ourCalls) {
        expect(trace.some((t) => same(c.prk, t.prk) && same(c.info, t.info) && same(c.output, t.expanded)), hex(c.info)).toBe(true);
      }
    });

    it('HkdfLabel written out by hand matches the trace info of each label', () => {
      const empty = new Uint8Array(0);
      const hello = tv('3', 'server', 'derive secret "tls13 c hs traffic"', 'hash');
      const emptyHash = nobleProvider.createHash('SHA-256').digest();
      const cases: [Uint8Array, Uint8Array][] = [
        [hkdfLabelBytes(32, 'derived', emptyHash), tv('3', 'server', 'derive secret for handshake "tls13 derived"', 'info')],
        [hkdfLabelBytes(32, 'c hs traffic', hello), tv('3', 'server', 'derive secret "tls13 c hs traffic"', 'info')],
        [hkdfLabelBytes(32, 's hs traffic', hello), tv('3', 'server', 'derive secret "tls13 s hs traffic"', 'info')],
        [hkdfLabelBytes(32, 'finished', empty), tv('3', 'server', 'calculate finished', 'info')],
        [hkdfLabelBytes(16, 'key', empty), tv('3', 'server', 'derive write traffic keys for handshake data', 'key info')],
        [hkdfLabelBytes(12, 'iv', empty), tv('3', 'server', 'derive write traffic keys for handshake data', 'iv info')],
        [hkdfLabelBytes(32, 'resumption', new Uint8Array([0, 0])), tv('3', 'server', 'generate resumption secret', 'info')],
      ];
      for (const [ourInfo, traceInfo] of cases) expect(hex(ourInfo)).toBe(hex(traceInfo));
    });
  });
});

describe('hkdfExpandLabel and deriveSecret', () => {
  it('hand the provider the RFC 8446 §7.1 HkdfLabel', () => {
    const recorder = recordingProvider(nobleProvider);
    const secret = new Uint8Array(48).fill(7);
    const context = new Uint8Array([1, 2, 3]);
    const out = hkdfExpandLabel(recorder, 'SHA-384', secret, 'exporter', context, 300);
    expect(out.length).toBe(300);
    expect(hex(recorder.expands[0]!.info)).toBe(hex(hkdfLabelBytes(300, 'exporter', context)));
    expect(hex(recorder.expands[0]!.info.subarray(0, 2))).toBe('012c');
  });

  it('deriveSecret outputs the transcript hash length', () => {
    const secret = new Uint8Array(48).fill(1);
    const th = nobleProvider.createHash('SHA-384').digest();
    const out = deriveSecret(nobleProvider, 'SHA-384', secret, 'c hs traffic', th);
    expect(out.length).toBe(48);
    expect(hex(out)).toBe(hex(nobleProvider.hkdfExpand('SHA-384', secret, hkdfLabelBytes(48, 'c hs traffic', th), 48)));
  });
});

describe('RFC 8448 §4 (resumed 0-RTT): PSK binder and early secrets', () => {
  const psk = deriveSection3(nobleProvider, section3SharedSecret())['resumption PSK'];
  const prefix = tv('4', 'client', 'calculate PSK binder', 'ClientHello prefix');
  const fullHello = tv('4', 'client', 'send handshake record', 'payload');
  const early = EarlySecret.create(nobleProvider, suite, psk);

  it('the PSK from the §3 ticket is the IKM of the §4 early secret', () => {
    expect(hex(psk)).toBe(hex(tv('4', 'client', 'extract secret "early"', 'IKM')));
    expect(hex(stageSecret(early))).toBe(hex(tv('4', 'client', 'extract secret "early"', 'secret')));
  });

  it('binderKey(false) is the "res binder" key of the trace (and differs from "ext binder")', () => {
    const binderKey = early.binderKey(false);
    expect(hex(binderKey)).toBe(hex(tv('4', 'client', 'calculate PSK binder', 'PRK')));
    expect(hex(early.binderKey(true))).not.toBe(hex(binderKey));
    const emptyHash = nobleProvider.createHash('SHA-256').digest();
    expect(hex(early.binderKey(true))).toBe(hex(deriveSecret(nobleProvider, 'SHA-256', stageSecret(early), 'ext binder', emptyHash)));
  });

  it('the binder over the truncated ClientHello is the one in the full ClientHello', () => {
    // The truncated ClientHello is the full one without the binders list (RFC 8446 §4.2.11.2).
    expect(prefix.length).toBe(fullHello.length - 2 - 1 - 32);
    expect(hex(fullHello.subarray(0, prefix.length))).toBe(hex(prefix));
    const transcript = new Transcript(nobleProvider);
    transcript.selectHash(suite.hash);
    const binderHash = transcript.hashWith(prefix);
    expect(hex(binderHash)).toBe(hex(tv('4', 'client', 'calculate PSK binder', 'binder hash')));
    const binder = finishedVerifyData(nobleProvider, suite, early.binderKey(false), binderHash);
    expect(hex(binder)).toBe(hex(tv('4', 'client', 'calculate PSK binder', 'finished')));
    expect(hex(fullHello.subarray(-32))).toBe(hex(binder));
    // hashWith leaves the transcript as it was.
    expect(hex(transcript.hash())).toBe(hex(nobleProvider.createHash('SHA-256').digest()));
  });

  it('client_early_traffic_secret, early exporter and 0-RTT keys over the full ClientHello', () => {
    const th = nobleProvider.createHash('SHA-256').update(fullHello).digest();
    expect(hex(th)).toBe(hex(tv('4', 'client', 'derive secret "tls13 c e traffic"', 'hash')));
    const cEarly = early.clientEarlyTrafficSecret(th);
    expect(hex(cEarly)).toBe(hex(tv('4', 'client', 'derive secret "tls13 c e traffic"', 'expanded')));
    expect(hex(early.earlyExporterMasterSecret(th))).toBe(hex(tv('4', 'client', 'derive secret "tls13 e exp master"', 'expanded')));
    const keys = trafficKeys(nobleProvider, suite, cEarly);
    expect(hex(keys.key)).toBe(hex(tv('4', 'client', 'derive write traffic keys for early application data', 'key expanded')));
    expect(hex(keys.iv)).toBe(hex(tv('4', 'client', 'derive write traffic keys for early application data', 'iv expanded')));
  });

  it('the handshake secret mixes the PSK early secret with the §4 x25519 secret', async () => {
    const client = keyPairFromPrivateKey('x25519', tv('4', 'client', 'create an ephemeral x25519 key pair', 'private key'));
    const shared = await client.deriveSharedSecret(tv('4', 'server', 'create an ephemeral x25519 key pair', 'public key'));
    const hs = early.toHandshake(shared);
    expect(hex(stageSecret(hs))).toBe(hex(tv('4', 'server', 'extract secret "handshake"', 'secret')));
    const transcript = new Transcript(nobleProvider);
    transcript.add(fullHello);
    transcript.add(tv('4', 'server', 'construct a ServerHello', 'ServerHello'));
    transcript.selectHash('SHA-256');
    expect(hex(hs.serverHandshakeTrafficSecret(transcript.hash()))).toBe(hex(tv('4', 'server', 'derive secret "tls13 s hs traffic"', 'expanded')));
    expect(hex(stageSecret(hs.toMaster()))).toBe(hex(tv('4', 'server', 'extract secret "master"', 'secret')));
  });
});

describe('RFC 8448 §5 (HelloRetryRequest): transcript with message_hash', () => {
  const clientHello1 = tv('5', 'client', 'construct a ClientHello', 'ClientHello', 0);
  const helloRetryRequest = tv('5', 'server', 'construct a ServerHello', 'ServerHello', 0);
  const clientHello2 = tv('5', 'client', 'construct a ClientHello', 'ClientHello', 1);
  const serverHello = tv('5', 'server', 'construct a ServerHello', 'ServerHello', 1);
  const hrrSuite = getCipherSuite(CipherSuite.TLS_AES_128_GCM_SHA256)!;

  function helloTranscript(): Transcript {
    const t = new Transcript(nobleProvider);
    t.add(clientHello1);
    t.selectHash(hrrSuite.hash);
    t.replaceWithMessageHash();
    t.add(helloRetryRequest);
    t.add(clientHello2);
    t.add(serverHello);
    return t;
  }

  it('the P-256 shared secret of the second flight is the trace IKM', async () => {
    const client = keyPairFromPrivateKey('secp256r1', tv('5', 'client', 'create an ephemeral P-256 key pair', 'private key'));
    expect(hex(client.publicKey)).toBe(hex(tv('5', 'client', 'create an ephemeral P-256 key pair', 'public key')));
    const shared = await client.deriveSharedSecret(tv('5', 'server', 'create an ephemeral P-256 key pair', 'public key'));
    expect(hex(shared)).toBe(hex(tv('5', 'server', 'extract secret "handshake"', 'IKM')));
  });

  it('replaceWithMessageHash gives the trace transcript hash and handshake traffic secrets', async () => {
    const t = helloTranscript();
    const helloHash = t.hash();
    expect(hex(helloHash)).toBe(hex(tv('5', 'server', 'derive secret "tls13 c hs traffic"', 'hash')));
    const client = keyPairFromPrivateKey('secp256r1', tv('5', 'client', 'create an ephemeral P-256 key pair', 'private key'));
    const shared = await client.deriveSharedSecret(tv('5', 'server', 'create an ephemeral P-256 key pair', 'public key'));
    const hs = EarlySecret.create(nobleProvider, hrrSuite).toHandshake(shared);
    expect(hex(stageSecret(hs))).toBe(hex(tv('5', 'server', 'extract secret "handshake"', 'secret')));
    const sHs = hs.serverHandshakeTrafficSecret(helloHash);
    expect(hex(hs.clientHandshakeTrafficSecret(helloHash))).toBe(hex(tv('5', 'server', 'derive secret "tls13 c hs traffic"', 'expanded')));
    expect(hex(sHs)).toBe(hex(tv('5', 'server', 'derive secret "tls13 s hs traffic"', 'expanded')));

    // And on to the server Finished, over the rest of the server's flight.
    for (const m of ['EncryptedExtensions', 'Certificate', 'CertificateVerify']) t.add(tv('5', 'server', `construct a ${m}`, m));
    expect(hex(finishedVerifyData(nobleProvider, hrrSuite, sHs, t.hash()))).toBe(hex(tv('5', 'server', 'construct a Finished', 'Finished').subarray(4)));
  });

  it('the synthetic message is message_hash(254) 00 00 32 || Hash(ClientHello1) (RFC 8446 §4.4.1)', () => {
    const h1 = nobleProvider.createHash('SHA-256').update(clientHello1).digest();
    const byHand = nobleProvider
      .createHash('SHA-256')
      .update(concat(new Uint8Array([254, 0, 0, 32]), h1))
      .update(helloRetryRequest)
      .update(clientHello2)
      .update(serverHello)
      .digest();
    expect(hex(helloTranscript().hash())).toBe(hex(byHand));
    // Without the replacement the hash is a different one.
    const plain = new Transcript(nobleProvider);
    for (const m of [clientHello1, helloRetryRequest, clientHello2, serverHello]) plain.add(m);
    plain.selectHash('SHA-256');
    expect(hex(plain.hash())).not.toBe(hex(byHand));
  });
});
