/**
 * Min/max decimation for line charts: at most two points per horizontal pixel bucket (the bucket's
 * lowest and highest value, in their order), so a million-epoch history draws as ~2·width points
 * and still shows every spike. Storage keeps every epoch; only drawing is thinned.
 */
export interface XY {
  x: number
  y: number
}

/**
 * @param values y by index (e.g. loss by epoch); NaN entries are skipped
 * @param from first index to draw, inclusive; to: last, exclusive
 * @param buckets number of horizontal buckets (≈ the chart's pixel width)
 * @param xOf maps an index to its x value (epoch or elapsed time)
 */
export function decimateMinMax(values: ArrayLike<number>, from: number, to: number, buckets: number, xOf: (i: number) => number = (i) => i): XY[] {
  const n = Math.max(0, to - from)
  const out: XY[] = []
  if (n === 0) return out
  if (n <= 2 * buckets) {
    for (let i = from; i < to; i++) if (!Number.isNaN(values[i]!)) out.push({ x: xOf(i), y: values[i]! })
    return out
  }
  const size = n / buckets
  for (let b = 0; b < buckets; b++) {
    const start = from + Math.floor(b * size)
    const end = Math.min(to, from + Math.floor((b + 1) * size))
    let lo = -1
    let hi = -1
    for (let i = start; i < end; i++) {
      const v = values[i]!
      if (Number.isNaN(v)) continue
      if (lo < 0 || v < values[lo]!) lo = i
      if (hi < 0 || v > values[hi]!) hi = i
    }
    if (lo < 0) continue
    if (lo === hi) out.push({ x: xOf(lo), y: values[lo]! })
    else for (const i of lo < hi ? [lo, hi] : [hi, lo]) out.push({ x: xOf(i), y: values[i]! })
  }
  return out
}
