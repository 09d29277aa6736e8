// The few Web-platform globals the CLI uses. It is runtime-neutral (like core), so it compiles
// without the DOM or Node type libraries; Node and Deno both have these.
export {};
declare global {
  interface TextEncoder {
    encode(input?: string): Uint8Array;
  }
  var TextEncoder: { new (): TextEncoder };
  interface TextDecoder {
    decode(input?: Uint8Array): string;
  }
  var TextDecoder: { new (): TextDecoder };
  /** High-resolution clock: the timeline's origin. */
  var performance: { now(): number; readonly timeOrigin: number };
  /** The handshake timeout of `serve`. */
  function setTimeout(callback: () => void, ms: number): unknown;
  function clearTimeout(handle: unknown): void;
}
