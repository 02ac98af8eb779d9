/**
 * Exponential moving average with bias correction (as TensorBoard's and fast.ai's smoothing):
 * s_k = β·s_{k−1} + (1 − β)·x_k, reported as s_k / (1 − β^(k+1)), so the first points are not
 * pulled towards zero. β = 0 returns the values unchanged.
 */
export function smoothEma(values: ArrayLike<number>, beta: number): Float64Array {
  const out = new Float64Array(values.length)
  if (!(beta > 0)) {
    for (let i = 0; i < values.length; i++) out[i] = values[i]!
    return out
  }
  let s = 0
  let weight = 0
  for (let i = 0; i < values.length; i++) {
    s = beta * s + (1 - beta) * values[i]!
    weight = beta * weight + (1 - beta)
    out[i] = s / weight
  }
  return out
}
