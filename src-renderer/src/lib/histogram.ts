/** Equal-width histogram of the finite values (NaN = missing, skipped), for the column overview. */
export function histogram(values: ArrayLike<number>, bins: number): { counts: number[]; min: number; max: number } {
  let min = Infinity
  let max = -Infinity
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (Number.isNaN(v)) continue
    if (v < min) min = v
    if (v > max) max = v
  }
  const counts = new Array<number>(bins).fill(0)
  if (min > max) return { counts, min: NaN, max: NaN }
  const width = (max - min) / bins
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (Number.isNaN(v)) continue
    const b = width > 0 ? Math.min(bins - 1, Math.floor((v - min) / width)) : 0
    counts[b]!++
  }
  return { counts, min, max }
}
