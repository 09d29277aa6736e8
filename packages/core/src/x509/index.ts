export * from './pem.ts';
export { parseCertificate, keyUsageNames, type KeyUsageName, type ParsedCertificate, type GeneralSubtree, type NameConstraints } from './certificate.ts';
export { matchesHost, checkHost, describeSubjectAltNames } from './hostname.ts';
export { parseIpAddress, formatIpAddress } from './ip.ts';
export { dnsNameWithin, ipWithin, nameConstraintViolation } from './name-constraints.ts';
export * from './verify.ts';
export { CertificateCache, derKey } from './cache.ts';
export { loadPrivateKey } from './keys.ts';
