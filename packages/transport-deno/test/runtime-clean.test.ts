// transport-deno imports no `node:` module, and neither does anything it loads at run time:
// its sources are read, and its whole dependency closure (core, rxjs, noble, pkijs, ...) is
// bundled by esbuild for the `neutral` platform, which refuses Node built-ins, and the bundle
// is searched for Node globals.
import { describe, expect, it } from 'vitest';
import { Deno } from './support/deno.ts';

const PACKAGE = new URL('..', import.meta.url).pathname;
const ROOT = new URL('../../..', import.meta.url).pathname;

function sources(dir: string): string[] {
  return [...Deno.readDirSync(dir)].flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.name.endsWith('.ts')) return [path];
    try {
      return sources(path);
    } catch {
      return []; // not a directory
    }
  });
}

describe('no node: modules', () => {
  const files = sources(`${PACKAGE}src`);

  it.each(files.map((f) => [f.slice(PACKAGE.length), f]))('%s imports no node: module and uses no Node global', (_name, file) => {
    const text = Deno.readTextFileSync(file);
    expect(text).not.toMatch(/(from|import)\s*\(?\s*['"]node:/);
    expect(text).not.toMatch(/\b(Buffer|process|require)\s*[.(]/);
  });

  // The library, and the Deno CLI (src/cli, when present).
  const entries = ['src/index.ts', 'src/cli/main.ts'].filter((e) => files.includes(`${PACKAGE}${e}`));

  it.each(entries)('the runtime dependency closure of %s bundles for a neutral platform (esbuild), with no Node built-in and no Node global', async (entry) => {
    const dir = await Deno.makeTempDir({ prefix: 'rxtls-deno-bundle-' });
    try {
      const out = await new Deno.Command(`${ROOT}node_modules/.bin/esbuild`, {
        args: [`${PACKAGE}${entry}`, '--bundle', '--platform=neutral', '--format=esm', '--main-fields=module,main', `--metafile=${dir}/meta.json`, `--outfile=${dir}/bundle.js`, '--log-level=error'],
        cwd: ROOT, // the metafile names inputs relative to it
        stdout: 'piped',
        stderr: 'piped',
      }).output();
      expect(out.success, new TextDecoder().decode(out.stderr)).toBe(true);
      const meta = JSON.parse(await Deno.readTextFile(`${dir}/meta.json`)) as { inputs: Record<string, { imports: { path: string; external?: boolean }[] }> };
      const inputs = Object.keys(meta.inputs);
      // core, rxjs, noble and pkijs are all in it, not left outside
      for (const part of ['packages/core/src/', 'rxjs', '@noble/curves', '@noble/ciphers', '@noble/hashes', 'pkijs', 'asn1js']) expect(inputs.some((i) => i.includes(part)), part).toBe(true);
      expect(inputs.filter((i) => i.startsWith('node:'))).toEqual([]);
      expect(Object.values(meta.inputs).flatMap((i) => i.imports.filter((x) => x.external))).toEqual([]);
      const bundle = await Deno.readTextFile(`${dir}/bundle.js`);
      expect(bundle).not.toMatch(/\brequire\(|\bBuffer\./);
      // pkijs reads process.pid, guarded by `typeof process !== "undefined"`; nothing else touches process.
      expect(bundle.match(/\bprocess\.\w+/g) ?? []).toEqual(['process.pid', 'process.pid']);
      expect(bundle).toContain('typeof process !== "undefined" && Number.isInteger(process.pid)');
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
});

// Deno users type-check (`deno check`, and `deno test` checks by default): the package and its
// CLI must pass Deno's checker with Deno's own lib, not only our tsc with structural types.
describe('deno check', () => {
  it('src/index.ts and src/cli/main.ts type-check under Deno', async () => {
    const before = await Deno.readTextFile(`${ROOT}package.json`);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ['check', '--quiet', '--config', `${PACKAGE}deno.json`, `${PACKAGE}src/index.ts`, `${PACKAGE}src/cli/main.ts`],
      cwd: PACKAGE,
      stdout: 'piped',
      stderr: 'piped',
    }).output();
    expect(out.success, new TextDecoder().decode(out.stderr)).toBe(true);
    // and it left the workspace alone (Deno may migrate pnpm-workspace.yaml into package.json)
    expect(await Deno.readTextFile(`${ROOT}package.json`)).toBe(before);
  });
});
