import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { getTestPki } from '../support/pki.ts';

const pki = await getTestPki();

/** `openssl verify` exit status and output. */
function opensslVerify(args: readonly string[]): { ok: boolean; output: string } {
  try {
    const output = execFileSync('openssl', ['verify', '-CAfile', pki.rootPath, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { ok: true, output };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { ok: false, output: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

describe('the test PKI, as OpenSSL sees it', () => {
  it.each(['p256', 'p384', 'ed25519', 'rsa2048'] as const)('the %s server chain file verifies for localhost and ::1', (kind) => {
    const cert = pki.servers[kind];
    const untrusted = ['-untrusted', pki.intermediatePath, '-purpose', 'sslserver'];
    expect(opensslVerify([...untrusted, '-verify_hostname', 'localhost', cert.certPath]).ok).toBe(true);
    expect(opensslVerify([...untrusted, '-verify_ip', '::1', cert.certPath]).ok).toBe(true);
    expect(opensslVerify(['-untrusted', cert.chainPath, cert.certPath]).ok).toBe(true);
  });

  it.each([
    ['expired', 'certificate has expired'],
    ['notYetValid', 'not yet valid'],
    ['selfSigned', 'self-signed'],
    ['unknownCa', 'unable to get'],
    ['tamperedSignature', 'signature failure'],
    ['noServerAuthEku', 'unsuitable certificate purpose'],
  ] as const)('OpenSSL also rejects bad.%s (%s)', (kind, reason) => {
    const result = opensslVerify(['-untrusted', pki.bad[kind].chainPath, '-purpose', 'sslserver', pki.bad[kind].certPath]);
    expect(result.ok).toBe(false);
    expect(result.output).toContain(reason);
  });

  it('OpenSSL rejects bad.wrongHost for localhost only', () => {
    const args = ['-untrusted', pki.intermediatePath, pki.bad.wrongHost.certPath];
    expect(opensslVerify(args).ok).toBe(true);
    expect(opensslVerify(['-verify_hostname', 'localhost', ...args]).ok).toBe(false);
  });

  it('keys are PKCS#8 PEM matching their certificates', () => {
    for (const cert of [...Object.values(pki.servers), pki.client]) {
      expect(cert.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      const certKey = execFileSync('openssl', ['x509', '-noout', '-pubkey', '-in', cert.certPath], { encoding: 'utf8' });
      const keyPub = execFileSync('openssl', ['pkey', '-pubout', '-in', cert.keyPath], { encoding: 'utf8' });
      expect(keyPub).toBe(certKey);
    }
  });
});
