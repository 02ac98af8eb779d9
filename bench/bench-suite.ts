/**
 * The shape every benchmark suite under bench/suites/ exports as its default, so `npm run bench`
 * can discover suites by listing the folder (no central list to edit when a suite is added).
 *
 * Figures are reported as ratios against baselines measured in the same run on the same machine
 * (PyTorch, numpy, pandas, a plain read of the same memory), never as absolute goals asserted in
 * tests.
 */
export interface BenchContext {
  /** Smaller sizes and fewer repetitions (e.g. `npm run bench -- --quick`). */
  quick: boolean
  log(line: string): void
}

export interface BenchRow {
  suite: string
  case: string
  /** Median wall time of Slope's measured operation, after warm-up. */
  ms: number
  /** Baselines measured in the same run: name → median ms (null when skipped, with the reason in notes). */
  baselines: Record<string, number | null>
  /** Slope ms / baseline ms, keyed like `baselines`. */
  ratios: Record<string, number | null>
  notes?: string
  /** Anything else worth keeping in bench/results/latest.json (sizes, MB/s, memory …). */
  extra?: Record<string, unknown>
}

export interface BenchSuite {
  name: string
  run(ctx: BenchContext): Promise<BenchRow[]>
}

/** Median of repeated timings of `fn` after `warmup` untimed calls. */
export async function medianMs(fn: () => unknown | Promise<unknown>, repetitions: number, warmup = 1): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn()
  const times: number[] = []
  for (let i = 0; i < repetitions; i++) {
    const t0 = performance.now()
    await fn()
    times.push(performance.now() - t0)
  }
  times.sort((a, b) => a - b)
  const mid = times.length >> 1
  return times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2
}
