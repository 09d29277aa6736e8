/**
 * An HTTPS GET with Node's own HTTP client (`node:http`) over an rxtls TLS 1.3 connection.
 *
 * `http.request` accepts a `createConnection` option: any Duplex it returns carries the
 * request. rxtls's `connect()` returns such a Duplex (a `TlsSocket`, shaped like
 * `tls.TLSSocket`), so the only change from plain HTTP is that one option: `node:http`
 * writes the request and parses the response; rxtls encrypts and verifies the server.
 *
 * Usage: `node --import tsx examples/https-get.ts [URL]`
 *   URL   fetch it, trusting Node's default roots (`tls.rootCertificates`, as `https.get` does)
 *   (none) start a local `node:https` server with a generated certificate, trust its root,
 *          and fetch from it (no internet needed)
 */
import { request, type IncomingMessage } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { connect, type TlsSocket, type ConnectionOptions } from '@rxtls/transport-node';
import { generateDemoPki } from './support/generate-pki.ts';

/** What the local server answers. */
const LOCAL_BODY = 'Hello from node:https, fetched with node:http over rxtls.\n';

/**
 * GET `url` through `node:http`, with rxtls underneath. `tls` adds options for `connect()`
 * (e.g. `ca` to trust a private root); without `ca`, Node's default roots are trusted.
 */
function httpsGet(url: URL, tls: Pick<ConnectionOptions, 'ca'> = {}): Promise<{ response: IncomingMessage; body: string; socket: TlsSocket }> {
  return new Promise((resolve, reject) => {
    let socket: TlsSocket | undefined;
    const req = request(
      {
        // No `protocol`: to node:http this is a plain-HTTP request over the socket we give it.
        host: url.hostname,
        port: Number(url.port || 443),
        path: url.pathname + url.search,
        headers: { host: url.host, 'user-agent': 'rxtls-example' },
        createConnection: () => {
          socket = connect({
            host: url.hostname.replace(/^\[(.*)\]$/, '$1'), // an IPv6 literal without its brackets
            port: Number(url.port || 443),
            ALPNProtocols: ['http/1.1'], // node:http speaks HTTP/1.1 only
            ...tls,
          });
          return socket;
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => resolve({ response, body: Buffer.concat(chunks).toString('utf8'), socket: socket! }));
        response.on('error', reject);
      },
    );
    // A TLS failure (untrusted certificate, wrong name, ...) arrives here as the socket's error.
    req.on('error', reject);
    req.end();
  });
}

/** A `node:https` server on 127.0.0.1 (an ephemeral port) with a freshly generated certificate chain. */
async function startLocalServer(): Promise<{ server: Server; url: URL; rootPem: string }> {
  const pki = await generateDemoPki();
  const server = createServer({ key: pki.leafKeyPem, cert: pki.leafPem + pki.intermediatePem }, (req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'x-request-path': req.url ?? '' });
    res.end(LOCAL_BODY);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // The leaf names DNS:localhost and IP:127.0.0.1; `localhost` is what connect() verifies and sends as SNI.
  return { server, url: new URL(`https://localhost:${port}/hello?from=rxtls`), rootPem: pki.rootPem };
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv.length > 1) throw new Error('usage: https-get.ts [URL]');
  const local = argv[0] === undefined ? await startLocalServer() : undefined;
  try {
    const url = local?.url ?? new URL(argv[0]!);
    if (url.protocol !== 'https:') throw new Error(`not an https: URL: ${url.href}`);
    console.log(`GET ${url.href}${local ? ' (local node:https server, its generated root trusted)' : ''}`);

    const { response, body, socket } = await httpsGet(url, local ? { ca: local.rootPem } : {});

    const cipher = socket.getCipher();
    console.log(`tls      ${cipher?.version ?? '?'} ${cipher?.name ?? '?'}, ALPN ${socket.alpnProtocol || '(none)'}, authorized ${socket.authorized}`);
    console.log(`status   ${response.statusCode} ${response.statusMessage}`);
    console.log('headers');
    for (let i = 0; i < response.rawHeaders.length; i += 2) console.log(`  ${response.rawHeaders[i]}: ${response.rawHeaders[i + 1]}`);
    console.log('body');
    process.stdout.write(body.endsWith('\n') ? body : `${body}\n`);
  } finally {
    local?.server.close();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`https-get failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
