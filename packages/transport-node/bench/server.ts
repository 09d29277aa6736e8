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

async function start(keyType: DemoKeyType, ciphers: string, version: 'TLSv1.3' | 'TLSv1.2' = 'TLSv1.3'): Promise<{ server: Server; port: number; ca: string }> {
  const pki = await generateDemoPki({ keyType });
  const server = createServer({ key: pki.leafKeyPem, cert: pki.leafPem + pki.intermediatePem, minVersion: version, maxVersion: version, ciphers }, (socket) => {
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
  return { server, port: (server.address() as AddressInfo).port, ca: pki.rootPem };
}

const all = 'TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384';
// TLS 1.2: the forward-secret AEAD suites (the client under test picks one with `ciphers` / `cipherSuites`).
const all12 = 'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES256-GCM-SHA384';
const ecdsa = await start('ecdsa-p256', all);
const rsa = await start('rsa-2048', all);
const ecdsa12 = await start('ecdsa-p256', all12, 'TLSv1.2');
const rsa12 = await start('rsa-2048', all12, 'TLSv1.2');
const peer = (p: { port: number; ca: string }) => ({ port: p.port, ca: p.ca });
process.stdout.write(`${JSON.stringify({ ecdsa: peer(ecdsa), rsa: peer(rsa), ecdsa12: peer(ecdsa12), rsa12: peer(rsa12) })}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
