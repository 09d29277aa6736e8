// Core is runtime-neutral (DESIGN.md): no node: imports, no Node or Deno globals in src.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('core is runtime-neutral', () => {
  const files = sources(SRC);
  it.each(files.map((f) => [f.slice(SRC.length + 1), f]))('%s uses no node: module, Buffer, process or Deno', (_name, file) => {
    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(/from\s+['"]node:/);
    expect(text).not.toMatch(/\b(Buffer|process|Deno|require)\s*[.(]/);
  });

  it('only crypto/noble imports @noble, only x509 imports pkijs/asn1js, only observe and stream import rxjs', () => {
    for (const file of files) {
      const rel = file.slice(SRC.length + 1);
      const text = readFileSync(file, 'utf8');
      if (/from\s+['"]@noble\//.test(text)) expect(rel.startsWith('crypto/noble/')).toBe(true);
      if (/from\s+['"](pkijs|asn1js)['"]/.test(text)) expect(rel.startsWith('x509/')).toBe(true);
      if (/from\s+['"]rxjs['"]/.test(text)) expect(rel.startsWith('observe/') || rel.startsWith('stream/')).toBe(true);
    }
  });
});
