/**
 * The attacks of `pnpm stress`, each against a server on 127.0.0.1:port. Every loop is
 * bounded in count and time, and every socket is closed at the end.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import { TlsClientContext, concat } from '@rxtls/core';
import type { RecordForge } from '@rxtls/core/testing';
import { forgeAfterHandshake } from '../test/support/hostile-client.ts';
import { getTestPki } from '../../core/test/support/pki.ts';

/** What the attacker saw. */
export interface AttackOutcome {
  readonly connections: number;
  /** Connections on which a TLS alert record came back before the close (plaintext ones are read; encrypted ones count when the server's report names it). */
  readonly alerts: number;
  /** Closed by the server within the attack's time. */
  readonly closed: number;
  /** Still open at the end (then closed by us). */
  readonly stillOpen: number;
}

/** Hooks into the measurement: `held()` is called while the attack's connections are all open. */
export interface AttackContext {
  readonly port: number;
  held(): Promise<void>;
}

export interface Attack {
  readonly name: string;
  readonly description: string;
  run(ctx: AttackContext): Promise<AttackOutcome>;
}

const pki = await getTestPki();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A raw TCP connection that keeps what it receives and knows when it closed. */
class Raw {
  readonly socket: Socket;
  private readonly received: Buffer[] = [];
  closed = false;
  readonly done: Promise<void>;
  /** `watching`: keep what arrives from the start (a TLS session reading the socket itself passes false, then calls `watch()`). */
  constructor(port: number, watching = true) {
    this.socket = netConnect(port, '127.0.0.1');
    this.socket.setNoDelay(true);
    this.socket.on('error', () => undefined);
    if (watching) this.watch();
    this.done = new Promise((resolve) => this.socket.once('close', () => ((this.closed = true), resolve())));
  }

  /** Read (and keep the first chunks of) whatever arrives. */
  watch(): void {
    this.socket.on('data', (d: Buffer) => {
      if (this.received.length < 64) this.received.push(d);
    });
  }
  async connected(): Promise<void> {
    if (!this.socket.connecting) return;
    await Promise.race([once(this.socket, 'connect'), this.done]);
  }
  /** Whether a plaintext alert record is among the first bytes the server sent. */
  get gotPlaintextAlert(): boolean {
    const bytes = Buffer.concat(this.received);
    for (let at = 0; at + 5 <= bytes.length; ) {
      if (bytes[at] === 21 && bytes.readUInt16BE(at + 3) === 2) return true;
      at += 5 + bytes.readUInt16BE(at + 3);
    }
    return false;
  }
  destroy(): void {
    this.socket.destroy();
  }
}

/** Wait until every connection closed, or `ms` passed. */
async function settle(conns: readonly Raw[], ms: number): Promise<void> {
  await Promise.race([Promise.all(conns.map((c) => c.done)), sleep(ms)]);
}

function outcome(conns: readonly Raw[], alerts?: number): AttackOutcome {
  const closed = conns.filter((c) => c.closed).length;
  const result = { connections: conns.length, alerts: alerts ?? conns.filter((c) => c.gotPlaintextAlert).length, closed, stillOpen: conns.length - closed };
  for (const c of conns) c.destroy();
  return result;
}

/** A client that completes its handshake honestly (rxtls), then forges records under its own keys. */
async function hostile(port: number): Promise<{ raw: Raw; forge: RecordForge }> {
  const raw = new Raw(port, false);
  const { forge } = await forgeAfterHandshake(raw.socket, pki.rootPem);
  raw.watch(); // from here on the attacker only watches the socket
  return { raw, forge };
}

/** A flood after the handshake: `count` forged records in one burst, then wait for the end (≤ 20 s). */
function flood(name: string, description: string, count: number, make: (forge: RecordForge) => Uint8Array): Attack {
  return {
    name,
    description,
    async run({ port, held }) {
      const { raw, forge } = await hostile(port);
      const burst = concat(...Array.from({ length: count }, () => make(forge)));
      raw.socket.write(burst);
      await held();
      await settle([raw], 20_000);
      return outcome([raw], 0);
    },
  };
}

/** A handshake record with a header for message `type` announcing `length`, and `body` bytes of it (in ≤ 16 KiB records). */
function announcedMessage(type: number, length: number, body: number): Buffer {
  const message = Buffer.concat([Buffer.from([type, length >> 16, (length >> 8) & 0xff, length & 0xff]), Buffer.alloc(body, 0x41)]);
  const records: Buffer[] = [];
  for (let at = 0; at < message.length; at += 16_384) {
    const part = message.subarray(at, at + 16_384);
    records.push(Buffer.from([22, 3, 1, part.length >> 8, part.length & 0xff]), part);
  }
  return Buffer.concat(records);
}

/** `count` connections that each send `bytes` before authentication and then wait. */
function preauth(name: string, description: string, count: number, bytes: () => Buffer): Attack {
  return {
    name,
    description,
    async run({ port, held }) {
      const conns = Array.from({ length: count }, () => new Raw(port));
      await Promise.all(conns.map((c) => c.connected()));
      for (const c of conns) c.socket.write(bytes());
      await sleep(1500);
      await held();
      await settle(conns, 500);
      return outcome(conns);
    },
  };
}

/** A ClientHello record as a real client sends it. */
function clientHelloBytes(): Buffer {
  const connection = new TlsClientContext({ dangerouslyDisableCertificateVerification: true }).connection({ serverName: 'localhost' });
  connection.connect();
  return Buffer.from(connection.takeOutput());
}

/** A few refused connections (garbage), so that the server's error paths are compiled before measuring. */
export async function warmUpErrorPaths(port: number): Promise<void> {
  const conns = Array.from({ length: 20 }, () => new Raw(port));
  await Promise.all(conns.map((c) => c.connected()));
  for (const c of conns) c.socket.write(Buffer.concat([Buffer.from([22, 3, 1, 0x40, 0x00]), randomBytes(16_384)]));
  await settle(conns, 3000);
  for (const c of conns) c.destroy();
}

export const ATTACKS: readonly Attack[] = [
  flood('keyupdate-flood', '10,000 KeyUpdate(update_requested) on one connection', 10_000, (f) => f.keyUpdate(true)),
  flood('empty-records', '100,000 empty application-data records', 100_000, (f) => f.data()),
  flood('warning-alerts', '100,000 user_canceled warning alerts', 100_000, (f) => f.alert(1, 90)),
  preauth('preauth-256k', '300 connections: a ClientHello header claiming 262,144 bytes, 64 KiB of it sent, then silence', 300, () => announcedMessage(1, 262_144, 65_536 - 4)),
  preauth('preauth-16k', '300 connections: a ClientHello header claiming 16,000 bytes (within our limit), 15,000 sent, then silence', 300, () => announcedMessage(1, 16_000, 15_000)),
  {
    name: 'garbage',
    description: '2,000 connections (250 at a time): a handshake record header, then 16 KiB of random bytes',
    async run({ port, held }) {
      const all: Raw[] = [];
      let measured = false;
      for (let batch = 0; batch < 8; batch++) {
        const conns = Array.from({ length: 250 }, () => new Raw(port));
        await Promise.all(conns.map((c) => c.connected()));
        for (const c of conns) c.socket.write(Buffer.concat([Buffer.from([22, 3, 1, 0x40, 0x00]), randomBytes(16_384)]));
        if (!measured) {
          measured = true;
          await held();
        }
        await settle(conns, 5000);
        all.push(...conns);
      }
      return outcome(all);
    },
  },
  {
    name: 'slowloris',
    description: '200 connections sending a ClientHello one byte every 250 ms (cut by the 10 s handshake timeout)',
    async run({ port, held }) {
      const hello = clientHelloBytes();
      const conns = Array.from({ length: 200 }, () => new Raw(port));
      await Promise.all(conns.map((c) => c.connected()));
      let sent = 0;
      const drip = setInterval(() => {
        for (const c of conns) if (!c.closed) c.socket.write(hello.subarray(sent, sent + 1));
        sent = Math.min(sent + 1, hello.length - 1); // never the last byte
      }, 250);
      await sleep(2000);
      await held();
      await settle(conns, 15_000);
      clearInterval(drip);
      return outcome(conns);
    },
  },
  {
    name: 'idle',
    description: '2,000 connections (250 at a time, 100 ms apart) that open TCP and send nothing (cut by the 10 s handshake timeout)',
    async run({ port, held }) {
      // In batches: 2,000 SYNs at once overflow the listen backlog, and a dropped SYN is retried
      // after a second, which would measure the kernel, not the server.
      const conns: Raw[] = [];
      for (let batch = 0; batch < 8; batch++) {
        const some = Array.from({ length: 250 }, () => new Raw(port));
        await Promise.all(some.map((c) => c.connected()));
        conns.push(...some);
        await sleep(100);
      }
      await sleep(1000);
      await held();
      await settle(conns, 15_000);
      return outcome(conns);
    },
  },
];
