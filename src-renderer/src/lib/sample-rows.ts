import { Random } from '../../../src-core/random'

/**
 * At most `max` of the indices 0…n−1, drawn without replacement from a seeded generator (the same
 * seed always plots the same points), returned in increasing order so plots keep the file's order.
 * Floyd's algorithm: `max` draws and a set of `max` entries, never an array of n, so sampling a few
 * thousand of ten million rows costs the same as of ten thousand.
 */
export function sampleIndices(n: number, max: number, seed = 0): Uint32Array {
  if (n <= max) return Uint32Array.from({ length: n }, (_, i) => i)
  const rng = new Random(seed)
  const chosen = new Set<number>()
  for (let j = n - max; j < n; j++) {
    const t = rng.nextInt(j + 1)
    chosen.add(chosen.has(t) ? j : t)
  }
  return Uint32Array.from(chosen).sort()
}
