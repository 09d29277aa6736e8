// Text payloads for peers that work line by line: `openssl s_client` (typed lines) and
// `openssl s_server -rev` (echoes each line reversed).

/** 1 MiB of distinct 64-character lines (hex digits and colons: never an s_client command letter at a line start). */
export function mibOfLines(seed: number): string {
  const out: string[] = [];
  for (let i = 0; out.length * 65 < 1024 * 1024; i++) out.push(`${seed.toString(16)}:${i.toString(16).padStart(8, '0')}:`.padEnd(64, '0123456789abcdef'[i % 16]!));
  return out.join('\n') + '\n';
}

/** What `openssl s_server -rev` sends back for `text`: every line reversed. */
export const reverseLines = (text: string): string => text.split('\n').map((l) => [...l].reverse().join('')).join('\n');
