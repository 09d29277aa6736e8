/**
 * Distinguished names as RFC 4514-style strings, for messages only. Matching always
 * compares the DER bytes of a Name (RFC 5280 §7.1 allows it; it is what CAs produce).
 */
import * as asn1js from 'asn1js';
import { toHex } from '../bytes/index.ts';
import { childrenOf, decodeWhole, oidOf } from './asn1.ts';
import { attributeShortNames } from './oids.ts';

function escapeValue(value: string): string {
  // RFC 4514 §2.4: escape the specials, a leading '#' or space and a trailing space.
  let out = value.replace(/[\\",+;<>=]/g, (c) => `\\${c}`).replace(/[\u0000-\u001f]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  if (out.startsWith('#') || out.startsWith(' ')) out = `\\${out}`;
  if (out.endsWith(' ') && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}

function attributeValue(node: asn1js.AsnType): string {
  const block = node.valueBlock as { value?: unknown };
  if (typeof block.value === 'string') return escapeValue(block.value);
  return `#${toHex(new Uint8Array(node.toBER()))}`;
}

/**
 * RFC 4514 string of a DER Name: RDNs most specific first, `+` inside a multi-valued RDN,
 * common attribute types by short name (`CN=leaf,O=rxtls`). Throws on a malformed Name.
 */
export function formatName(der: Uint8Array): string {
  const rdns = childrenOf(decodeWhole(der)).map((rdn) =>
    childrenOf(rdn)
      .map((atv) => {
        const [type, value] = childrenOf(atv);
        if (type === undefined || value === undefined) throw new Error('AttributeTypeAndValue needs two elements');
        const oid = oidOf(type);
        return `${attributeShortNames[oid] ?? oid}=${attributeValue(value)}`;
      })
      .join('+'),
  );
  return rdns.reverse().join(',');
}
