/** True for an IPv4 dotted quad or an IPv6 literal (optionally in brackets). */
export function isIpLiteral(host: string): boolean {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return host.split('.').every((p) => Number(p) <= 255);
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return h.includes(':') && /^[0-9a-fA-F:.]+$/.test(h);
}

/**
 * The host_name to send in server_name (RFC 6066 §3): DNS names only, never an IP
 * literal, without a trailing dot.
 */
export function sniHostName(serverName: string | undefined): string | undefined {
  if (serverName === undefined || serverName === '' || isIpLiteral(serverName)) return undefined;
  return serverName.endsWith('.') ? serverName.slice(0, -1) : serverName;
}
