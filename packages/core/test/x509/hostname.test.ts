import { describe, expect, it } from 'vitest';
import { CertificateError } from '../../src/errors/index.ts';
import { checkHost, matchesHost } from '../../src/x509/hostname.ts';
import { formatIpAddress, parseIpAddress } from '../../src/x509/ip.ts';
import { parseCertificate } from '../../src/x509/certificate.ts';
import { makeLeaf, makeRoot } from '../support/make-x509.ts';

const root = makeRoot('hostname test root');
const cert = parseCertificate(
  makeLeaf(root, {
    subject: { cn: 'cn-only.example' },
    dns: ['www.Example.COM', '*.wild.example', 'xn--bcher-kva.example', 'trailing.example.', 'f*.partial.example', '*.com', 'a.*.mid.example'],
    ips: ['192.0.2.7', '2001:db8::1', '::ffff:c633:6401'] // the last is ::ffff:198.51.100.1,
  }),
);

describe('matchesHost', () => {
  const table: [string, boolean][] = [
    ['www.example.com', true],
    ['WWW.EXAMPLE.com', true],
    ['www.example.com.', true],
    ['example.com', false],
    ['w.example.com', false],
    ['a.wild.example', true],
    ['A.WILD.EXAMPLE.', true],
    ['wild.example', false],
    ['a.b.wild.example', false],
    ['.wild.example', false],
    ['*.wild.example', false],
    ['xn--bcher-kva.example', true],
    ['XN--BCHER-KVA.example', true],
    ['bücher.example', false],
    ['trailing.example', true],
    ['trailing.example.', true],
    ['foo.partial.example', false],
    ['f.partial.example', false],
    ['example.com', false],
    ['a.com', false],
    ['a.x.mid.example', false],
    ['cn-only.example', false],
    ['', false],
    ['.', false],
    ['www..example.com', false],
    ['192.0.2.7', true],
    ['192.0.2.8', false],
    ['192.000.002.007', false],
    ['2001:db8::1', true],
    ['2001:DB8:0:0:0:0:0:1', true],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', true],
    ['[2001:db8::1]', true],
    ['2001:db8::2', false],
    ['::ffff:198.51.100.1', true],
    ['::ffff:c633:6401', true],
    ['198.51.100.1', false],
    ['2001:db8::1%eth0', false],
  ];
  it.each(table)('%j → %s', (host, expected) => {
    expect(matchesHost(cert, host)).toBe(expected);
  });

  it('never matches an IP literal against a dNSName SAN', () => {
    const dnsOnly = parseCertificate(makeLeaf(root, { dns: ['127.0.0.1', '::1'] }));
    expect(matchesHost(dnsOnly, '127.0.0.1')).toBe(false);
    expect(matchesHost(dnsOnly, '::1')).toBe(false);
  });

  it('never matches a DNS name against an iPAddress SAN or the CN', () => {
    const ipOnly = parseCertificate(makeLeaf(root, { subject: { cn: 'localhost' }, dns: [], ips: ['127.0.0.1'] }));
    expect(ipOnly.subjectAltNames.dns).toEqual([]);
    expect(matchesHost(ipOnly, 'localhost')).toBe(false);
  });
});

describe('checkHost', () => {
  it('names the host and the SANs', () => {
    let error: unknown;
    try {
      checkHost(cert, 'other.example');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CertificateError);
    const ce = error as CertificateError;
    expect(ce.failure).toBe('hostname-mismatch');
    expect(ce.alertName).toBe('bad_certificate');
    expect(ce.message).toContain('"other.example"');
    expect(ce.message).toContain('DNS:www.Example.COM');
    expect(ce.message).toContain('IP:2001:db8::1');
    expect(ce.message).toContain('IP:192.0.2.7');
  });
  it('passes for a matching host', () => {
    expect(() => checkHost(cert, 'x.wild.example')).not.toThrow();
  });
});

describe('IP literals', () => {
  it.each([
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['::ffff:1.2.3.4', '::ffff:102:304'],
    ['10.0.0.1', '10.0.0.1'],
  ])('%s prints as %s', (text, printed) => {
    const bytes = parseIpAddress(text);
    expect(bytes).toBeDefined();
    expect(formatIpAddress(bytes!)).toBe(printed);
  });
  it.each(['1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1:2:3:4:5:6:7:8:9', '1::2::3', ':::', '12345::', 'g::1', '1:2:3:4:5:6:7::8', 'localhost', '1.2.3.4:80'])(
    '%s is not an IP literal',
    (text) => {
      expect(parseIpAddress(text)).toBeUndefined();
    },
  );
});
