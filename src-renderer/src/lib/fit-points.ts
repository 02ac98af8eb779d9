import type { DesignPart, PreparedData } from '../../../src-core/table/prepare'
import { sampleIndices } from './sample-rows'

/** Where a plotted row came from: the training rows or the held-out validation rows. */
export const TRAIN = 0
export const VALIDATION = 1

/** The rows a fit plot draws (possibly a seeded sample of them), in original units. */
export interface FitPoints {
  /** The one feature's values (original units; imputed where the run filled gaps); null for several features. */
  x: Float64Array | null
  actual: Float64Array
  /** ŷ at θ; null without a model (a diverged run). */
  predicted: Float64Array | null
  /** TRAIN or VALIDATION per point. */
  part: Uint8Array
  /** Per point, its data row in the run's table (0-based; spreadsheetRow gives the file's row number). */
  sourceRow: Uint32Array
  /** Rows the run used (train + validation); the plot shows `actual.length` of them. */
  total: number
  sampled: boolean
}

/** Plots stay responsive with a few thousand points; more only overdraw. */
export const MAX_PLOTTED_POINTS = 4000

/**
 * The points of the fit plots from the run's own prepared data (same rows, split, imputation and
 * standardization as training), with predictions at θ in training units: ŷ = X_z·w_z + b equals the
 * original-unit model's prediction, so no conversion error enters the residuals.
 */
/** `xColumn`: the design column drawn as x (a formula's plain column among its powers); one feature's by default. */
export function fitPoints(prepared: Pick<PreparedData, 'train' | 'validation' | 'standardization' | 'features'>, theta: ArrayLike<number> | null, maxPoints = MAX_PLOTTED_POINTS, seed = 0, xColumn: number | null = null): FitPoints {
  const parts: DesignPart[] = prepared.validation ? [prepared.train, prepared.validation] : [prepared.train]
  const total = parts.reduce((s, p) => s + p.rows, 0)
  const picked = sampleIndices(total, maxPoints, seed)
  const d = prepared.features.length
  const m = picked.length
  const st = prepared.standardization
  const xj = xColumn ?? (d === 1 ? 0 : null)
  const x = xj !== null ? new Float64Array(m) : null
  const actual = new Float64Array(m)
  const predicted = theta && Array.from({ length: d + 1 }, (_, i) => theta[i]!).every(Number.isFinite) ? new Float64Array(m) : null
  const part = new Uint8Array(m)
  const sourceRow = new Uint32Array(m)
  let k = 0
  let offset = 0
  parts.forEach((p, which) => {
    for (; k < m && picked[k]! < offset + p.rows; k++) {
      const row = picked[k]! - offset
      actual[k] = p.y[row]!
      part[k] = which
      sourceRow[k] = p.sourceRows[row]!
      if (x) x[k] = st ? p.X[row * d + xj!]! * st.scale[xj!]! + st.mean[xj!]! : p.X[row * d + xj!]!
      if (predicted) {
        let s = theta![d]!
        for (let j = 0; j < d; j++) s += p.X[row * d + j]! * theta![j]!
        predicted[k] = s
      }
    }
    offset += p.rows
  })
  return { x, actual, predicted, part, sourceRow, total, sampled: m < total }
}

/** (x, y) of each plotted row, training and validation rows apart (they are drawn in two colours). */
export function pointsByPart(points: FitPoints, xOf: (k: number) => number, yOf: (k: number) => number): { train: { x: number; y: number }[]; validation: { x: number; y: number }[] } {
  const train: { x: number; y: number }[] = []
  const validation: { x: number; y: number }[] = []
  for (let k = 0; k < points.actual.length; k++) (points.part[k] === VALIDATION ? validation : train).push({ x: xOf(k), y: yOf(k) })
  return { train, validation }
}

/** Smallest and largest of the values (NaN ignored); null when there are none. */
export function extent(values: ArrayLike<number>): [number, number] | null {
  let lo = Infinity
  let hi = -Infinity
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!
    if (v < lo) lo = v
    if (v > hi) hi = v
  }
  return lo <= hi ? [lo, hi] : null
}
