import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const WEB = fileURLToPath(new URL('../..', import.meta.url));

/** The browser bundle of transport-web (ES module, minified, with core, rxjs, noble, pkijs): what a page loads. */
export async function browserBundle(): Promise<{ code: string; inputs: string[]; imports: string[] }> {
  const result = await build({
    absWorkingDir: WEB,
    entryPoints: ['src/index.ts'],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    mainFields: ['browser', 'module', 'main'],
    conditions: ['browser', 'import'],
    target: 'es2022',
    minify: true,
    metafile: true,
    logLevel: 'silent',
  });
  const out = Object.values(result.metafile.outputs)[0]!;
  return { code: result.outputFiles[0]!.text, inputs: Object.keys(result.metafile.inputs), imports: out.imports.map((i) => i.path) };
}
