/**
 * The learning-rate grid of a sweep, as main's training service builds it (services/training.ts):
 * `count` rates from `min` to `max` inclusive, evenly spaced in log10 — so the dialog's preview shows
 * exactly the rates the runs will get.
 */

/** The UI's bounds: one rate is no sweep; the contract allows at most 64 rates per optimizer. */
export const SWEEP_MIN_COUNT = 2
export const SWEEP_MAX_COUNT = 64

export function logSpacedRates(min: number, max: number, count: number): number[] {
  // min·(max/min)^(i/(n−1)): the same expression as main, so preview and runs agree to the last bit.
  return Array.from({ length: count }, (_, i) => (count === 1 ? min : min * (max / min) ** (i / (count - 1))))
}

export type SweepProblem = 'min' | 'max' | 'order' | 'count'

/** Checks what the dialog holds; `rates` is empty whenever `problem` is set. */
export function planSweep(min: number, max: number, count: number): { rates: number[]; problem: SweepProblem | null } {
  if (!(Number.isFinite(min) && min > 0)) return { rates: [], problem: 'min' }
  if (!(Number.isFinite(max) && max > 0)) return { rates: [], problem: 'max' }
  if (min > max) return { rates: [], problem: 'order' }
  if (!Number.isInteger(count) || count < SWEEP_MIN_COUNT || count > SWEEP_MAX_COUNT) return { rates: [], problem: 'count' }
  return { rates: logSpacedRates(min, max, count), problem: null }
}

/**
 * A sweep range around the learning-rate finder's suggestion: one decade either side (the finder
 * points at the steepest descent, and the best rate for a full run is usually within 10× of it).
 * Rounded to two significant digits, as people type rates.
 */
export function rangeAround(suggestion: number): { min: number; max: number } {
  const round = (x: number) => Number(x.toPrecision(2))
  return { min: round(suggestion / 10), max: round(suggestion * 10) }
}

/**
 * The oracle's range for a sweep (docs/learning-rates.md): from lr_optimal/100 (slow, surely
 * stable) to 2·lr_max_stable (surely diverging), so the sweep shows both sides of the threshold.
 * Two significant digits, as people type rates; null when the oracle bounds nothing (adaptive
 * optimizers, or no spectrum).
 */
export function stableRange(curvature: { lr_max_stable: number | null; lr_optimal: number | null }): { min: number; max: number } | null {
  const { lr_max_stable: lrMax, lr_optimal: lrOptimal } = curvature
  if (lrMax === null || !(lrMax > 0) || !Number.isFinite(lrMax)) return null
  const round = (x: number) => Number(x.toPrecision(2))
  const low = lrOptimal !== null && lrOptimal > 0 && Number.isFinite(lrOptimal) ? lrOptimal : lrMax / 2
  return { min: round(low / 100), max: round(lrMax * 2) }
}

/** For each rate, whether the oracle proves it diverges (above lr_max_stable); all false without a bound. */
export function divergingRates(rates: readonly number[], lrMaxStable: number | null): boolean[] {
  return rates.map((lr) => lrMaxStable !== null && lr > lrMaxStable)
}
