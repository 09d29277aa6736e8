/**
 * Jazzer.js 4.0.0 ships its libFuzzer addon prebuilt against glibc 2.38 and libstdc++ 13
 * (GLIBC_2.38, GLIBCXX_3.4.32); Debian 12, our machines, has glibc 2.36 and libstdc++ 12, so
 * the addon fails to load. It needs only three symbols of those versions:
 *
 * - `__isoc23_strtol`, `__isoc23_strtoul`: C23's strtol/strtoul (they also take a `0b`
 *   prefix, which libFuzzer's flag parsing never sees). Bound to glibc's `strtol`/`strtoul`.
 * - `std::ios_base_library_init()`: GCC 13's `<iostream>` only *references* it to pull the
 *   stream initialisation into the link; it is never called. Bound to a libstdc++ 12 symbol.
 *
 * This rewrites those dynamic symbols in a copy of the addon (names, and their version to one
 * libstdc++ 12 / glibc 2.36 have), marks the two newer version requirements weak (ld.so then
 * only warns when they are missing), and puts the copy in place of the original (a new file:
 * pnpm's store, which the original is a hard link of, is left alone). It does nothing on a
 * machine whose glibc is new enough or when the addon is already patched.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const RENAMES: Readonly<Record<string, { name: string; version: string }>> = {
  __isoc23_strtol: { name: 'strtol', version: 'GLIBC_2.2.5' },
  __isoc23_strtoul: { name: 'strtoul', version: 'GLIBC_2.2.5' },
  _ZSt21ios_base_library_initv: { name: '_ZNSt8ios_base4InitC1Ev', version: 'GLIBCXX_3.4' },
};
const WEAKEN = new Set(['GLIBC_2.38', 'GLIBCXX_3.4.32']);
const VER_FLG_WEAK = 0x2;

/** The glibc version of this process (Node's report), e.g. [2, 36]; undefined when not glibc. */
function glibcVersion(): [number, number] | undefined {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  const m = /^(\d+)\.(\d+)/.exec(header?.glibcVersionRuntime ?? '');
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** The path of Jazzer's libFuzzer addon for this platform. */
export function jazzerAddonPath(): string {
  const corePackage = createRequire(import.meta.url).resolve('@jazzer.js/core/package.json');
  const fuzzerPackage = createRequire(corePackage).resolve('@jazzer.js/fuzzer/package.json');
  return join(dirname(fuzzerPackage), 'prebuilds', `fuzzer-${process.platform}-${process.arch}.node`);
}

interface Section {
  readonly name: string;
  readonly offset: number;
  readonly size: number;
  readonly entsize: number;
}

function sections(elf: Buffer): Map<string, Section> {
  const shoff = Number(elf.readBigUInt64LE(0x28));
  const shentsize = elf.readUInt16LE(0x3a);
  const shnum = elf.readUInt16LE(0x3c);
  const shstrndx = elf.readUInt16LE(0x3e);
  const header = (i: number): { name: number; offset: number; size: number; entsize: number } => {
    const at = shoff + i * shentsize;
    return { name: elf.readUInt32LE(at), offset: Number(elf.readBigUInt64LE(at + 0x18)), size: Number(elf.readBigUInt64LE(at + 0x20)), entsize: Number(elf.readBigUInt64LE(at + 0x38)) };
  };
  const names = header(shstrndx);
  const out = new Map<string, Section>();
  for (let i = 0; i < shnum; i++) {
    const h = header(i);
    out.set(cString(elf, names.offset + h.name), { name: cString(elf, names.offset + h.name), offset: h.offset, size: h.size, entsize: h.entsize });
  }
  return out;
}

function cString(buf: Buffer, at: number): string {
  const end = buf.indexOf(0, at);
  return buf.toString('latin1', at, end);
}

/** Patch the ELF image in memory; returns false when there was nothing to patch. */
export function patchAddon(elf: Buffer): boolean {
  if (elf.readUInt32BE(0) !== 0x7f454c46 || elf[4] !== 2 || elf[5] !== 1) throw new Error('not a little-endian ELF64 file');
  const s = sections(elf);
  const dynsym = s.get('.dynsym');
  const dynstr = s.get('.dynstr');
  const versym = s.get('.gnu.version');
  const verneed = s.get('.gnu.version_r');
  if (!dynsym || !dynstr || !versym || !verneed) throw new Error('no dynamic symbol versioning sections');

  // Version indexes by name, and the weak flag on the versions we cannot satisfy.
  const versionIndex = new Map<string, number>();
  let changed = false;
  for (let at = verneed.offset; ; ) {
    const count = elf.readUInt16LE(at + 2);
    let aux = at + elf.readUInt32LE(at + 8);
    for (let i = 0; i < count; i++) {
      const name = cString(elf, dynstr.offset + elf.readUInt32LE(aux + 8));
      versionIndex.set(name, elf.readUInt16LE(aux + 6));
      if (WEAKEN.has(name) && (elf.readUInt16LE(aux + 4) & VER_FLG_WEAK) === 0) {
        elf.writeUInt16LE(elf.readUInt16LE(aux + 4) | VER_FLG_WEAK, aux + 4);
        changed = true;
      }
      aux += elf.readUInt32LE(aux + 12);
    }
    const next = elf.readUInt32LE(at + 12);
    if (next === 0) break;
    at += next;
  }

  // Rename the symbols in place (each new name is shorter) and give them an older version.
  const symbols = dynsym.size / dynsym.entsize;
  for (let i = 0; i < symbols; i++) {
    const entry = dynsym.offset + i * dynsym.entsize;
    const nameAt = dynstr.offset + elf.readUInt32LE(entry);
    const target = RENAMES[cString(elf, nameAt)];
    if (target === undefined) continue;
    const version = versionIndex.get(target.version);
    if (version === undefined) throw new Error(`the addon needs no ${target.version}: cannot rebind`);
    elf.write(`${target.name}\0`, nameAt, 'latin1');
    elf.writeUInt16LE(version, versym.offset + i * 2);
    changed = true;
  }
  return changed;
}

/** Make Jazzer's addon loadable on this machine, if it needs it. Returns what was done. */
export function ensureJazzerLoads(): string {
  const version = glibcVersion();
  if (version === undefined || version[0] > 2 || (version[0] === 2 && version[1] >= 38)) return 'glibc is recent enough: addon used as shipped';
  const path = jazzerAddonPath();
  if (!existsSync(path)) throw new Error(`no Jazzer addon at ${path}`);
  const elf = readFileSync(path);
  if (!patchAddon(elf)) return `addon already patched for glibc ${version.join('.')}`;
  writeFileSync(`${path}.patched`, elf);
  renameSync(`${path}.patched`, path);
  return `addon patched for glibc ${version.join('.')} (strtol, strtoul, ios_base_library_init rebound)`;
}
