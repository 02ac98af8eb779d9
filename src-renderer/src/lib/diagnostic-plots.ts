import type { RunDiagnostics } from '../../../src-core/model/row-diagnostics'
import { lowess } from '../../../src-core/model/lowess'
import { rowFlags } from '../../../src-core/model/row-diagnostics'
import { sampleIndices } from './sample-rows'
import { MAX_PLOTTED_POINTS } from './fit-points'

/** The Fit tab's diagnostic plots: R's plot.lm set, the residual histogram, coefficients, added-variable. */
export const diagnosticPlots = ['residuals-fitted', 'qq', 'scale-location', 'leverage', 'histogram', 'coefficients', 'added-variable'] as const
export type DiagnosticPlot = (typeof diagnosticPlots)[number]

export interface DiagnosticSeries {
  /** An i18n key under diagnostics.series. */
  label: string
  color: string
  points: { x: number; y: number }[]
  line?: boolean
  dashed?: boolean
  /** Index of each point's training row (for labels and clicks); only on the row series. */
  rows?: number[]
}

/**
 * Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9: ample
 * for a Q-Q plot's x axis).
 */
export function normalQuantile(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239]
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1]
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783]
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416]
  const low = 0.02425
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p))
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
  }
  if (p > 1 - low) return -normalQuantile(1 - p)
  const q = p - 0.5
  const r = q * q
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
}

/** R's ppoints: (i − a)/(n + 1 − 2a), a = 3/8 for n ≤ 10, else 1/2 — the Q-Q plot's probabilities. */
export function plottingPositions(n: number): Float64Array {
  const a = n <= 10 ? 3 / 8 : 0.5
  return Float64Array.from({ length: n }, (_, i) => (i + 1 - a) / (n + 1 - 2 * a))
}

/** The rows drawn: a seeded sample of at most MAX_PLOTTED_POINTS, plus every flagged row (they carry labels). */
export function plottedRows(diag: RunDiagnostics, maxPoints = MAX_PLOTTED_POINTS): number[] {
  const n = diag.residual.length
  const picked = new Set(sampleIndices(n, maxPoints))
  for (let i = 0; i < n; i++) if (rowFlags(diag, i).length) picked.add(i)
  return [...picked].sort((a, b) => a - b)
}

const rowSeries = (label: string, rows: number[], xy: (i: number) => [number, number]): DiagnosticSeries => {
  const points: { x: number; y: number }[] = []
  const kept: number[] = []
  for (const i of rows) {
    const [x, y] = xy(i)
    if (Number.isFinite(x) && Number.isFinite(y)) {
      points.push({ x, y })
      kept.push(i)
    }
  }
  return { label, color: '--series-1', points, rows: kept }
}

/** A LOWESS smoother through all rows (R's panel.smooth: f = 2/3, 3 iterations), drawn at ≤ 200 points. */
function smoother(xs: Float64Array, ys: Float64Array): DiagnosticSeries {
  const order = Array.from(xs.keys()).filter((i) => Number.isFinite(xs[i]!) && Number.isFinite(ys[i]!)).sort((a, b) => xs[a]! - xs[b]!)
  const x = Float64Array.from(order, (i) => xs[i]!)
  const s = lowess(x, Float64Array.from(order, (i) => ys[i]!))
  const step = Math.max(1, Math.floor(order.length / 200))
  const points = []
  for (let k = 0; k < order.length; k += step) points.push({ x: x[k]!, y: s[k]! })
  if (order.length) points.push({ x: x[order.length - 1]!, y: s[order.length - 1]! })
  return { label: 'lowess', color: '--series-2', points, line: true }
}

const range = (v: ArrayLike<number>) => {
  let lo = Infinity
  let hi = -Infinity
  for (let i = 0; i < v.length; i++) if (Number.isFinite(v[i]!)) {
    lo = Math.min(lo, v[i]!)
    hi = Math.max(hi, v[i]!)
  }
  return [lo, hi] as const
}

/** The series of one plot. `coefficients` comes from the run's report (estimate and interval per term). */
export function diagnosticSeries(plot: DiagnosticPlot, diag: RunDiagnostics, coefficients: { term: string; estimate: number; low: number; high: number }[]): DiagnosticSeries[] {
  const rows = plottedRows(diag)
  const n = diag.residual.length
  if (plot === 'residuals-fitted') {
    const [lo, hi] = range(diag.fitted)
    return [rowSeries('rows', rows, (i) => [diag.fitted[i]!, diag.residual[i]!]), smoother(diag.fitted, diag.residual), { label: 'zero', color: '--text-muted', points: [{ x: lo, y: 0 }, { x: hi, y: 0 }], line: true, dashed: true }]
  }
  if (plot === 'qq') {
    // Theoretical quantile of each row from the rank of its studentized residual.
    const order = Array.from(diag.studentized.keys()).sort((a, b) => diag.studentized[a]! - diag.studentized[b]!)
    const probs = plottingPositions(n)
    const theoretical = new Float64Array(n)
    order.forEach((row, rank) => (theoretical[row] = normalQuantile(probs[rank]!)))
    const [lo, hi] = range(theoretical)
    return [rowSeries('rows', rows, (i) => [theoretical[i]!, diag.studentized[i]!]), { label: 'reference', color: '--text-muted', points: [{ x: lo, y: lo }, { x: hi, y: hi }], line: true, dashed: true }]
  }
  if (plot === 'scale-location') {
    const root = Float64Array.from(diag.studentized, (r) => Math.sqrt(Math.abs(r)))
    return [rowSeries('rows', rows, (i) => [diag.fitted[i]!, root[i]!]), smoother(diag.fitted, root)]
  }
  if (plot === 'leverage') {
    const p = diag.terms.length
    const [, hMax] = range(diag.leverage)
    const [rLo, rHi] = range(diag.studentized)
    const yLimit = 1.2 * Math.max(3, -rLo, rHi)
    const out = [rowSeries('rows', rows, (i) => [diag.leverage[i]!, diag.studentized[i]!]), smoother(diag.leverage, diag.studentized)]
    // Cook's D = r²h/(p(1−h)) = c  ⇔  r = ±√(c·p·(1−h)/h).
    for (const c of [0.5, 1]) {
      for (const sign of [1, -1]) {
        const pts = []
        for (let k = 1; k <= 60; k++) {
          const h = (hMax * 1.05 * k) / 60
          const r = Math.sqrt((c * p * (1 - h)) / h)
          // Only where it stays near the data (plot.lm clips the contours to the plot region too).
          if (h < 1 && r <= yLimit) pts.push({ x: h, y: sign * r })
        }
        out.push({ label: c === 0.5 ? 'cook05' : 'cook1', color: '--bad', points: pts, line: true, dashed: true })
      }
    }
    return out
  }
  if (plot === 'histogram') {
    const [lo, hi] = range(diag.residual)
    const bins = Math.max(5, Math.min(50, Math.ceil(Math.log2(n) + 1)))
    const width = (hi - lo) / bins || 1
    const counts = new Float64Array(bins)
    for (const e of diag.residual) if (Number.isFinite(e)) counts[Math.min(bins - 1, Math.floor((e - lo) / width))]! += 1
    const steps: { x: number; y: number }[] = [{ x: lo, y: 0 }]
    counts.forEach((count, b) => steps.push({ x: lo + b * width, y: count }, { x: lo + (b + 1) * width, y: count }))
    steps.push({ x: hi, y: 0 })
    // The normal density with the residuals' sd, scaled to counts per bin.
    let ss = 0
    for (const e of diag.residual) ss += e * e
    const sd = Math.sqrt(ss / Math.max(1, diag.dfResidual))
    const curve = Array.from({ length: 101 }, (_, k) => {
      const x = lo + ((hi - lo) * k) / 100
      return { x, y: (n * width * Math.exp(-0.5 * (x / sd) ** 2)) / (sd * Math.sqrt(2 * Math.PI)) }
    })
    return [{ label: 'counts', color: '--series-1', points: steps, line: true }, { label: 'normal', color: '--series-2', points: curve, line: true, dashed: true }]
  }
  if (plot === 'coefficients') {
    const out: DiagnosticSeries[] = [{ label: 'estimate', color: '--series-1', points: coefficients.map((c, k) => ({ x: c.estimate, y: k })) }]
    coefficients.forEach((c, k) => out.push({ label: 'interval', color: '--series-1', points: [{ x: c.low, y: k }, { x: c.high, y: k }], line: true }))
    return out
  }
  const av = diag.addedVariable
  if (!av) return []
  let xy = 0
  let xx = 0
  for (let i = 0; i < av.x.length; i++) {
    xy += av.x[i]! * av.y[i]!
    xx += av.x[i]! ** 2
  }
  const [lo, hi] = range(av.x)
  return [rowSeries('rows', rows, (i) => [av.x[i]!, av.y[i]!]), { label: 'slope', color: '--series-2', points: [{ x: lo, y: (lo * xy) / xx }, { x: hi, y: (hi * xy) / xx }], line: true }]
}
