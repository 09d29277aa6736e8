import type { HandshakeEvent, NegotiatedParameters } from '@rxtls/core';

/** One handshake step as a line of the timeline: `+  1.23 ms  server-hello  TLS_AES_128_GCM_SHA256 x25519`. */
export function formatStep(event: HandshakeEvent, start: number): string {
  const offset = `+${(event.at - start).toFixed(2).padStart(7)} ms`;
  return `${offset}  ${event.type.padEnd(22)} ${describeStep(event)}`.trimEnd();
}

function describeStep(e: HandshakeEvent): string {
  switch (e.type) {
    case 'client-hello-sent':
      return [e.retry ? 'retry' : '', e.serverName ? `sni=${e.serverName}` : '', `shares=${e.offeredGroups.join(',')}`, e.alpn ? `alpn=${e.alpn.join(',')}` : ''].filter(Boolean).join(' ');
    case 'hello-retry-request':
      return `group=${e.selectedGroup}${e.cookie ? ' cookie' : ''}`;
    case 'server-hello':
      return [e.version, e.cipherSuite, e.group, e.resumed ? 'resumed' : '', e.extendedMasterSecret === false ? 'NO extended master secret' : ''].filter(Boolean).join(' ');
    case 'server-key-exchange':
    case 'server-key-exchange-sent':
      return `${e.group} ${e.signatureScheme}`;
    case 'client-key-exchange':
    case 'client-key-exchange-sent':
      return e.group;
    case 'change-cipher-spec':
      return e.direction;
    case 'new-session-ticket':
      return `${e.direction}, lifetime ${e.lifetimeSeconds} s`;
    case 'encrypted-extensions':
      return [e.alpn ? `alpn=${e.alpn}` : '', e.recordSizeLimit ? `record_size_limit=${e.recordSizeLimit}` : ''].filter(Boolean).join(' ');
    case 'certificate':
      return `${e.chainLength} cert(s), leaf ${e.subject ?? '?'}`;
    case 'certificate-verified':
      return `${e.signatureScheme}${e.chainVerified ? `, path: ${e.path.join(' <- ')}` : ', chain NOT verified'}`;
    case 'client-certificate-sent':
      return e.empty ? 'empty' : '';
    case 'established':
      return `${e.parameters.version} ${e.parameters.cipherSuite}`;
    default:
      return '';
  }
}

/** The negotiated parameters as `key: value` lines. */
export function formatParameters(p: NegotiatedParameters): string[] {
  return [
    `Protocol  : ${p.version}`,
    `Cipher    : ${p.cipherSuite}`,
    `Group     : ${p.group}`,
    `Signature : ${p.signatureScheme}`,
    `ALPN      : ${p.alpn ?? '(none)'}`,
    `Server    : ${p.serverName ?? '(none)'}`,
    `HRR       : ${p.helloRetry ? 'yes' : 'no'}`,
    ...(p.extendedMasterSecret !== undefined ? [`EMS       : ${p.extendedMasterSecret ? 'yes' : 'NO'}`] : []),
    `Verified  : ${p.verifiedPath.length > 0 ? p.verifiedPath.join(' <- ') : 'NOT VERIFIED'}`,
  ];
}

