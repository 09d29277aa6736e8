// The timeline formatters live in @rxtls/cli; TlsSocket's `trace: true` prints with them.
export { formatMessage, formatParameters, formatStep } from '@rxtls/cli';
