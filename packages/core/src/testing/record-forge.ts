import { fromHex } from '../bytes/util.ts';
import { ContentType, HandshakeType, KeyUpdateRequest } from '../codec/enums.ts';
import { encodeHandshake } from '../codec/handshake.ts';
import { encodeKeyUpdate } from '../codec/messages/key-update.ts';
import { nextApplicationTrafficSecret, trafficKeys } from '../crypto/key-schedule.ts';
import type { CryptoProvider } from '../crypto/provider.ts';
import { getCipherSuite, type CipherSuiteParams } from '../crypto/suites.ts';
import { UsageError } from '../errors/tls-error.ts';
import { RecordSealer } from '../record/protection.ts';

/**
 * Protected records made by hand, as a hostile peer would make them: it owns its end of the
 * connection, so it knows its traffic secret (here from the key log) and can seal whatever it
 * likes under it — empty records, warning alerts, streams of KeyUpdates. For tests and the
 * stress program; it follows its own KeyUpdates.
 */
export class RecordForge {
  private sealer: RecordSealer;

  constructor(
    private readonly provider: CryptoProvider,
    private readonly suite: CipherSuiteParams,
    private secret: Uint8Array,
  ) {
    this.sealer = this.sealerFor(secret);
  }

  /**
   * The forge for our application traffic, from NSS key log lines of a connection that has not
   * sent application data yet (the sequence number starts at 0): `CLIENT_TRAFFIC_SECRET_0`
   * for a client, `SERVER_TRAFFIC_SECRET_0` for a server.
   */
  static fromKeylog(provider: CryptoProvider, cipherSuite: number, lines: readonly string[], label: 'CLIENT_TRAFFIC_SECRET_0' | 'SERVER_TRAFFIC_SECRET_0'): RecordForge {
    const suite = getCipherSuite(cipherSuite);
    const line = lines.find((l) => l.startsWith(`${label} `));
    if (suite === undefined || line === undefined) throw new UsageError(`RecordForge: no ${label} in the key log, or an unknown suite`);
    return new RecordForge(provider, suite, fromHex(line.split(' ')[2]!));
  }

  /** An application data record (empty when `bytes` is). */
  data(bytes: Uint8Array = new Uint8Array(0)): Uint8Array {
    return this.sealer.seal(ContentType.application_data, bytes);
  }

  /** An alert record. */
  alert(level: number, description: number): Uint8Array {
    return this.sealer.seal(ContentType.alert, Uint8Array.of(level, description));
  }

  /** A handshake record carrying `message` (header included). */
  handshake(message: Uint8Array): Uint8Array {
    return this.sealer.seal(ContentType.handshake, message);
  }

  /** A KeyUpdate record; the records after it are sealed under the next key (RFC 8446 §4.6.3). */
  keyUpdate(requestPeer: boolean): Uint8Array {
    const request = requestPeer ? KeyUpdateRequest.update_requested : KeyUpdateRequest.update_not_requested;
    const record = this.handshake(encodeHandshake(HandshakeType.key_update, encodeKeyUpdate({ requestUpdate: request })));
    this.secret = nextApplicationTrafficSecret(this.provider, this.suite, this.secret);
    this.sealer = this.sealerFor(this.secret);
    return record;
  }

  private sealerFor(secret: Uint8Array): RecordSealer {
    const { key, iv } = trafficKeys(this.provider, this.suite, secret);
    return new RecordSealer(this.provider.createAead(this.suite.aead, key), iv);
  }
}
