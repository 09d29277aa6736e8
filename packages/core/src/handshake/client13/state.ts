import type { ExpectServerHello } from './expect-server-hello.ts';
import type { ExpectEncryptedExtensions } from './expect-encrypted-extensions.ts';
import type { ExpectCertificate, ExpectCertificateOrCertificateRequest } from './expect-certificate.ts';
import type { ExpectCertificateVerify } from './expect-certificate-verify.ts';
import type { ExpectFinished } from './expect-finished.ts';
import type { Connected } from '../traffic.ts';

/**
 * Every state of the TLS 1.3 client, one type each (RFC 8446 §A.1). A state handles
 * one message and returns the next state, so a message can never be handled in the
 * wrong state.
 */
export type ClientState =
  | ExpectServerHello
  | ExpectEncryptedExtensions
  | ExpectCertificateOrCertificateRequest
  | ExpectCertificate
  | ExpectCertificateVerify
  | ExpectFinished
  | Connected;
