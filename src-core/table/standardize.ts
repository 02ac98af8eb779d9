import { InputError } from '../errors'

/** Per-feature affine map applied before training: z = (x − mean) / scale. */
export interface Standardization {
  mean: number[]
  /** Population standard deviation (ddof = 0), as scikit-learn's StandardScaler uses. */
  scale: number[]
}

/**
 * Fit on the training rows only, so no information from validation rows leaks into training.
 * Two-pass mean/variance: exact enough for any column that fits in memory.
 * Without an intercept the model cannot absorb a shift, so features are only scaled (by their
 * root mean square) and `mean` is all zeros.
 */
export function fitStandardization(
  columns: readonly Float64Array[],
  names: readonly string[],
  trainRows: Uint32Array,
  center = true,
): Standardization {
  const n = trainRows.length
  const mean: number[] = []
  const scale: number[] = []
  columns.forEach((c, j) => {
    let s = 0
    for (let k = 0; k < n; k++) s += c[trainRows[k]!]!
    const m = center ? s / n : 0
    let ss = 0
    for (let k = 0; k < n; k++) {
      const d = c[trainRows[k]!]! - m
      ss += d * d
    }
    const sd = Math.sqrt(ss / n)
    if (!(sd > Math.abs(m) * 1e-14) || !Number.isFinite(sd)) {
      throw new InputError(
        `Feature "${names[j]}" is constant on the training rows (every value is ${c[trainRows[0]!]}), so it cannot be standardized and carries no information.`,
        'Remove it from the features.',
        { column: names[j] },
      )
    }
    mean.push(m)
    scale.push(sd)
  })
  return { mean, scale }
}

/**
 * Coefficients fitted on standardized features, expressed in original units:
 * y = b + Σ wⱼ (xⱼ − mⱼ)/sⱼ = (b − Σ wⱼ mⱼ/sⱼ) + Σ (wⱼ/sⱼ) xⱼ.
 */
export function unstandardize(
  weights: ArrayLike<number>,
  bias: number,
  st: Standardization | null,
): { weights: number[]; intercept: number } {
  if (!st) return { weights: Array.from(weights), intercept: bias }
  const w = Array.from(weights, (wj, j) => wj / st.scale[j]!)
  let b = bias
  for (let j = 0; j < w.length; j++) b -= w[j]! * st.mean[j]!
  return { weights: w, intercept: b }
}
