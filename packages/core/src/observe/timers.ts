/**
 * The Web timers observe/ uses (every runtime has them): the session's handshake timeout and
 * the driver's turn to the event loop. Reached through `globalThis` so that core compiles
 * without the DOM or Node type libraries; the engine keeps no timers.
 */
interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setImmediate?: (callback: () => void) => unknown;
}

const timers = globalThis as unknown as Timers;

/**
 * Call `callback` after `ms`; returns the function that cancels it. The timer does not keep a
 * runtime alive where the runtime can say so (Node's `unref`).
 */
export function startTimer(ms: number, callback: () => void): () => void {
  const handle = timers.setTimeout(callback, ms) as { unref?: () => void };
  if (typeof handle?.unref === 'function') handle.unref();
  return () => timers.clearTimeout(handle);
}

/**
 * Resolves on a later turn of the event loop (a macrotask), after pending I/O callbacks and
 * timers: what the driver awaits when the engine stopped at its work budget, so other
 * connections run before this one goes on. `setImmediate` where the runtime has it (Node,
 * Bun), otherwise `setTimeout(0)` (browsers, Deno, workers).
 */
export function nextTurn(): Promise<void> {
  const immediate = timers.setImmediate;
  if (typeof immediate === 'function') return new Promise((resolve) => immediate.call(globalThis, resolve));
  return new Promise((resolve) => timers.setTimeout(resolve, 0));
}
