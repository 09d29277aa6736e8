// The few Web-platform globals core uses. Core is runtime-neutral, so it compiles
// without the DOM or Node type libraries; these exist on Node, Deno and browsers.
export {};
declare global {
  class TextEncoder {
    encode(input?: string): Uint8Array;
  }
  class TextDecoder {
    constructor(label?: string, options?: { fatal?: boolean });
    decode(input?: Uint8Array): string;
  }
}
