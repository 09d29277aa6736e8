/**
 * Writes the committed seed corpus (fuzz/corpus/<target>/): whole conversations and messages
 * recorded from real handshakes with the fuzz fixtures, so the fuzzers start from valid input
 * and mutate from deep inside. Run again after a protocol change:
 *   npx tsx packages/core/fuzz/seeds.ts
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { concat } from '../src/bytes/util.ts';
import { ContentType } from '../src/codec/enums.ts';
import type { TlsConnection } from '../src/engine/connection.ts';
import { loadCertificates } from '../src/x509/pem.ts';
import { ROOT_PEM, SERVER_CERT_PEM } from './fixtures.ts';
import { fuzzClient, fuzzServer } from './targets/engine.ts';

const CORPUS = fileURLToPath(new URL('./corpus/', import.meta.url));

/** A client and a server talking: each side's received bytes, and every handshake message. */
function conversation(version: 'any' | 'TLSv1.2'): { toClient: Uint8Array[]; toServer: Uint8Array[]; messages: Uint8Array[] } {
  const client = fuzzClient(version);
  const server = fuzzServer(version);
  const messages: Uint8Array[] = [];
  client.onEvent((e) => {
    if (e.channel === 'message' && e.event.kind === 'handshake') messages.push(e.event.bytes);
  });
  const toClient: Uint8Array[] = [];
  const toServer: Uint8Array[] = [];
  const move = (from: TlsConnection, to: TlsConnection, log: Uint8Array[]): boolean => {
    const bytes = from.takeOutput();
    if (bytes.length === 0) return false;
    log.push(bytes.slice());
    to.receive(bytes);
    return true;
  };
  for (let round = 0; round < 20; round++) {
    client.doHandshake();
    server.doHandshake();
    const moved = move(client, server, toServer) || move(server, client, toClient);
    if (client.isEstablished && server.isEstablished && !moved) break;
  }
  if (!client.isEstablished || !server.isEstablished) throw new Error('the fuzz pair did not complete its handshake');
  // After the handshake: data both ways, a KeyUpdate each way, empty records, close_notify.
  server.write(new TextEncoder().encode('hello from the server'));
  if (version === 'any') server.keyUpdate(true);
  server.write(new Uint8Array(0));
  move(server, client, toClient);
  client.readAvailable();
  client.write(new TextEncoder().encode('hello from the client'));
  if (version === 'any') client.keyUpdate(false);
  move(client, server, toServer);
  server.readAvailable();
  server.shutdown();
  client.shutdown();
  move(server, client, toClient);
  move(client, server, toServer);
  return { toClient, toServer, messages };
}

function write(target: string, name: string, bytes: Uint8Array): void {
  mkdirSync(join(CORPUS, target), { recursive: true });
  writeFileSync(join(CORPUS, target, name), bytes);
}

const frame = (ders: readonly Uint8Array[]): Uint8Array => concat(...ders.map((d) => concat(Uint8Array.of(d.length >> 8, d.length & 0xff), d)));

rmSync(CORPUS, { recursive: true, force: true });
const { toClient, toServer, messages } = conversation('any');
const tls12 = conversation('TLSv1.2');

// engine: [role][chunking][bytes]; role % 4: 0 client, 1 server, 2 client (TLS 1.2 only), 3 server (TLS 1.2 only).
for (const [prefix, conv, roles] of [['', { toClient, toServer }, [0, 1]], ['tls12-', tls12, [2, 3]]] as const) {
  const serverBytes = concat(...conv.toClient);
  const clientBytes = concat(...conv.toServer);
  for (const [chunking, label] of [[0, 'whole'], [1, 'bytewise'], [7, 'by7'], [200, 'by200']] as const) {
    write('engine', `${prefix}client-${label}`, concat(Uint8Array.of(roles[0], chunking), serverBytes));
    write('engine', `${prefix}server-${label}`, concat(Uint8Array.of(roles[1], chunking), clientBytes));
  }
  write('engine', `${prefix}client-first-flight`, concat(Uint8Array.of(roles[0], 0), conv.toClient[0]!));
  write('engine', `${prefix}server-client-hello`, concat(Uint8Array.of(roles[1], 0), conv.toServer[0]!));
}

// record-layer: [ccs-allowed][chunking][bytes]: the plaintext start of both directions.
write('record-layer', 'client-hello', concat(Uint8Array.of(1, 0), toServer[0]!));
write('record-layer', 'server-flight', concat(Uint8Array.of(1, 13), toClient[0]!));
write('record-layer', 'ccs', concat(Uint8Array.of(1, 0), Uint8Array.of(ContentType.change_cipher_spec, 3, 3, 0, 1, 1)));

// handshake-messages: [decoder][body]; decoder indexes as in targets/handshake-messages.ts.
const decoderFor: Record<number, number> = { 1: 0, 2: 1, 8: 2, 13: 3, 11: 4, 15: 5, 20: 6, 4: 8, 24: 9 };
// TLS 1.2's own forms: ServerKeyExchange, ClientKeyExchange, Certificate, CertificateRequest, NewSessionTicket.
const decoderFor12: Record<number, number> = { 1: 0, 2: 1, 12: 34, 16: 35, 11: 38, 13: 39, 4: 40 };
[...messages.map((m) => [m, decoderFor] as const), ...tls12.messages.map((m) => [m, decoderFor12] as const)].forEach(([raw, table], i) => {
  const decoder = table[raw[0]!];
  if (decoder !== undefined) write('handshake-messages', `message-${i}-type-${raw[0]}`, concat(Uint8Array.of(decoder), raw.subarray(4)));
  write('handshake-messages', `framed-${i}`, concat(Uint8Array.of(11), raw)); // decodeHandshake
});

// x509: [len16][der]... leaf first.
const leaf = loadCertificates(SERVER_CERT_PEM)[0]!;
const root = loadCertificates(ROOT_PEM)[0]!;
write('x509', 'leaf', frame([leaf]));
write('x509', 'leaf-root', frame([leaf, root]));
write('x509', 'root-only', frame([root]));
console.log(`seed corpus written to ${CORPUS}`);
