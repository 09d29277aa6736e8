// Post-handshake messages on a connection established by replaying RFC 8448 §3:
// KeyUpdate from the server (answered when requested), and data after it.
import { describe, expect, it } from 'vitest';
import { concat } from '../../src/bytes/util.ts';
import { ContentType } from '../../src/codec/enums.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { nextApplicationTrafficSecret } from '../../src/crypto/key-schedule.ts';
import { SslError } from '../../src/engine/ssl-error.ts';
import { TlsError } from '../../src/errors/tls-error.ts';
import { clientAppSecret, established, openerFor, sealerFor, serverAppSecret, suite } from './traffic-fixture.ts';

describe('post-handshake KeyUpdate (RFC 8446 §4.6.3)', () => {
  it('answers update_requested with its own KeyUpdate and reads data under the next key', () => {
    const { conn, events } = established();
    const server = sealerFor(serverAppSecret);
    conn.receive(server.seal(ContentType.handshake, new Uint8Array([24, 0, 0, 1, 1])));
    expect(conn.read(new Uint8Array(10))).toBe(-1);
    expect(conn.getError()).toBe(SslError.WANT_READ);
    // Our answer is sealed under the old client key, then we switch.
    const clientView = openerFor(clientAppSecret);
    const [answer] = clientView(conn.takeOutput());
    expect(answer?.type).toBe(ContentType.handshake);
    expect([...answer!.content]).toEqual([24, 0, 0, 1, 0]);
    expect(events.filter((e) => e.channel === 'key-update').map((e) => (e.channel === 'key-update' ? e.direction : ''))).toEqual(['received', 'sent']);

    // The server's data now comes under application_traffic_secret_1.
    const next = sealerFor(nextApplicationTrafficSecret(nobleProvider, suite, serverAppSecret));
    conn.receive(next.seal(ContentType.application_data, new Uint8Array([1, 2, 3])));
    const buf = new Uint8Array(10);
    expect(conn.read(buf)).toBe(3);
    expect([...buf.subarray(0, 3)]).toEqual([1, 2, 3]);

    // And our data goes under our next key.
    expect(conn.write(new Uint8Array([9]))).toBe(1);
    const [data] = openerFor(nextApplicationTrafficSecret(nobleProvider, suite, clientAppSecret))(conn.takeOutput());
    expect([...data!.content]).toEqual([9]);
  });

  it('update_not_requested is not answered', () => {
    const { conn } = established();
    conn.receive(sealerFor(serverAppSecret).seal(ContentType.handshake, new Uint8Array([24, 0, 0, 1, 0])));
    expect(conn.read(new Uint8Array(10))).toBe(-1);
    expect(conn.getError()).toBe(SslError.WANT_READ);
    expect(conn.takeOutput().length).toBe(0);
  });

  it('a KeyUpdate with another request value is illegal_parameter', () => {
    const { conn } = established();
    conn.receive(sealerFor(serverAppSecret).seal(ContentType.handshake, new Uint8Array([24, 0, 0, 1, 2])));
    expect(conn.read(new Uint8Array(10))).toBe(-1);
    expect(conn.getError()).toBe(SslError.SSL);
    expect((conn.error as TlsError).alertName).toBe('illegal_parameter');
  });

  it('data still under the old key after a KeyUpdate is bad_record_mac', () => {
    const { conn } = established();
    const server = sealerFor(serverAppSecret);
    conn.receive(concat(server.seal(ContentType.handshake, new Uint8Array([24, 0, 0, 1, 0])), server.seal(ContentType.application_data, new Uint8Array([1]))));
    expect(conn.read(new Uint8Array(10))).toBe(-1);
    expect((conn.error as TlsError).alertName).toBe('bad_record_mac');
  });

  it('a KeyUpdate sharing its record with a following handshake message is unexpected_message (§5.1)', () => {
    const { conn } = established();
    conn.receive(sealerFor(serverAppSecret).seal(ContentType.handshake, new Uint8Array([24, 0, 0, 1, 0, 24, 0, 0, 1, 0])));
    expect(conn.read(new Uint8Array(10))).toBe(-1);
    expect((conn.error as TlsError).alertName).toBe('unexpected_message');
  });

  it('a CertificateRequest after the handshake is unexpected (no post_handshake_auth offered)', () => {
    const { conn } = established();
    conn.receive(sealerFor(serverAppSecret).seal(ContentType.handshake, new Uint8Array([13, 0, 0, 5, 0, 0, 2, 0, 0])));
    expect(conn.read(new Uint8Array(10))).toBe(-1);
    expect((conn.error as TlsError).alertName).toBe('unexpected_message');
  });
});
