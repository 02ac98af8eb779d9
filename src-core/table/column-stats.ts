/** Summary statistics of one numeric column; NaN cells count as missing and are skipped. */
export interface ColumnStats {
  count: number // non-missing cells
  missing: number
  min: number
  max: number
  mean: number
  /** Sample standard deviation (n − 1), as pandas' describe() and spreadsheets report it. */
  std: number
}

/**
 * Welford's one-pass update: the textbook sum-of-squares formula loses every digit when the mean
 * is large relative to the spread (Longley's year column: mean 1954.5, spread ±7.5).
 */
export function columnStats(values: ArrayLike<number>, rows?: ArrayLike<number>): ColumnStats {
  let count = 0
  let missing = 0
  let mean = 0
  let m2 = 0
  let min = Infinity
  let max = -Infinity
  const n = rows ? rows.length : values.length
  for (let k = 0; k < n; k++) {
    const v = values[rows ? rows[k]! : k]!
    if (Number.isNaN(v)) {
      missing++
      continue
    }
    count++
    const delta = v - mean
    mean += delta / count
    m2 += delta * (v - mean)
    if (v < min) min = v
    if (v > max) max = v
  }
  return {
    count,
    missing,
    min: count ? min : NaN,
    max: count ? max : NaN,
    mean: count ? mean : NaN,
    std: count > 1 ? Math.sqrt(m2 / (count - 1)) : NaN,
  }
}
