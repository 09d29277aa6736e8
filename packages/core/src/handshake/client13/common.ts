import type { Transcript } from '../../crypto/transcript.ts';
import type { ResolvedClientConfig } from '../config.ts';

/** Facts fixed for one client connection, shared by every state. */
export interface ClientSession {
  readonly config: ResolvedClientConfig;
  /** The name certificates are checked against: a DNS name or an IP literal. */
  readonly serverName: string | undefined;
  /** What went into server_name (DNS names only). */
  readonly sniHostName: string | undefined;
  readonly random: Uint8Array;
  readonly legacySessionId: Uint8Array;
  /** The running transcript (RFC 8446 §4.4.1). States add messages in order. */
  readonly transcript: Transcript;
}

export { unexpectedMessage } from '../unexpected-message.ts';
