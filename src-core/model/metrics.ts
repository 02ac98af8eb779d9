/** Fit metrics of predictions against targets, in the target's units. */
export interface Metrics {
  mse: number
  rmse: number
  mae: number
  /** 1 − RSS/TSS with TSS about the mean of y (can be negative for a fit worse than the mean). */
  r2: number
}

export function computeMetrics(predicted: ArrayLike<number>, actual: ArrayLike<number>): Metrics {
  const n = actual.length
  let mean = 0
  for (let i = 0; i < n; i++) mean += actual[i]!
  mean /= n
  let sse = 0
  let sae = 0
  let sst = 0
  for (let i = 0; i < n; i++) {
    const r = predicted[i]! - actual[i]!
    sse += r * r
    sae += Math.abs(r)
    const c = actual[i]! - mean
    sst += c * c
  }
  const mse = sse / n
  return { mse, rmse: Math.sqrt(mse), mae: sae / n, r2: sst > 0 ? 1 - sse / sst : NaN }
}

/** ŷ = X·w + b for row-major X with `w.length` columns. */
export function predictRows(X: ArrayLike<number>, weights: ArrayLike<number>, bias: number): Float64Array {
  const d = weights.length
  const n = d === 0 ? 0 : X.length / d
  const out = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let s = bias
    const o = i * d
    for (let j = 0; j < d; j++) s += X[o + j]! * weights[j]!
    out[i] = s
  }
  return out
}
