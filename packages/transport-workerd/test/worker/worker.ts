// The Worker the workerd tests run: each POST is a job (a TLS server on loopback to reach through
// `cloudflare:sockets`, what to check and send); the answer is what happened, as JSON.
import { connect, type PeerVerificationInfo } from '../../src/index.ts';

/** One job, posted by the test. */
export interface Job {
  readonly port: number;
  readonly servername: string;
  readonly ca: string;
  /** SHA-256 (hex) the server's leaf certificate must have: a pin checked in `verifyPeer`. */
  readonly pin?: string;
  /** Bytes of the pattern (byte i = (i * 7 + seed) % 251) to send, and bytes to read back. */
  readonly up: number;
  readonly down: number;
  readonly seed: number;
}

/** What the Worker saw. */
export interface Outcome {
  readonly steps: string[];
  readonly error?: { name: string; message: string };
  readonly version?: string;
  readonly cipher?: string;
  readonly authorized?: boolean;
  readonly received?: number;
  readonly sha256?: string;
  readonly closed?: { clean: boolean };
}

const hex = (bytes: ArrayBuffer): string => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');

async function run(job: Job): Promise<Outcome> {
  const steps: string[] = [];
  try {
    const verifyPeer = job.pin
      ? async (info: PeerVerificationInfo): Promise<void> => {
          const seen = hex(await crypto.subtle.digest('SHA-256', info.certificates[0]!));
          if (seen !== job.pin) throw new Error(`certificate pin mismatch: the server's leaf is ${seen}`);
        }
      : undefined;
    const conn = await connect({ hostname: '127.0.0.1', port: job.port, servername: job.servername, ca: job.ca, handshake: false, ...(verifyPeer ? { verifyPeer } : {}) });
    conn.handshake$.subscribe({ next: (e) => steps.push(e.type), error: () => undefined });
    const negotiated = await conn.handshake();
    const data = Uint8Array.from({ length: job.up }, (_, i) => (i * 7 + job.seed) % 251);
    const got = new Uint8Array(job.down);
    let at = 0;
    const reading = (async () => {
      while (at < job.down) {
        const chunk = await conn.read();
        if (chunk === null) break;
        got.set(chunk.subarray(0, job.down - at), at);
        at += chunk.length;
      }
    })();
    await conn.write(data);
    await reading;
    const closed = await conn.close();
    return { steps, version: negotiated.version, cipher: negotiated.cipherSuite, authorized: conn.authorized, received: at, sha256: hex(await crypto.subtle.digest('SHA-256', got)), closed: { clean: closed.clean } };
  } catch (err) {
    const e = err as Error;
    return { steps, error: { name: e.name, message: e.message } };
  }
}

export default {
  async fetch(request: Request): Promise<Response> {
    return Response.json(await run((await request.json()) as Job));
  },
};
