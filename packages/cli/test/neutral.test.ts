// The CLI is runtime-neutral: the hosts (transport-node, transport-deno) bring files, streams,
// sockets and signals; packages/cli/src uses no node: module and no Node or Deno global.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src', import.meta.url));
const FILES = readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.ts'));

describe('the CLI is runtime-neutral', () => {
  it.each(FILES)('%s uses no node: module, Buffer, process, Deno or transport', (name) => {
    const text = readFileSync(join(SRC, name), 'utf8');
    expect(text).not.toMatch(/from\s+['"]node:/);
    expect(text).not.toMatch(/\b(Buffer|process|Deno|require)\s*[.(]/);
    expect(text).not.toMatch(/from\s+['"]@rxtls\/transport-/);
  });
});
