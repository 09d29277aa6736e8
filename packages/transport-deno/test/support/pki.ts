/**
 * The test PKI shared with core's and transport-node's tests (root → intermediate → leaves of
 * every key type, a client certificate, bad certificates), generated once per machine into the
 * temporary directory. It is built with node:crypto, which Deno provides: test code may
 * import `node:` modules, the package's src may not.
 */
export { getTestPki, type TestPki, type TestCert, type ServerKind } from '../../../core/test/support/pki.ts';
