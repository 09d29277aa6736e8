import { constantTimeEqual } from '../bytes/util.ts';
import { deriveSecret, hkdfExpandLabel } from './hkdf-label.ts';
import type { CryptoProvider } from './provider.ts';
import type { CipherSuiteParams } from './suites.ts';

// RFC 8446 §7.1, as a chain of stages: each stage offers only its own derivations.

function emptyHash(provider: CryptoProvider, suite: CipherSuiteParams): Uint8Array {
  return provider.createHash(suite.hash).digest();
}

/** The Early Secret: HKDF-Extract(0, PSK or 0). */
export class EarlySecret {
  private constructor(
    private readonly provider: CryptoProvider,
    private readonly suite: CipherSuiteParams,
    readonly secret: Uint8Array,
  ) {}

  static create(provider: CryptoProvider, suite: CipherSuiteParams, psk?: Uint8Array): EarlySecret {
    const zeros = new Uint8Array(suite.hashLength);
    return new EarlySecret(provider, suite, provider.hkdfExtract(suite.hash, zeros, psk ?? zeros));
  }

  /** binder_key: "ext binder" for external PSKs, "res binder" for resumption. */
  binderKey(external: boolean): Uint8Array {
    return deriveSecret(this.provider, this.suite.hash, this.secret, external ? 'ext binder' : 'res binder', emptyHash(this.provider, this.suite));
  }

  clientEarlyTrafficSecret(transcriptHash: Uint8Array): Uint8Array {
    return deriveSecret(this.provider, this.suite.hash, this.secret, 'c e traffic', transcriptHash);
  }

  earlyExporterMasterSecret(transcriptHash: Uint8Array): Uint8Array {
    return deriveSecret(this.provider, this.suite.hash, this.secret, 'e exp master', transcriptHash);
  }

  /** Mix in the (EC)DHE shared secret. */
  toHandshake(sharedSecret: Uint8Array): HandshakeSecret {
    const salt = deriveSecret(this.provider, this.suite.hash, this.secret, 'derived', emptyHash(this.provider, this.suite));
    return new HandshakeSecret(this.provider, this.suite, this.provider.hkdfExtract(this.suite.hash, salt, sharedSecret));
  }
}

/** The Handshake Secret. */
export class HandshakeSecret {
  constructor(
    private readonly provider: CryptoProvider,
    private readonly suite: CipherSuiteParams,
    readonly secret: Uint8Array,
  ) {}

  clientHandshakeTrafficSecret(transcriptHash: Uint8Array): Uint8Array {
    return deriveSecret(this.provider, this.suite.hash, this.secret, 'c hs traffic', transcriptHash);
  }

  serverHandshakeTrafficSecret(transcriptHash: Uint8Array): Uint8Array {
    return deriveSecret(this.provider, this.suite.hash, this.secret, 's hs traffic', transcriptHash);
  }

  toMaster(): MasterSecret {
    const salt = deriveSecret(this.provider, this.suite.hash, this.secret, 'derived', emptyHash(this.provider, this.suite));
    return new MasterSecret(this.provider, this.suite, this.provider.hkdfExtract(this.suite.hash, salt, new Uint8Array(this.suite.hashLength)));
  }
}

/** The Master Secret. */
export class MasterSecret {
  constructor(
    private readonly provider: CryptoProvider,
    private readonly suite: CipherSuiteParams,
    readonly secret: Uint8Array,
  ) {}

  clientApplicationTrafficSecret0(transcriptHash: Uint8Array): Uint8Array {
    return deriveSecret(this.provider, this.suite.hash, this.secret, 'c ap traffic', transcriptHash);
  }

  serverApplicationTrafficSecret0(transcriptHash: Uint8Array): Uint8Array {
    return deriveSecret(this.provider, this.suite.hash, this.secret, 's ap traffic', transcriptHash);
  }

  exporterMasterSecret(transcriptHash: Uint8Array): Uint8Array {
    return deriveSecret(this.provider, this.suite.hash, this.secret, 'exp master', transcriptHash);
  }

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

/** Finished.verify_data = HMAC(finished_key, Transcript-Hash) (RFC 8446 §4.4.4). */
export function finishedVerifyData(provider: CryptoProvider, suite: CipherSuiteParams, baseKey: Uint8Array, transcriptHash: Uint8Array): Uint8Array {
  const finishedKey = hkdfExpandLabel(provider, suite.hash, baseKey, 'finished', new Uint8Array(0), suite.hashLength);
  return provider.hmac(suite.hash, finishedKey, transcriptHash);
}

/** Check a received verify_data in constant time. */
export function verifyFinished(provider: CryptoProvider, suite: CipherSuiteParams, baseKey: Uint8Array, transcriptHash: Uint8Array, received: Uint8Array): boolean {
  return constantTimeEqual(finishedVerifyData(provider, suite, baseKey, transcriptHash), received);
}

/** application_traffic_secret_N+1 (RFC 8446 §7.2). */
export function nextApplicationTrafficSecret(provider: CryptoProvider, suite: CipherSuiteParams, secret: Uint8Array): Uint8Array {
  return hkdfExpandLabel(provider, suite.hash, secret, 'traffic upd', new Uint8Array(0), suite.hashLength);
}

/** The PSK of a ticket (RFC 8446 §4.6.1). */
export function resumptionPsk(provider: CryptoProvider, suite: CipherSuiteParams, resumptionMasterSecret: Uint8Array, ticketNonce: Uint8Array): Uint8Array {
  return hkdfExpandLabel(provider, suite.hash, resumptionMasterSecret, 'resumption', ticketNonce, suite.hashLength);
}

/** TLS-Exporter(label, context, length) (RFC 8446 §7.5). */
export function exportKeyingMaterial(provider: CryptoProvider, suite: CipherSuiteParams, exporterMasterSecret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  const secret = deriveSecret(provider, suite.hash, exporterMasterSecret, label, emptyHash(provider, suite));
  const contextHash = provider.createHash(suite.hash).update(context).digest();
  return hkdfExpandLabel(provider, suite.hash, secret, 'exporter', contextHash, length);
}
