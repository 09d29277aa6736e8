// Runs an example as a child process the way a user runs it, collecting its output (for the
// example tests).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** How a child process ended, and all it printed. */
export interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command args` in `cwd` (default: the repository root) with stdin closed; resolves when it exits. */
export function runProcess(command: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `node --import tsx <file> ...args` from the repository root, as `pnpm demo` and the READMEs run examples. */
export function runTsx(file: string, args: readonly string[] = [], env?: NodeJS.ProcessEnv): Promise<Run> {
  return runProcess(process.execPath, ['--import', 'tsx', file, ...args], env ? { env } : {});
}
