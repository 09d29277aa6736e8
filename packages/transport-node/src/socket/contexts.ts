import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import { TlsClientContext, type ClientConfig } from '@rxtls/core';

/** The resolved configuration a {@link TlsClientContext} holds (what `TlsConnection` takes). */
export type ResolvedConfig = TlsClientContext['config'];

/** A trust anchor input as `tls.connect` takes it. */
export type CaInput = string | Uint8Array | readonly (string | Uint8Array)[];

/**
 * The parts of a client config that a shared context is keyed by, as core's `clientConfigFrom`
 * builds them from the options (no hooks: those are per connection). Without `ca`: Node's
 * default trust store.
 */
export type ContextKeyOptions = Pick<
  ClientConfig,
  'ca' | 'provider' | 'alpnProtocols' | 'cipherSuites' | 'groups' | 'keyShareCount' | 'signatureSchemes' | 'recordSizeLimit' | 'outgoingBufferLimit' | 'middleboxCompatibility' | 'certificate'
>;

const MAX_CONTEXTS = 32;
const contexts = new Map<string, TlsClientContext>();
/** One parsed trust-anchor list per CA input: core indexes anchors by array identity, so sharing it means parsing once. */
const anchorsByCa = new Map<string, ResolvedConfig['trustAnchors']>();
const objectIds = new WeakMap<object, number>();
let nextObjectId = 1;
let defaultCa: readonly string[] | undefined;

/**
 * Node's default trust store: `tls.rootCertificates` (the bundled Mozilla list) plus the PEM
 * file named by `NODE_EXTRA_CA_CERTS`, read once per process. An unreadable extra file is
 * skipped, as Node does (it only warns).
 */
export function defaultCaCertificates(): readonly string[] {
  if (defaultCa === undefined) {
    const list = [...rootCertificates];
    const extra = process.env['NODE_EXTRA_CA_CERTS'];
    if (extra) {
      try {
        list.push(readFileSync(extra, 'utf8'));
      } catch {
        // Node prints a warning and goes on without the file; so do we.
      }
    }
    defaultCa = list;
  }
  return defaultCa;
}

function objectId(o: object | undefined): number {
  if (o === undefined) return 0;
  let id = objectIds.get(o);
  if (id === undefined) {
    id = nextObjectId++;
    objectIds.set(o, id);
  }
  return id;
}

/** A short key for a CA (or certificate, or key) input: 'default', or the SHA-256 of its contents. */
function caKey(ca: CaInput | undefined): string {
  if (ca === undefined) return 'default';
  const h = createHash('sha256');
  const items = typeof ca === 'string' || ca instanceof Uint8Array ? [ca] : ca;
  for (const item of items) {
    const bytes = typeof item === 'string' ? Buffer.from(item, 'utf8') : item;
    h.update(typeof item === 'string' ? 's' : 'b');
    h.update(String(bytes.length));
    h.update(':');
    h.update(bytes);
  }
  return h.digest('hex');
}

/**
 * A client context shared by every connection with the same options (trust anchors parsed
 * once, the certificate cache warm). Hooks and the verification switch are not part of the
 * key: {@link connectionConfig} puts them into each connection's config.
 */
export function sharedContext(options: ContextKeyOptions): { context: TlsClientContext; trustAnchors: ResolvedConfig['trustAnchors'] } {
  const ca = caKey(options.ca);
  const key = JSON.stringify([
    ca,
    objectId(options.provider),
    options.alpnProtocols ?? null,
    options.cipherSuites ?? null,
    options.groups ?? null,
    options.keyShareCount ?? null,
    options.signatureSchemes ?? null,
    options.recordSizeLimit ?? null,
    options.outgoingBufferLimit ?? null,
    options.middleboxCompatibility ?? null,
    // Our certificate and key by content hash (a PrivateKey object by identity); the key itself is never kept in the map key.
    options.certificate ? [caKey(options.certificate.chain), typeof options.certificate.key === 'string' || options.certificate.key instanceof Uint8Array ? caKey(options.certificate.key) : objectId(options.certificate.key)] : null,
  ]);
  let context = contexts.get(key);
  if (context === undefined) {
    // Every field of the options is in the key above, so the context may be built from all of them.
    const config: ClientConfig = { ...options, ca: options.ca ?? defaultCaCertificates() };
    context = new TlsClientContext(config);
    if (contexts.size >= MAX_CONTEXTS) contexts.delete(contexts.keys().next().value!);
  } else {
    contexts.delete(key); // re-inserted below: most recently used last
  }
  contexts.set(key, context);
  let trustAnchors = anchorsByCa.get(ca);
  if (trustAnchors === undefined) {
    trustAnchors = context.config.trustAnchors;
    if (anchorsByCa.size >= MAX_CONTEXTS) anchorsByCa.delete(anchorsByCa.keys().next().value!);
    anchorsByCa.set(ca, trustAnchors);
  }
  return { context, trustAnchors };
}

/** How many contexts are cached (for tests). */
export function cachedContextCount(): number {
  return contexts.size;
}

/**
 * One connection's config: the shared context's, with this connection's verification switch
 * and hook. `TlsConnection` takes a resolved config; overriding these two fields keeps the
 * context's parsed anchors and certificate cache.
 */
export function connectionConfig(base: ResolvedConfig, trustAnchors: ResolvedConfig['trustAnchors'], verifyCertificates: boolean, verifyPeer: ResolvedConfig['verifyPeer']): ResolvedConfig {
  return { ...base, trustAnchors, verifyCertificates, verifyPeer };
}
