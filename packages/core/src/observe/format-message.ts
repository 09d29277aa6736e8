import type { MessageEvent } from '../handshake/events.ts';

/** One line per record, handshake message or alert, in the style of `openssl s_client -msg`. */
export function formatMessage(m: MessageEvent): string {
  const arrow = m.direction === 'sent' ? '>>>' : '<<<';
  switch (m.kind) {
    case 'record':
      return `${arrow} record ${m.contentType} [length ${m.length}]${m.encrypted ? ' (encrypted)' : ''}`;
    case 'handshake':
      return `${arrow}   handshake ${m.messageType} [length ${m.length}]`;
    case 'alert':
      return `${arrow}   alert ${m.level} ${m.description}`;
    case 'change-cipher-spec':
      return `${arrow}   change_cipher_spec`;
  }
}
