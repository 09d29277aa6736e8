// Core bundles for a browser (DESIGN.md: "It must bundle for a browser (platform: neutral)").
// esbuild bundles both entry points with every dependency (noble, pkijs, asn1js, rxjs) for a
// neutral platform with browser conditions; the output must name no Node or Deno API, and it
// must work: evaluated in a bare realm that has only Web APIs (no process, global, Buffer,
// require or Deno), it runs a full client <-> server handshake and carries data.
// neutral.test.ts checks core's own sources; this checks what a browser would really load.
import { readFileSync } from 'node:fs';
import { createContext, runInContext } from 'node:vm';
import { fileURLToPath } from 'node:url';
import { build, stop, type BuildOptions, type OutputFile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getTestPki } from './support/pki.ts';

const CORE = fileURLToPath(new URL('..', import.meta.url));

const OPTIONS: BuildOptions = {
  absWorkingDir: CORE,
  entryPoints: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
  outdir: 'bundle', // not written (write: false); names the output files
  bundle: true,
  write: false,
  platform: 'neutral', // no Node built-ins: an import of one fails the build
  mainFields: ['browser', 'module', 'main'],
  conditions: ['browser', 'import'],
  target: 'es2022',
  logLevel: 'silent',
};

/** Bundles by entry name: ES modules to inspect, and scripts (a global `rxtls`) to run. */
let esm: Record<string, string>;
let scripts: Record<string, string>;

const byEntry = (files: readonly OutputFile[]): Record<string, string> => Object.fromEntries(files.map((f) => [f.path.replace(/^.*[/\\]/, '').replace(/\.js$/, ''), f.text]));

beforeAll(async () => {
  const [module, script] = await Promise.all([build({ ...OPTIONS, format: 'esm' }), build({ ...OPTIONS, format: 'iife', globalName: 'rxtls' })]);
  for (const result of [module, script]) {
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
  }
  esm = byEntry(module.outputFiles ?? []);
  scripts = byEntry(script.outputFiles ?? []);
});

afterAll(() => stop());

/** The bundle cut into its modules, by the `// path` line esbuild writes before each one. */
function modules(bundle: string): Map<string, string> {
  const out = new Map<string, string>();
  const marks = [...bundle.matchAll(/^\/\/ (\S+\.[cm]?[jt]s)$/gm)];
  marks.forEach((mark, i) => {
    const path = mark[1]!.replace(/^.*node_modules\//, '');
    out.set(path, (out.get(path) ?? '') + bundle.slice(mark.index, marks[i + 1]?.index ?? bundle.length));
  });
  return out;
}

/**
 * Node globals used as values: `process.x`, `global[x]`, `typeof process`, `'pid' in process`,
 * `require(x)`, and the same through `globalThis.` (`globalThis.Buffer`).
 */
const NODE_GLOBAL_USE = [
  /(?<![.\w$])(?:process|global|Buffer)\s*[.[]|(?<![.\w$])require\s*\(|\btypeof\s+(?:process|global|Buffer|require)\b|\bin\s+(?:process|global)\b/g,
  /\b(?:globalThis|self|window)\.(?:process|global|Buffer|require)\b/g,
];

/** Packages each bundle must contain (the testing entry needs no pkijs, rxjs or ciphers). */
const DEPENDENCIES = { index: ['@noble/ciphers', '@noble/curves', '@noble/hashes', 'asn1js', 'pkijs', 'rxjs'], testing: ['@noble/curves', '@noble/hashes'] };

describe.each(['index', 'testing'] as const)('the %s entry bundled for a browser', (entry) => {
  it('includes its dependencies and refers to no node: module, require or Deno', () => {
    const bundle = esm[entry]!;
    const packages = [...modules(bundle).keys()].filter((p) => !p.startsWith('src/')).map((p) => p.split('/').slice(0, p.startsWith('@') ? 2 : 1).join('/'));
    expect([...new Set(packages)]).toEqual(expect.arrayContaining(DEPENDENCIES[entry]));
    expect(bundle).not.toMatch(/node:/);
    expect(bundle).not.toMatch(/\brequire\s*\(|__require/); // __require: esbuild's shim for a CommonJS require
    expect(bundle).not.toMatch(/\bDeno\b/);
  });

  it('uses Node globals only in guarded feature tests of its dependencies', () => {
    const uses: Record<string, string[]> = {};
    for (const [path, text] of modules(esm[entry]!)) {
      const found = NODE_GLOBAL_USE.flatMap((re) => [...text.matchAll(re)].map((m) => /process|global(?!This)|Buffer|require/.exec(m[0])![0]));
      if (found.length > 0) uses[path] = [...new Set(found)].sort();
    }
    // - pkijs keeps its crypto engine registry on `global[process.pid]` when it runs in Node;
    //   every use sits behind `typeof process !== "undefined" && "pid" in process && typeof
    //   global !== "undefined"`, and a browser takes the other branch (`self.crypto`).
    // - @peculiar/utils (under pkijs) decodes base64 with `globalThis.Buffer` when there is one,
    //   and with atob/btoa when not.
    // The bare realm below has none of them, so the handshake there runs the browser branches.
    expect(uses).toEqual(entry === 'index' ? { 'pkijs/build/index.js': ['global', 'process'], '@peculiar/utils/build/encoding/base64.js': ['Buffer'] } : {});
  });
});

/** A realm with the Web APIs core may use, and none of Node's or Deno's globals. */
function bareRealm(): object {
  const realm = createContext({ crypto: globalThis.crypto, TextEncoder, TextDecoder, atob, btoa, performance, setTimeout, clearTimeout, queueMicrotask, console });
  runInContext('globalThis.self = globalThis;', realm); // as in a browser or a worker
  expect(runInContext('[typeof process, typeof global, typeof Buffer, typeof require, typeof Deno, typeof window].join()', realm)).toBe('undefined,undefined,undefined,undefined,undefined,undefined');
  return realm;
}

/**
 * Runs inside the realm (as source text): an rxtls client and server from the bundle complete a
 * handshake in memory (certificate chain checked) and carry one message. Returns JSON.
 */
async function handshakeInRealm(rxtls: typeof import('../src/index.ts'), pki: { root: string; chain: string[]; key: string }): Promise<string> {
  const client = new rxtls.TlsClientContext({ ca: pki.root }).connection({ serverName: 'localhost' });
  const server = new rxtls.TlsServerContext({ certificates: [{ chain: pki.chain, key: pki.key }] }).connection();
  const waiting: string[] = [rxtls.SslError.WANT_READ, rxtls.SslError.WANT_ASYNC];
  let clientHello: Uint8Array | undefined;
  for (let round = 0; round < 20; round++) {
    const c = client.connect();
    const s = server.accept();
    if (c === -1 && !waiting.includes(client.getError())) throw client.error;
    if (s === -1 && !waiting.includes(server.getError())) throw server.error;
    const toServer = client.takeOutput();
    const toClient = server.takeOutput();
    clientHello ??= toServer;
    server.receive(toServer);
    client.receive(toClient);
    if (c === 1 && s === 1) break;
    if (toServer.length === 0 && toClient.length === 0) await Promise.all([client.asyncReady(), server.asyncReady()]);
  }
  client.write(new TextEncoder().encode('hello from the bundle'));
  server.receive(client.takeOutput());
  const received = server.readAvailable();
  return JSON.stringify({
    clientHello: Array.from(clientHello!.subarray(0, 6)),
    suite: client.negotiated?.cipherSuite,
    verifiedPath: client.negotiated?.verifiedPath?.length,
    received: received === null ? null : new TextDecoder().decode(received),
  });
}

describe('the bundles run without Node or Deno globals', () => {
  it('index: a client and a server complete a TLS 1.3 handshake and carry data', async () => {
    const pki = await getTestPki();
    const realm = bareRealm();
    runInContext(scripts.index!, realm);
    const input = JSON.stringify({ root: pki.rootPem, chain: [pki.servers.p256.certPem, pki.intermediatePem], key: pki.servers.p256.keyPem });
    const result = JSON.parse(await runInContext(`(${handshakeInRealm.toString()})(rxtls, ${input})`, realm));
    expect(result).toEqual({
      clientHello: [0x16, 0x03, 0x01, expect.any(Number), expect.any(Number), 0x01], // a handshake record holding a ClientHello
      suite: 'TLS_AES_128_GCM_SHA256',
      verifiedPath: 3,
      received: 'hello from the bundle',
    });
  });

  it('testing: the RFC 8448 trace parser reads the trace', () => {
    const realm = bareRealm();
    runInContext(scripts.testing!, realm);
    const trace = readFileSync(new URL('./vectors/rfc8448.txt', import.meta.url), 'utf8');
    const steps = runInContext(`rxtls.parseRfc8448(${JSON.stringify(trace)}).length`, realm);
    expect(steps).toBeGreaterThan(100);
  });
});
