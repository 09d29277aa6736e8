// Shared by the client tests: the RFC 8448 §3 server flight, with the trace's keys, so tests
// can feed whole, split, mutated or re-encrypted versions of it to our client.
import { readFileSync } from 'node:fs';
import { parseRfc8448, traceValue, type TraceStep } from '../../src/testing/rfc8448.ts';
import { createDeterministicProvider } from '../../src/testing/deterministic-provider.ts';
import { nobleProvider } from '../../src/crypto/noble/index.ts';
import { TlsClientContext } from '../../src/engine/context.ts';
import type { TlsConnection } from '../../src/engine/connection.ts';
import { decodeClientHello } from '../../src/codec/messages/client-hello.ts';
import { ExtensionType } from '../../src/codec/enums.ts';
import type { Extension } from '../../src/codec/extension.ts';
import type { ClientConfig } from '../../src/handshake/config.ts';

export const steps = parseRfc8448(readFileSync(new URL('../vectors/rfc8448.txt', import.meta.url), 'utf8'));

/** Every value of `label` in the steps of `section` by `actor` whose title starts with `title`. */
export function all(section: string, actor: 'client' | 'server', title: string, label: string): Uint8Array[] {
  return steps.filter((s: TraceStep) => s.section === section && s.actor === actor && s.title.startsWith(title)).map((s) => s.values.get(label)!);
}

// The trace's client offers groups and schemes we do not implement, plus renegotiation_info,
// session_ticket and padding: those extensions come from the trace's ClientHello; everything
// else is what our client generates.
const TAKEN_FROM_TRACE: ReadonlySet<number> = new Set([ExtensionType.supported_groups, ExtensionType.signature_algorithms]);

/** A rewrite hook that orders our extensions like the trace's n-th ClientHello. */
export function shapeLikeTrace(traceHellos: readonly Uint8Array[], dropped: number[] = []): (ours: readonly Extension[]) => Extension[] {
  let n = 0;
  return (ours) => {
    const trace = decodeClientHello(traceHellos[Math.min(n++, traceHellos.length - 1)]!.subarray(4));
    const shaped = trace.extensions.map((t) => {
      const mine = ours.find((o) => o.type === t.type);
      return mine && !TAKEN_FROM_TRACE.has(t.type) ? mine : t;
    });
    for (const o of ours) if (!shaped.some((s) => s.type === o.type)) dropped.push(o.type);
    return shaped;
  };
}

/** A client that replays section `section`'s client with injected randomness and keys. */
export function traceClient(section: string, keyShares: Record<string, Uint8Array>, extra: Partial<ClientConfig> = {}, dropped: number[] = []): TlsConnection {
  const hellos = all(section, 'client', 'construct a ClientHello', 'ClientHello');
  const random = hellos[0]!.subarray(6, 38);
  const provider = createDeterministicProvider(nobleProvider, { random: [random], keyShares });
  const ctx = new TlsClientContext({
    provider,
    dangerouslyDisableCertificateVerification: true, // the trace's RSA certificate is not from a CA we hold
    cipherSuites: ['TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_256_GCM_SHA384'],
    groups: ['x25519', 'secp256r1', 'secp384r1'],
    middleboxCompatibility: false,
    minVersion: 'TLSv1.3', // the trace's ClientHello offers TLS 1.3 only
    testing: { rewriteClientHelloExtensions: shapeLikeTrace(hellos, dropped) },
    ...extra,
  });
  const conn = ctx.connection({ serverName: 'server' });
  conn.keylogEnabled = true;
  return conn;
}

/** The §3 client, ready to take the server's records. */
export function section3Client(extra: Partial<ClientConfig> = {}): TlsConnection {
  return traceClient('3', { x25519: traceValue(steps, '3', 'client', 'create an ephemeral x25519 key pair', 'private key') }, extra);
}

/** The §3 server's records: [ServerHello, encrypted EE..Finished, encrypted NewSessionTicket]. */
export const section3ServerRecords = all('3', 'server', 'send handshake record', 'complete record');

/** The §3 server handshake messages and its handshake write key and iv. */
export const section3 = {
  serverHello: traceValue(steps, '3', 'server', 'construct a ServerHello', 'ServerHello'),
  encryptedExtensions: traceValue(steps, '3', 'server', 'construct a EncryptedExtensions', 'EncryptedExtensions'),
  certificate: traceValue(steps, '3', 'server', 'construct a Certificate', 'Certificate'),
  certificateVerify: traceValue(steps, '3', 'server', 'construct a CertificateVerify', 'CertificateVerify'),
  finished: traceValue(steps, '3', 'server', 'construct a Finished', 'Finished'),
  serverHandshakeKey: traceValue(steps, '3', 'server', 'derive write traffic keys for handshake data', 'key expanded'),
  serverHandshakeIv: traceValue(steps, '3', 'server', 'derive write traffic keys for handshake data', 'iv expanded'),
  clientHandshakeKey: traceValue(steps, '3', 'server', 'derive read traffic keys for handshake data', 'key expanded'),
  clientHandshakeIv: traceValue(steps, '3', 'server', 'derive read traffic keys for handshake data', 'iv expanded'),
};
