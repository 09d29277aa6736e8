// `rxtls` on Deno: the runtime-neutral CLI of @rxtls/cli on the Deno host. From the repository root:
//   deno run --config packages/transport-deno/deno.json --allow-net --allow-read --allow-write packages/transport-deno/src/cli/main.ts connect HOST:PORT ...
// (--allow-write is for --keylog; `pnpm rxtls-deno ...` runs exactly this).
import { runCli } from '@rxtls/cli';
import { denoGlobal, denoHost } from './host.ts';

const deno = denoGlobal();
const { host, flush } = denoHost(deno);
let code: number;
try {
  code = await runCli(deno.args, host);
} catch (err) {
  host.stderr(`rxtls: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  code = 70;
}
await flush();
deno.exit(code);
