/**
 * A small command-line flag parser shared by the rxtls commands: `--flag value`,
 * `--flag=value`, boolean `--flag`, repeatable flags, `--` to end flags. Unknown flags, missing
 * values and a non-repeatable flag given twice are errors (`ArgsError`), which commands turn
 * into a usage message and exit status 2.
 */

/** How one flag takes values. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  /** A string flag that may be given several times; its values are collected in order. */
  readonly multiple?: boolean;
}

/** Flag name (without `--`) → spec. */
export type FlagSpecs = Readonly<Record<string, FlagSpec>>;

/** The parsed value type of each flag of `S`; absent flags are missing from the object. */
export type ParsedFlags<S extends FlagSpecs> = {
  -readonly [K in keyof S]?: S[K]['type'] extends 'boolean' ? boolean : S[K]['multiple'] extends true ? string[] : string;
};

/** A command line the command cannot accept. */
export class ArgsError extends Error {
  override readonly name: string = 'ArgsError';
}

/** Parse `argv` against `specs`. Positional arguments are errors unless `allowPositionals`. */
export function parseFlags<S extends FlagSpecs>(
  argv: readonly string[],
  specs: S,
  options: { readonly allowPositionals?: boolean } = {},
): { flags: ParsedFlags<S>; positionals: string[] } {
  const flags: Record<string, string | string[] | boolean> = {};
  const positionals: string[] = [];
  let onlyPositionals = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (onlyPositionals || !arg.startsWith('-') || arg === '-') {
      if (options.allowPositionals !== true) throw new ArgsError(`unexpected argument "${arg}"`);
      positionals.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyPositionals = true;
      continue;
    }
    if (!arg.startsWith('--')) throw new ArgsError(`unknown flag "${arg}"`);
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
    if (spec === undefined) throw new ArgsError(`unknown flag "--${name}"`);
    if (spec.type === 'boolean') {
      if (eq >= 0) throw new ArgsError(`flag --${name} takes no value`);
      flags[name] = true;
      continue;
    }
    let value: string;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) throw new ArgsError(`flag --${name} needs a value`);
      value = next;
      i++;
    }
    if (spec.multiple === true) {
      const list = flags[name];
      flags[name] = Array.isArray(list) ? [...list, value] : [value];
    } else {
      if (name in flags) throw new ArgsError(`flag --${name} given more than once`);
      flags[name] = value;
    }
  }
  return { flags: flags as ParsedFlags<S>, positionals };
}
