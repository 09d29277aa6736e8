import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { describe, expect, it } from 'vitest';
import { generateDemoPki, type DemoKeyType, type DemoPki } from './generate-pki.ts';

const keyTypes: readonly DemoKeyType[] = ['ecdsa-p256', 'rsa-2048'];
const pkis = new Map<DemoKeyType, DemoPki>();
for (const keyType of keyTypes) pkis.set(keyType, await generateDemoPki({ keyType }));
const pkiOf = (keyType: DemoKeyType): DemoPki => pkis.get(keyType)!;

/** Outcome of one node:tls handshake: whether the client accepted the server, and why not. */
interface HandshakeResult {
  readonly authorized: boolean;
  readonly error: string | undefined;
  readonly peerSubject: string | undefined;
  readonly protocol: string | null;
  readonly echoed: string | undefined;
}

/**
 * Run a node:tls server with `serverCert` (+ chain) and connect a node:tls client that trusts
 * only `ca`. The server answers with a line so that the test also sees application data.
 */
async function handshake(pki: DemoPki, client: Omit<ConnectionOptions, 'port' | 'ca'> & { ca: string }, serverChain = `${pki.leafPem}${pki.intermediatePem}`): Promise<HandshakeResult> {
  const server = createServer({ key: pki.leafKeyPem, cert: serverChain, minVersion: 'TLSv1.3' }, (socket) => {
    socket.on('error', () => {});
    socket.end('hello from node:tls\n');
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  try {
    return await new Promise<HandshakeResult>((resolve) => {
      const socket: TLSSocket = connect({ host: '127.0.0.1', port, ...client });
      let data = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (data += chunk));
      socket.on('secureConnect', () => {
        socket.on('end', () =>
          resolve({ authorized: socket.authorized, error: undefined, peerSubject: socket.getPeerX509Certificate()?.subject, protocol: socket.getProtocol(), echoed: data }),
        );
      });
      socket.on('error', (err) => resolve({ authorized: false, error: err.message, peerSubject: undefined, protocol: null, echoed: undefined }));
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

describe.each(keyTypes)('generateDemoPki (%s)', (keyType) => {
  const pki = pkiOf(keyType);

  it('a node:tls client trusting only the root verifies the server for localhost', async () => {
    const result = await handshake(pki, { ca: pki.rootPem, servername: 'localhost' });
    expect(result.error).toBeUndefined();
    expect(result.authorized).toBe(true);
    expect(result.protocol).toBe('TLSv1.3');
    expect(result.peerSubject).toContain('CN=localhost');
    expect(result.echoed).toBe('hello from node:tls\n');
  });

  it('the leaf also verifies for the IP address 127.0.0.1', async () => {
    // No servername: node:tls then checks the certificate against the host, an IP address.
    const result = await handshake(pki, { ca: pki.rootPem });
    expect(result.error).toBeUndefined();
    expect(result.authorized).toBe(true);
  });

  it('the leaf does not verify for another host name', async () => {
    const result = await handshake(pki, { ca: pki.rootPem, servername: 'example.com' });
    expect(result.authorized).toBe(false);
    expect(result.error).toMatch(/example\.com/);
  });

  it('without the intermediate the chain does not reach the root', async () => {
    const result = await handshake(pki, { ca: pki.rootPem, servername: 'localhost' }, pki.leafPem);
    expect(result.authorized).toBe(false);
    expect(result.error).toMatch(/unable to (get|verify)/i);
  });

  it('each call makes a new PKI: another root is not trusted', async () => {
    const other = await generateDemoPki({ keyType });
    expect(other.rootPem).not.toBe(pki.rootPem);
    const result = await handshake(pki, { ca: other.rootPem, servername: 'localhost' });
    expect(result.authorized).toBe(false);
    expect(result.error).toMatch(/unable to (get|verify)/i);
  });

  it('the certificates carry the CA / leaf extensions and the validity window', () => {
    const root = new X509Certificate(pki.rootPem);
    const intermediate = new X509Certificate(pki.intermediatePem);
    const leaf = new X509Certificate(pki.leafPem);

    expect(root.ca).toBe(true);
    expect(intermediate.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(root.checkIssued(root)).toBe(true);
    expect(intermediate.checkIssued(root)).toBe(true);
    expect(leaf.checkIssued(intermediate)).toBe(true);
    expect(intermediate.verify(root.publicKey)).toBe(true);
    expect(leaf.verify(intermediate.publicKey)).toBe(true);
    expect(leaf.verify(root.publicKey)).toBe(false);

    expect(leaf.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']); // node names the EKU list `keyUsage`
    expect(leaf.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1');
    expect(leaf.checkHost('localhost')).toBe('localhost');
    expect(leaf.checkIP('127.0.0.1')).toBe('127.0.0.1');

    const hour = 60 * 60 * 1000;
    for (const cert of [root, intermediate, leaf]) {
      const from = Date.parse(cert.validFrom);
      const to = Date.parse(cert.validTo);
      expect(Math.abs(Date.now() - hour - from)).toBeLessThan(5 * 60 * 1000);
      expect(Math.abs(Date.now() + 24 * hour - to)).toBeLessThan(5 * 60 * 1000);
    }
  });

  it('the leaf key is PKCS#8 and belongs to the leaf certificate', () => {
    expect(pki.leafKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const key = createPrivateKey(pki.leafKeyPem);
    expect(key.asymmetricKeyType).toBe(keyType === 'ecdsa-p256' ? 'ec' : 'rsa');
    expect(new X509Certificate(pki.leafPem).checkPrivateKey(key)).toBe(true);
  });
});
