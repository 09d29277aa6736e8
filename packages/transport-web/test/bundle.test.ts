// The browser bundle of transport-web: built for platform 'browser' (a Node built-in would fail
// the build or stay as an import), it must import nothing at all (no `node:` module, no bare
// specifier left for the page to resolve) and contain no `node:` specifier anywhere.
import { afterAll, expect, it } from 'vitest';
import { stop } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { browserBundle } from './browser/bundle.ts';

afterAll(() => stop());

it('the browser bundle of transport-web has no node: import and no import left at all', async () => {
  const bundle = await browserBundle();
  expect(bundle.imports).toEqual([]);
  expect(bundle.inputs.filter((i) => i.startsWith('node:'))).toEqual([]);
  expect(bundle.code).not.toMatch(/["']node:[a-z_/]+["']/);
  // It is the real thing: core's stream and the WebSocket channel are in it.
  expect(bundle.inputs.some((i) => i.endsWith('core/src/stream/tls-stream.ts'))).toBe(true);
  expect(bundle.inputs.some((i) => i === 'src/websocket-channel.ts')).toBe(true);
  console.log(`transport-web browser bundle: ${(bundle.code.length / 1024).toFixed(1)} KiB minified, ${(gzipSync(bundle.code).length / 1024).toFixed(1)} KiB gzip`);
});
