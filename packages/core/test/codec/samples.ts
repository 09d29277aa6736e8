/** Sample values and hand-built encodings shared by the codec tests. */
import { ByteWriter } from '../../src/bytes/writer.ts';
import { CipherSuite, ExtensionType, NamedGroup, ProtocolVersion, SignatureScheme } from '../../src/codec/enums.ts';
import type { Extension } from '../../src/codec/extension.ts';
import type { ClientHello } from '../../src/codec/messages/client-hello.ts';
import type { ServerHello } from '../../src/codec/messages/server-hello.ts';
import { encodeServerNameList } from '../../src/codec/extensions/server-name.ts';
import { encodeSupportedVersionsClientHello, encodeSupportedVersionsServerHello } from '../../src/codec/extensions/supported-versions.ts';
import { encodeKeyShareClientHello, encodeKeyShareServerHello } from '../../src/codec/extensions/key-share.ts';
import { encodeSignatureSchemeList } from '../../src/codec/extensions/signature-algorithms.ts';

/** Bytes 0, 1, 2, ... of length `n` plus `salt`, so fields are distinguishable. */
export function seq(n: number, salt = 0): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i + salt) & 0xff);
}

/** An extension block written without the encoder's checks (duplicates allowed). */
export function rawExtensionBlock(exts: readonly (readonly [number, Uint8Array])[]): Uint8Array {
  const w = new ByteWriter();
  w.prefixed(2, (inner) => {
    for (const [type, data] of exts) inner.u16(type).vec16(data);
  });
  return w.finish();
}

export const sampleClientExtensions: Extension[] = [
  { type: ExtensionType.server_name, data: encodeServerNameList('example.com') },
  { type: ExtensionType.supported_versions, data: encodeSupportedVersionsClientHello([ProtocolVersion.TLS1_3, ProtocolVersion.TLS1_2]) },
  { type: ExtensionType.key_share, data: encodeKeyShareClientHello([{ group: NamedGroup.x25519, keyExchange: seq(32, 7) }]) },
  { type: ExtensionType.signature_algorithms, data: encodeSignatureSchemeList([SignatureScheme.ed25519, SignatureScheme.rsa_pss_rsae_sha256]) },
  { type: 0xfafa, data: new Uint8Array(0) }, // an unknown (GREASE) extension with empty data
];

export function sampleClientHello(): ClientHello {
  return {
    legacyVersion: ProtocolVersion.TLS1_2,
    random: seq(32, 1),
    legacySessionId: seq(32, 100),
    cipherSuites: [CipherSuite.TLS_AES_128_GCM_SHA256, CipherSuite.TLS_CHACHA20_POLY1305_SHA256],
    legacyCompressionMethods: [0],
    extensions: sampleClientExtensions.map((e) => ({ ...e })),
  };
}

export function sampleServerHello(): ServerHello {
  return {
    legacyVersion: ProtocolVersion.TLS1_2,
    random: seq(32, 50),
    legacySessionIdEcho: seq(32, 100),
    cipherSuite: CipherSuite.TLS_AES_256_GCM_SHA384,
    legacyCompressionMethod: 0,
    extensions: [
      { type: ExtensionType.supported_versions, data: encodeSupportedVersionsServerHello(ProtocolVersion.TLS1_3) },
      { type: ExtensionType.key_share, data: encodeKeyShareServerHello({ group: NamedGroup.x25519, keyExchange: seq(32, 9) }) },
    ],
  };
}
