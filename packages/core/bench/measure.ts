// Statistics and repetition shared by the benchmarks of every runtime (transport-node's and
// transport-deno's bench.ts). Runtime-neutral: no node: module, no Deno global.

/** The p-th percentile of ascending `sorted` values (nearest rank). */
export const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** The median of `values`, in any order. */
export const median = (values: readonly number[]): number => percentile([...values].sort((a, b) => a - b), 50);

/** `run` 5 times to warm up, then `count` times; the results ascending (for {@link percentile}). */
export async function timeMany(run: () => Promise<number>, count: number): Promise<number[]> {
  for (let i = 0; i < 5; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(await run());
  return times.sort((a, b) => a - b);
}

/**
 * The median of `runs` results of `run`, after one discarded warm-up run unless `warmUp` is
 * false (bulk transfers: the JIT and the TCP windows warm up in the first one).
 */
export async function medianOfRuns(run: () => Promise<number>, runs: number, warmUp: boolean): Promise<number> {
  if (warmUp) await run();
  const results: number[] = [];
  for (let i = 0; i < runs; i++) results.push(await run());
  return median(results);
}
