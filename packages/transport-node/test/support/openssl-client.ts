import { spawn } from 'node:child_process';

/**
 * `openssl s_client -quiet` to a loopback port: send `data`, collect `data.length` bytes that
 * come back (an echo server), then stop. `version` is the version flag ('-tls1_3' by default).
 */
export async function sClient(
  port: number,
  options: { readonly caFile: string; readonly version?: '-tls1_3' | '-tls1_2'; readonly args?: readonly string[] },
  data: Buffer,
): Promise<{ echoed: Buffer; stderr: string }> {
  const args = ['s_client', '-connect', `127.0.0.1:${port}`, options.version ?? '-tls1_3', '-CAfile', options.caFile, '-servername', 'localhost', '-verify_return_error', '-quiet', ...(options.args ?? [])];
  const child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  let got = 0;
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      chunks.push(d);
      got += d.length;
      if (got >= data.length) resolve();
    });
    child.on('exit', (code) => (got >= data.length ? resolve() : reject(new Error(`s_client exited ${code} after ${got} bytes: ${stderr}`))));
  });
  child.stdin.write(data);
  await done;
  child.kill();
  return { echoed: Buffer.concat(chunks), stderr };
}

/** Run `openssl s_client` (not quiet) once: send `input`, end stdin after `closeAfterMs`, return everything it printed. */
export async function sClientTranscript(port: number, args: readonly string[], input: string, closeAfterMs = 1500): Promise<{ output: string; code: number | null }> {
  const child = spawn('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  child.stdin.write(input);
  const timer = setTimeout(() => child.stdin.end(), closeAfterMs);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  clearTimeout(timer);
  return { output, code };
}
