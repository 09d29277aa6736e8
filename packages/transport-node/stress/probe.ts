/**
 * The well-behaved client, in its own process: a node:tls handshake against the server every
 * 50 ms, timed from TCP connect to secureConnect, while an attack runs. IPC:
 *   { cmd: 'start', port }  begin;   { cmd: 'stop' } → { latencies: number[] (ms), failures }
 */
import { connect } from 'node:tls';
import { getTestPki } from '../../core/test/support/pki.ts';

const pki = await getTestPki();
let running = false;
let latencies: number[] = [];
let failures = 0;

function handshake(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect({ host: '127.0.0.1', port, servername: 'localhost', ca: pki.rootPem });
    const timer = setTimeout(() => socket.destroy(new Error('probe: no handshake within 10 s')), 10_000);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      resolve(performance.now() - started);
      socket.end(); // close_notify: the server sees a clean end, not a reset
      socket.resume();
      setTimeout(() => socket.destroy(), 1000).unref();
    });
    socket.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

async function loop(port: number): Promise<void> {
  while (running) {
    try {
      latencies.push(await handshake(port));
    } catch {
      failures++;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

let done: Promise<void> = Promise.resolve();
process.on('message', async (msg: { cmd: string; port?: number }) => {
  if (msg.cmd === 'start') {
    running = true;
    latencies = [];
    failures = 0;
    done = loop(msg.port!);
  } else if (msg.cmd === 'stop') {
    running = false;
    await done;
    process.send!({ cmd: 'stopped', latencies, failures });
  }
});
process.send!({ cmd: 'ready' });
