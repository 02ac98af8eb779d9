import { InputError } from '../errors'
import { Random } from '../random'

export interface RowSplit {
  train: Uint32Array
  validation: Uint32Array
}

/**
 * Seeded train/validation split of the given row indices: shuffle with the seed, the first
 * ⌈(1 − fraction)·n⌉ rows train, the rest validate. Row order inside each part stays the file's
 * order, so a split does not also reshuffle full-batch training (sums are order-dependent).
 */
export function splitRows(rows: Uint32Array, validationFraction: number, seed: number): RowSplit {
  if (!(validationFraction >= 0 && validationFraction < 1)) {
    throw new InputError(
      `The validation fraction must be at least 0 and below 1 (got ${validationFraction}).`,
      'Use e.g. 0.2 to hold out a fifth of the rows, or 0 for no validation split.',
    )
  }
  if (validationFraction === 0) return { train: rows.slice(), validation: new Uint32Array(0) }
  const n = rows.length
  const validationCount = Math.round(n * validationFraction)
  if (validationCount < 1 || n - validationCount < 2) {
    throw new InputError(
      `A validation fraction of ${validationFraction} leaves ${n - validationCount} training and ${validationCount} validation rows out of ${n}.`,
      'Use a fraction that keeps at least 2 training rows and 1 validation row, or 0 for no split.',
    )
  }
  const order = new Random(seed).shuffle(rows.slice())
  const validation = order.slice(n - validationCount).sort()
  const train = order.slice(0, n - validationCount).sort()
  return { train, validation }
}
