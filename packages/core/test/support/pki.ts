/**
 * The test PKI: a root, an intermediate, server leaves of every key type and a set of bad
 * certificates, written as PEM files for `openssl s_server` and friends.
 *
 * Generated once per machine into `os.tmpdir()/rxtls-test-pki-<VERSION>` with node:crypto keys
 * and our DER builder (make-x509.ts); `openssl verify` accepts it (see test/x509/pki.test.ts).
 * Parallel test processes may race: each builds into its own temporary directory and renames
 * it into place; the loser discards its copy and reads the winner's.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodePem } from '../../src/x509/pem.ts';
import { type Issuer, type KeyPair, type KeyType, makeCert, makeIntermediate, makeKey, makeRoot, OID } from './make-x509.ts';

/** Bump when the contents change, so stale copies in tmpdir are not reused. */
const VERSION = 'v1';

export interface TestCert {
  certPem: string;
  /** PKCS#8 PEM. */
  keyPem: string;
  der: Uint8Array;
  certPath: string;
  keyPath: string;
  /** Leaf then intermediate, PEM. */
  chainPath: string;
}

export type ServerKind = 'p256' | 'p384' | 'ed25519' | 'rsa2048';
export type BadKind = 'expired' | 'notYetValid' | 'selfSigned' | 'unknownCa' | 'tamperedSignature' | 'noServerAuthEku' | 'wrongHost';

export interface TestPki {
  dir: string;
  rootPem: string;
  rootPath: string;
  rootDer: Uint8Array;
  intermediatePem: string;
  intermediateDer: Uint8Array;
  intermediatePath: string;
  /** root -> intermediate -> leaf; SANs DNS:localhost, DNS:*.rxtls.test, IP:127.0.0.1, IP:::1; EKU serverAuth. */
  servers: Record<ServerKind, TestCert>;
  /** A client certificate (P-256, EKU clientAuth, DNS:client.rxtls.test) under the same intermediate. */
  client: TestCert;
  /**
   * expired (2020–2021), notYetValid (from 2090), selfSigned (not under the root), unknownCa (under
   * another root; its chain file holds that root's intermediate), tamperedSignature (one bit of the
   * signature flipped), noServerAuthEku (clientAuth only), wrongHost (DNS:wrong.example only).
   * All P-256 and otherwise like the p256 server.
   */
  bad: Record<BadKind, TestCert>;
}

const serverKinds: readonly ServerKind[] = ['p256', 'p384', 'ed25519', 'rsa2048'];
const badKinds: readonly BadKind[] = ['expired', 'notYetValid', 'selfSigned', 'unknownCa', 'tamperedSignature', 'noServerAuthEku', 'wrongHost'];

const SERVER_DNS = ['localhost', '*.rxtls.test'];
const SERVER_IPS = ['127.0.0.1', '::1'];

function keyPem(key: KeyPair): string {
  return key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
}

function serverCert(issuer: Issuer, cn: string, type: KeyType, overrides: Partial<Parameters<typeof makeCert>[0]> = {}): { der: Uint8Array; key: KeyPair } {
  const key = makeKey(type);
  const der = makeCert({
    subject: { cn, o: 'rxtls tests' },
    key,
    issuer,
    ca: false,
    keyUsage: type === 'rsa2048' ? ['digitalSignature', 'keyEncipherment'] : ['digitalSignature'],
    eku: [OID.serverAuth],
    dns: SERVER_DNS,
    ips: SERVER_IPS,
    ...overrides,
  });
  return { der, key };
}

function build(dir: string): void {
  const root = makeRoot('rxtls Test Root CA', { key: makeKey('p384') });
  const intermediate = makeIntermediate(root, 'rxtls Test Intermediate CA', { ca: 0 });
  const otherRoot = makeRoot('rxtls Unknown Root CA');
  const otherIntermediate = makeIntermediate(otherRoot, 'rxtls Unknown Intermediate CA', { ca: 0 });
  const intermediatePem = encodePem(intermediate.der, 'CERTIFICATE');
  writeFileSync(join(dir, 'root.pem'), encodePem(root.der, 'CERTIFICATE'));
  writeFileSync(join(dir, 'root.key'), keyPem(root.key));
  writeFileSync(join(dir, 'intermediate.pem'), intermediatePem);
  writeFileSync(join(dir, 'intermediate.key'), keyPem(intermediate.key));

  const write = (name: string, cert: { der: Uint8Array; key: KeyPair }, chain: readonly Uint8Array[]): void => {
    const pem = encodePem(cert.der, 'CERTIFICATE');
    writeFileSync(join(dir, `${name}.crt`), pem);
    writeFileSync(join(dir, `${name}.key`), keyPem(cert.key));
    writeFileSync(join(dir, `${name}.chain.pem`), pem + chain.map((c) => encodePem(c, 'CERTIFICATE')).join(''));
  };
  for (const kind of serverKinds) write(`server-${kind}`, serverCert(intermediate, `rxtls test server ${kind}`, kind), [intermediate.der]);
  write('client', serverCert(intermediate, 'rxtls test client', 'p256', { eku: [OID.clientAuth], dns: ['client.rxtls.test'], ips: [] }), [intermediate.der]);

  const good = serverCert(intermediate, 'rxtls test tampered', 'p256');
  const tampered = good.der.slice();
  tampered[tampered.length - 1]! ^= 0x01;
  const selfKey = makeKey('p256');
  const bad: Record<BadKind, [{ der: Uint8Array; key: KeyPair }, Uint8Array[]]> = {
    expired: [serverCert(intermediate, 'rxtls test expired', 'p256', { notBefore: new Date('2020-01-01T00:00:00Z'), notAfter: new Date('2021-01-01T00:00:00Z') }), [intermediate.der]],
    notYetValid: [serverCert(intermediate, 'rxtls test not yet valid', 'p256', { notBefore: new Date('2090-01-01T00:00:00Z'), notAfter: new Date('2099-01-01T00:00:00Z') }), [intermediate.der]],
    selfSigned: [{ key: selfKey, der: makeCert({ subject: { cn: 'rxtls test self-signed' }, key: selfKey, ca: false, keyUsage: ['digitalSignature'], eku: [OID.serverAuth], dns: SERVER_DNS, ips: SERVER_IPS }) }, []],
    unknownCa: [serverCert(otherIntermediate, 'rxtls test unknown ca', 'p256'), [otherIntermediate.der]],
    tamperedSignature: [{ der: tampered, key: good.key }, [intermediate.der]],
    noServerAuthEku: [serverCert(intermediate, 'rxtls test client-only', 'p256', { eku: [OID.clientAuth] }), [intermediate.der]],
    wrongHost: [serverCert(intermediate, 'rxtls test wrong host', 'p256', { dns: ['wrong.example'], ips: [] }), [intermediate.der]],
  };
  for (const kind of badKinds) write(`bad-${kind}`, ...bad[kind]);
  writeFileSync(join(dir, 'VERSION'), `${VERSION}\n`);
}

function load(dir: string): TestPki {
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
  const derOf = (pem: string): Uint8Array => new Uint8Array(new X509Certificate(pem).raw);
  const cert = (name: string): TestCert => {
    const certPem = read(`${name}.crt`);
    return {
      certPem,
      keyPem: read(`${name}.key`),
      der: derOf(certPem),
      certPath: join(dir, `${name}.crt`),
      keyPath: join(dir, `${name}.key`),
      chainPath: join(dir, `${name}.chain.pem`),
    };
  };
  const rootPem = read('root.pem');
  const intermediatePem = read('intermediate.pem');
  return {
    dir,
    rootPem,
    rootPath: join(dir, 'root.pem'),
    rootDer: derOf(rootPem),
    intermediatePem,
    intermediateDer: derOf(intermediatePem),
    intermediatePath: join(dir, 'intermediate.pem'),
    servers: Object.fromEntries(serverKinds.map((k) => [k, cert(`server-${k}`)])) as Record<ServerKind, TestCert>,
    client: cert('client'),
    bad: Object.fromEntries(badKinds.map((k) => [k, cert(`bad-${k}`)])) as Record<BadKind, TestCert>,
  };
}

function ensure(): TestPki {
  const dir = join(tmpdir(), `rxtls-test-pki-${VERSION}`);
  if (!existsSync(join(dir, 'VERSION'))) {
    mkdirSync(tmpdir(), { recursive: true });
    const staging = mkdtempSync(join(tmpdir(), `rxtls-test-pki-${VERSION}-building-`));
    try {
      build(staging);
      renameSync(staging, dir);
    } catch (e) {
      rmSync(staging, { recursive: true, force: true });
      // Another process won the race: use its copy.
      if (!existsSync(join(dir, 'VERSION'))) throw e;
    }
  }
  return load(dir);
}

let cached: Promise<TestPki> | undefined;

/** The shared test PKI, generated on first use. */
export function getTestPki(): Promise<TestPki> {
  cached ??= Promise.resolve().then(ensure);
  return cached;
}
