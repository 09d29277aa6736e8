// The few Web-platform globals core uses. Core is runtime-neutral, so it compiles
// without the DOM or Node type libraries; these exist on Node, Deno and browsers.
export {};
declare global {
  interface TextEncoder {
    encode(input?: string): Uint8Array;
  }
  interface TextDecoder {
    decode(input?: Uint8Array): string;
  }
  var TextEncoder: { new (): TextEncoder };
  var TextDecoder: { new (label?: string, options?: { fatal?: boolean }): TextDecoder };
}
declare global {
  /** High-resolution clock (Node, Deno and browsers all have it). */
  var performance: { now(): number; readonly timeOrigin: number };
}
declare global {
  /**
   * WebCrypto (Node ≥ 19, Deno, browsers). Only crypto/webcrypto/ uses it, through its own
   * structural `WebCryptoSubtle` type; randomness comes from the noble provider.
   */
  var crypto: { readonly subtle: import('./crypto/webcrypto/subtle.ts').WebCryptoSubtle } | undefined;
}
