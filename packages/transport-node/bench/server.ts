// The benchmark's peer: node:tls servers in their own process, so the client under test
// has its own core. Prints one JSON line with the ports and the root certificate, then serves
// until stdin closes.
//   `bulk` request  -> BULK_BYTES of data, then close
//   anything else   -> close after the first byte (handshake timing)
//   `idle`          -> keep the connection open (memory per idle connection)
import { createServer, type Server } from 'node:tls';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { generateDemoPki, type DemoKeyType } from '../../../examples/support/generate-pki.ts';

const BULK_BYTES = Number(process.env.BULK_BYTES ?? 64 * 1024 * 1024);
const chunk = Buffer.alloc(256 * 1024, 0x61);

async function start(keyType: DemoKeyType, ciphers: string, rootPem?: string): Promise<{ server: Server; port: number; ca: string }> {
  const pki = await generateDemoPki({ keyType });
  const server = createServer({ key: pki.leafKeyPem, cert: pki.leafPem + pki.intermediatePem, minVersion: 'TLSv1.3', ciphers }, (socket) => {
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    socket.once('data', (d: Buffer) => {
      const request = d.toString();
      if (request === 'idle') return;
      if (request !== 'bulk') return void socket.end();
      let left = BULK_BYTES;
      const pump = (): void => {
        while (left > 0) {
          left -= chunk.length;
          if (!socket.write(chunk)) return void socket.once('drain', pump);
        }
        socket.end();
      };
      pump();
    });
  });
  server.listen(0, '127.0.0.1', 4096);
  await once(server, 'listening');
  return { server, port: (server.address() as AddressInfo).port, ca: rootPem ?? pki.rootPem };
}

const all = 'TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384';
const ecdsa = await start('ecdsa-p256', all);
const rsa = await start('rsa-2048', all);
process.stdout.write(`${JSON.stringify({ ecdsa: { port: ecdsa.port, ca: ecdsa.ca }, rsa: { port: rsa.port, ca: rsa.ca } })}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
