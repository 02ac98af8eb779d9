/**
 * The validation split of linked data: a row is held out by a seeded hash of its global row number
 * (0-based, in scan order after --where), so the decision needs no state, no permutation of n rows
 * and no second look — every pass, every epoch and every run with the same seed holds out the same
 * rows. The in-memory split (table/split.ts) draws a seeded permutation instead; the two pick
 * different rows.
 *
 * h(r) = fmix32(fmix32(s ⊕ hi(r)) ⊕ lo(r)), where fmix32 is MurmurHash3's 32-bit finalizer,
 * s = (seed ⊕ ⌊seed / 2³²⌋) mod 2³² (the fold random.ts uses), and hi/lo are the upper and lower 32
 * bits of r. Row r is a validation row when h(r) < fraction · 2³². fmix32 is a bijection with full
 * avalanche, so consecutive row numbers give independent-looking bits and the held-out count is
 * binomial(n, fraction) to within the hash's quality.
 */
export function fmix32(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

export class RowHashSplit {
  private readonly seedWord: number
  private readonly threshold: number

  constructor(seed: number, readonly fraction: number) {
    this.seedWord = (seed ^ Math.floor(seed / 2 ** 32)) >>> 0
    this.threshold = fraction * 2 ** 32
  }

  /** Whether global row `row` is held out for validation. */
  heldOut(row: number): boolean {
    if (this.threshold <= 0) return false
    const hi = Math.floor(row / 2 ** 32) >>> 0
    const lo = row >>> 0
    return fmix32(fmix32(this.seedWord ^ hi) ^ lo) < this.threshold
  }
}
