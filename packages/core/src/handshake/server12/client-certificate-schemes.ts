import { SignatureScheme } from '../../codec/enums.ts';
import { DEFAULT_SIGNATURE_SCHEMES } from '../config.ts';

/** The schemes a TLS 1.2 server's CertificateRequest lists (RFC 5246 §7.4.4): every one we check. */
export const CLIENT_CERTIFICATE_SCHEMES_12: readonly number[] = DEFAULT_SIGNATURE_SCHEMES.map((n) => SignatureScheme[n]);
