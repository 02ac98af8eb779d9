/**
 * LOWESS smoother, Cleveland (1979) as R's `lowess` (clowess in R's C sources) and statsmodels'
 * `lowess` compute it: tricube local linear fits over the nearest ⌊f·n⌋ points, `iterations`
 * robustifying passes with bisquare weights from 6·median|residual|, and points closer than
 * `delta` to the last fitted one interpolated linearly. `x` must be sorted ascending.
 */
export function lowess(x: ArrayLike<number>, y: ArrayLike<number>, options: { frac?: number; iterations?: number; delta?: number } = {}): Float64Array {
  const n = x.length
  const f = options.frac ?? 2 / 3
  const nsteps = options.iterations ?? 3
  const delta = options.delta ?? 0.01 * (n ? x[n - 1]! - x[0]! : 0)
  const ys = new Float64Array(n)
  if (n < 2) {
    if (n === 1) ys[0] = y[0]!
    return ys
  }
  const ns = Math.max(Math.min(Math.floor(f * n + 1e-7), n), 2)
  const rw = new Float64Array(n)
  const res = new Float64Array(n)
  const w = new Float64Array(n)
  const range = x[n - 1]! - x[0]!
  /** The local fit at xs over rows nleft…nright; NaN when every weight is zero. */
  const lowest = (xs: number, nleft: number, nright: number, robust: boolean): number => {
    const h = Math.max(xs - x[nleft]!, x[nright]! - xs)
    const h9 = 0.999 * h
    const h1 = 0.001 * h
    let a = 0
    let j = nleft
    for (; j < n; j++) {
      w[j] = 0
      const r = Math.abs(x[j]! - xs)
      if (r <= h9) {
        w[j] = r <= h1 ? 1 : (1 - (r / h) ** 3) ** 3
        if (robust) w[j]! *= rw[j]!
        a += w[j]!
      } else if (x[j]! > xs) break
    }
    const nrt = j - 1
    if (a <= 0) return Number.NaN
    for (let k = nleft; k <= nrt; k++) w[k]! /= a
    if (h > 0) {
      let mean = 0
      for (let k = nleft; k <= nrt; k++) mean += w[k]! * x[k]!
      let b = xs - mean
      let c = 0
      for (let k = nleft; k <= nrt; k++) c += w[k]! * (x[k]! - mean) ** 2
      // A local slope only where the window's x spread is not negligible (clowess's test).
      if (Math.sqrt(c) > 0.001 * range) {
        b /= c
        for (let k = nleft; k <= nrt; k++) w[k]! *= b * (x[k]! - mean) + 1
      }
    }
    let s = 0
    for (let k = nleft; k <= nrt; k++) s += w[k]! * y[k]!
    return s
  }
  for (let iter = 1; iter <= nsteps + 1; iter++) {
    let nleft = 0
    let nright = ns - 1
    let last = -1
    let i = 0
    for (;;) {
      if (nright < n - 1) {
        const d1 = x[i]! - x[nleft]!
        const d2 = x[nright + 1]! - x[i]!
        if (d1 > d2) {
          nleft++
          nright++
          continue
        }
      }
      const fitted = lowest(x[i]!, nleft, nright, iter > 1)
      ys[i] = Number.isNaN(fitted) ? y[i]! : fitted
      if (last < i - 1) {
        const denom = x[i]! - x[last]!
        for (let j = last + 1; j < i; j++) {
          const alpha = (x[j]! - x[last]!) / denom
          ys[j] = alpha * ys[i]! + (1 - alpha) * ys[last]!
        }
      }
      last = i
      const cut = x[last]! + delta
      for (i = last + 1; i < n; i++) {
        if (x[i]! > cut) break
        if (x[i]! === x[last]!) {
          ys[i] = ys[last]!
          last = i
        }
      }
      i = Math.max(last + 1, i - 1)
      if (last >= n - 1) break
    }
    for (let k = 0; k < n; k++) res[k] = y[k]! - ys[k]!
    if (iter > nsteps) break
    let sc = 0
    for (let k = 0; k < n; k++) sc += Math.abs(res[k]!)
    sc /= n
    const sorted = Float64Array.from(res, Math.abs).sort()
    const m1 = Math.floor(n / 2)
    const cmad = n % 2 === 0 ? 3 * (sorted[m1]! + sorted[m1 - 1]!) : 6 * sorted[m1]!
    if (cmad < 1e-7 * sc) break
    const c9 = 0.999 * cmad
    const c1 = 0.001 * cmad
    for (let k = 0; k < n; k++) {
      const r = Math.abs(res[k]!)
      rw[k] = r <= c1 ? 1 : r <= c9 ? (1 - (r / cmad) ** 2) ** 2 : 0
    }
  }
  return ys
}
