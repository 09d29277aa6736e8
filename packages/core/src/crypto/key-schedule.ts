import { constantTimeEqual } from '../bytes/util.ts';
import { UsageError } from '../errors/tls-error.ts';
import { deriveSecret, hkdfExpandLabel } from './hkdf-label.ts';
import type { CryptoProvider } from './provider.ts';
import type { CipherSuiteParams } from './suites.ts';

// RFC 8446 §7.1, as a chain of stages: each stage offers only its own derivations, and a
// later stage can only be reached from the one before it (its constructor wants a token
// that only this module holds), so no secret can be skipped or fed in from elsewhere.

const STAGE: unique symbol = Symbol('key-schedule stage');

/**
 * Each stage's secret, kept off the object (no public field holds it): the stage's own methods
 * read it, `wipe()` overwrites it, and {@link stageSecret} hands it to tests.
 */
const SECRETS = new WeakMap<object, Uint8Array>();

function secretOf(stage: object): Uint8Array {
  const secret = SECRETS.get(stage);
  if (secret === undefined) throw new UsageError('key schedule stage without a secret');
  return secret;
}

/** A stage's secret: for the RFC 8448 known-answer tests only (not exported by the package). */
export function stageSecret(stage: EarlySecret | HandshakeSecret | MasterSecret): Uint8Array {
  return secretOf(stage);
}

/** Overwrite secret bytes that are no longer needed (best effort: a JS engine may have copied them). */
export function wipe(...secrets: (Uint8Array | undefined)[]): void {
  for (const s of secrets) s?.fill(0);
}

function emptyHash(provider: CryptoProvider, suite: CipherSuiteParams): Uint8Array {
  return provider.createHash(suite.hash).digest();
}

/** The Early Secret: HKDF-Extract(0, PSK or 0). */
export class EarlySecret {
  private constructor(
    private readonly provider: CryptoProvider,
    private readonly suite: CipherSuiteParams,
    secret: Uint8Array,
  ) {
    SECRETS.set(this, secret);
  }

  private get secret(): Uint8Array {
    return secretOf(this);
  }

  /** Overwrite the Early Secret: once the handshake secret is derived it is not needed. */
  wipe(): void {
    wipe(SECRETS.get(this));
  }

  /** Start the schedule: with a PSK (resumption or external), or with zeros when there is none. */
  static create(provider: CryptoProvider, suite: CipherSuiteParams, psk?: Uint8Array): EarlySecret {
    const zeros = new Uint8Array(suite.hashLength);
    return new EarlySecret(provider, suite, provider.hkdfExtract(suite.hash, zeros, psk ?? zeros));
  }

  /** binder_key = Derive-Secret(ES, "ext binder" | "res binder", ""): external PSKs or resumption (§4.2.11.2). */
  binderKey(external: boolean): Uint8Array {
    return deriveSecret(this.provider, this.suite.hash, this.secret, external ? 'ext binder' : 'res binder', emptyHash(this.provider, this.suite));
  }

  /** client_early_traffic_secret = Derive-Secret(ES, "c e traffic", ClientHello). */
  clientEarlyTrafficSecret(transcriptHash: Uint8Array): Uint8Array {
    return deriveSecret(this.provider, this.suite.hash, this.secret, 'c e traffic', transcriptHash);
  }

  /** early_exporter_master_secret = Derive-Secret(ES, "e exp master", ClientHello). */
  earlyExporterMasterSecret(transcriptHash: Uint8Array): Uint8Array {
    return deriveSecret(this.provider, this.suite.hash, this.secret, 'e exp master', transcriptHash);
  }

  /**
   * Mix in the (EC)DHE shared secret: Handshake Secret = HKDF-Extract(Derive-Secret(ES,
   * "derived", ""), (EC)DHE). Pass zeros of the hash length for psk_ke (no (EC)DHE).
   */
  toHandshake(sharedSecret: Uint8Array): HandshakeSecret {
    const salt = deriveSecret(this.provider, this.suite.hash, this.secret, 'derived', emptyHash(this.provider, this.suite));
    return new HandshakeSecret(STAGE, this.provider, this.suite, this.provider.hkdfExtract(this.suite.hash, salt, sharedSecret));
  }
}

/** The Handshake Secret; reached only through {@link EarlySecret.toHandshake}. */
export class HandshakeSecret {
  /** @internal built by {@link EarlySecret.toHandshake} only. */
  constructor(
    token: typeof STAGE,
    private readonly provider: CryptoProvider,
    private readonly suite: CipherSuiteParams,
    secret: Uint8Array,
  ) {
    SECRETS.set(this, secret);
    if (token !== STAGE) throw new UsageError('HandshakeSecret comes from EarlySecret.toHandshake()');
  }

  private get secret(): Uint8Array {
    return secretOf(this);
  }

  /** Overwrite the Handshake Secret (after the master secret and the handshake traffic secrets are derived). */
  wipe(): void {
    wipe(SECRETS.get(this));
  }

  /** client_handshake_traffic_secret = Derive-Secret(HS, "c hs traffic", ClientHello...ServerHello). */
  clientHandshakeTrafficSecret(transcriptHash: Uint8Array): Uint8Array {
    return deriveSecret(this.provider, this.suite.hash, this.secret, 'c hs traffic', transcriptHash);
  }

  /** server_handshake_traffic_secret = Derive-Secret(HS, "s hs traffic", ClientHello...ServerHello). */
  serverHandshakeTrafficSecret(transcriptHash: Uint8Array): Uint8Array {
    return deriveSecret(this.provider, this.suite.hash, this.secret, 's hs traffic', transcriptHash);
  }

  /** Master Secret = HKDF-Extract(Derive-Secret(HS, "derived", ""), 0). */
  toMaster(): MasterSecret {
    const salt = deriveSecret(this.provider, this.suite.hash, this.secret, 'derived', emptyHash(this.provider, this.suite));
    return new MasterSecret(STAGE, this.provider, this.suite, this.provider.hkdfExtract(this.suite.hash, salt, new Uint8Array(this.suite.hashLength)));
  }
}

/** The Master Secret; reached only through {@link HandshakeSecret.toMaster}. */
export class MasterSecret {
  /** @internal built by {@link HandshakeSecret.toMaster} only. */
  constructor(
    token: typeof STAGE,
    private readonly provider: CryptoProvider,
    private readonly suite: CipherSuiteParams,
    secret: Uint8Array,
  ) {
    SECRETS.set(this, secret);
    if (token !== STAGE) throw new UsageError('MasterSecret comes from HandshakeSecret.toMaster()');
  }

  private get secret(): Uint8Array {
    return secretOf(this);
  }

  /** Overwrite the Master Secret (after the resumption master secret is derived). */
  wipe(): void {
    wipe(SECRETS.get(this));
  }

  /** client_application_traffic_secret_0 = Derive-Secret(MS, "c ap traffic", ClientHello...server Finished). */
  clientApplicationTrafficSecret0(transcriptHash: Uint8Array): Uint8Array {
    return deriveSecret(this.provider, this.suite.hash, this.secret, 'c ap traffic', transcriptHash);
  }

  /** server_application_traffic_secret_0 = Derive-Secret(MS, "s ap traffic", ClientHello...server Finished). */
  serverApplicationTrafficSecret0(transcriptHash: Uint8Array): Uint8Array {
    return deriveSecret(this.provider, this.suite.hash, this.secret, 's ap traffic', transcriptHash);
  }

  /** exporter_master_secret = Derive-Secret(MS, "exp master", ClientHello...server Finished). */
  exporterMasterSecret(transcriptHash: Uint8Array): Uint8Array {
    return deriveSecret(this.provider, this.suite.hash, this.secret, 'exp master', transcriptHash);
  }

  /** resumption_master_secret = Derive-Secret(MS, "res master", ClientHello...client Finished). */
  resumptionMasterSecret(transcriptHash: Uint8Array): Uint8Array {
    return deriveSecret(this.provider, this.suite.hash, this.secret, 'res master', transcriptHash);
  }
}

/** Traffic key and IV from a traffic secret (RFC 8446 §7.3). */
export function trafficKeys(provider: CryptoProvider, suite: CipherSuiteParams, trafficSecret: Uint8Array): { key: Uint8Array; iv: Uint8Array } {
  return {
    key: hkdfExpandLabel(provider, suite.hash, trafficSecret, 'key', new Uint8Array(0), suite.keyLength),
    iv: hkdfExpandLabel(provider, suite.hash, trafficSecret, 'iv', new Uint8Array(0), suite.ivLength),
  };
}

/**
 * Finished.verify_data = HMAC(finished_key, Transcript-Hash), finished_key =
 * HKDF-Expand-Label(BaseKey, "finished", "", Hash.length) (RFC 8446 §4.4.4). The same
 * computation gives a PSK binder with the binder_key as BaseKey (§4.2.11.2).
 */
export function finishedVerifyData(provider: CryptoProvider, suite: CipherSuiteParams, baseKey: Uint8Array, transcriptHash: Uint8Array): Uint8Array {
  const finishedKey = hkdfExpandLabel(provider, suite.hash, baseKey, 'finished', new Uint8Array(0), suite.hashLength);
  return provider.hmac(suite.hash, finishedKey, transcriptHash);
}

/** Check a received verify_data (or PSK binder) against the expected one, in constant time. */
export function verifyFinished(provider: CryptoProvider, suite: CipherSuiteParams, baseKey: Uint8Array, transcriptHash: Uint8Array, received: Uint8Array): boolean {
  return constantTimeEqual(finishedVerifyData(provider, suite, baseKey, transcriptHash), received);
}

/** application_traffic_secret_N+1 = HKDF-Expand-Label(secret_N, "traffic upd", "", Hash.length) (RFC 8446 §7.2). */
export function nextApplicationTrafficSecret(provider: CryptoProvider, suite: CipherSuiteParams, secret: Uint8Array): Uint8Array {
  return hkdfExpandLabel(provider, suite.hash, secret, 'traffic upd', new Uint8Array(0), suite.hashLength);
}

/** The PSK of a ticket: HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length) (RFC 8446 §4.6.1). */
export function resumptionPsk(provider: CryptoProvider, suite: CipherSuiteParams, resumptionMasterSecret: Uint8Array, ticketNonce: Uint8Array): Uint8Array {
  return hkdfExpandLabel(provider, suite.hash, resumptionMasterSecret, 'resumption', ticketNonce, suite.hashLength);
}

/**
 * TLS-Exporter(label, context, length) (RFC 8446 §7.5) from the exporter_master_secret (or the
 * early_exporter_master_secret for early exporters).
 */
export function exportKeyingMaterial(provider: CryptoProvider, suite: CipherSuiteParams, exporterMasterSecret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  const secret = deriveSecret(provider, suite.hash, exporterMasterSecret, label, emptyHash(provider, suite));
  const contextHash = provider.createHash(suite.hash).update(context).digest();
  return hkdfExpandLabel(provider, suite.hash, secret, 'exporter', contextHash, length);
}
