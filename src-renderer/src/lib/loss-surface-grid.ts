import { lossAt, type LossQuadratic } from '../../../src-core/model/loss-surface'

/**
 * Pure geometry of the loss-surface view (src-core/model/loss-surface.ts gives L(θ) as a quadratic
 * form): which box of parameter space to show, L on a grid over it, and the contour levels.
 */

/** Parameter ranges: one [lo, hi] per drawn parameter (x first, then y). */
export type Bounds = [number, number][]

/** The Hessian of the MSE is 2G/n, so L(θ) = L* + (θ − θ*)ᵀ H (θ − θ*) with H = G/n. */
function hessianHalf(q: LossQuadratic): number[] {
  return q.gram.map((g) => g / q.rows)
}

/**
 * Half-widths of the smallest axis-aligned box around θ* that holds the ellipse L ≤ L* + excess:
 * for (θ − θ*)ᵀH(θ − θ*) ≤ Δ the extent along axis i is √(Δ·(H⁻¹)ᵢᵢ). Null when H is singular.
 */
export function ellipseHalfWidths(q: LossQuadratic, excess: number): number[] | null {
  const h = hessianHalf(q)
  let inverseDiagonal: number[]
  if (q.parameters === 1) {
    inverseDiagonal = [1 / h[0]!]
  } else if (q.parameters === 2) {
    const det = h[0]! * h[3]! - h[1]! * h[2]!
    inverseDiagonal = [h[3]! / det, h[0]! / det]
  } else {
    return null
  }
  if (!inverseDiagonal.every((v) => Number.isFinite(v) && v > 0)) return null
  return inverseDiagonal.map((v) => Math.sqrt(excess * v))
}

/** Where the lowest loss is: θ* minimizes the quadratic (G θ* = c); null when G is singular. */
export function quadraticMinimum(q: LossQuadratic): number[] | null {
  const [g, c] = [q.gram, q.xty]
  if (q.parameters === 1) return g[0]! > 0 ? [c[0]! / g[0]!] : null
  if (q.parameters === 2) {
    const det = g[0]! * g[3]! - g[1]! * g[2]!
    if (!(Math.abs(det) > 1e-300)) return null
    return [(g[3]! * c[0]! - g[1]! * c[1]!) / det, (g[0]! * c[1]! - g[2]! * c[0]!) / det]
  }
  return null
}

export interface BoundsOptions {
  /** Share of the range added on each side. */
  padding?: number
  /** Path points whose loss exceeds this many times the start's are left outside (a diverging run would shrink everything else to a dot). */
  lossCap?: number
}

/**
 * The box to draw: the optimum, the start of the path and every path point whose loss stays below
 * `lossCap` × the start's loss, widened to at least the ellipse where the loss is 4× its minimum (so
 * a least-squares run without a path still shows the bowl around θ*), then padded.
 */
export function surfaceBounds(q: LossQuadratic, path: readonly (readonly number[])[], optimum: readonly number[] | null, options: BoundsOptions = {}): Bounds {
  const p = q.parameters
  const padding = options.padding ?? 0.12
  const lossCap = options.lossCap ?? 10
  const finite = (t: readonly number[]) => t.length >= p && t.slice(0, p).every(Number.isFinite)
  const points: (readonly number[])[] = []
  if (optimum && finite(optimum)) points.push(optimum)
  const start = path.find(finite)
  if (start) {
    const cap = lossCap * Math.max(lossAt(q, start), optimum ? lossAt(q, optimum) : 0)
    for (const t of path) if (finite(t) && lossAt(q, t) <= cap) points.push(t)
  }
  const bounds: Bounds = Array.from({ length: p }, (_, i) => {
    const values = points.map((t) => t[i]!)
    return values.length ? [Math.min(...values), Math.max(...values)] : [-1, 1]
  })
  if (optimum && finite(optimum)) {
    const lowest = lossAt(q, optimum)
    // A perfect fit has L* = 0: fall back to a tiny share of the loss at θ = 0 for the bowl's size.
    const excess = 3 * Math.max(lowest, (q.yty / q.rows) * 1e-12)
    const half = ellipseHalfWidths(q, excess)
    if (half) {
      half.forEach((h, i) => {
        bounds[i] = [Math.min(bounds[i]![0], optimum[i]! - h), Math.max(bounds[i]![1], optimum[i]! + h)]
      })
    }
  }
  return bounds.map(([lo, hi]) => {
    if (!(hi > lo)) {
      const w = Math.abs(lo) > 0 ? Math.abs(lo) * 0.5 : 1
      return [lo - w, hi + w]
    }
    const pad = (hi - lo) * padding
    return [lo - pad, hi + pad]
  })
}

/**
 * L on an nx × ny grid over a 2-parameter box, row-major with the first row at the TOP (largest
 * second parameter), as d3-contour and a canvas both read it. Sample (i, j) sits at the centre of its
 * cell, θ = (x₀ + (i + ½)·Δx, y₁ − (j + ½)·Δy) — the centre is where d3-contour places value i.
 */
export function evaluateGrid(q: LossQuadratic, bounds: Bounds, nx: number, ny: number): Float64Array {
  const [[x0, x1], [y0, y1]] = bounds as [[number, number], [number, number]]
  const values = new Float64Array(nx * ny)
  const theta = [0, 0]
  for (let j = 0; j < ny; j++) {
    theta[1] = y1 - ((j + 0.5) * (y1 - y0)) / ny
    for (let i = 0; i < nx; i++) {
      theta[0] = x0 + ((i + 0.5) * (x1 - x0)) / nx
      values[j * nx + i] = lossAt(q, theta)
    }
  }
  return values
}

/** θ at a point of the grid's coordinate space ([0, nx] × [0, ny], y downwards), as d3-contour returns them. */
export function gridToTheta(bounds: Bounds, nx: number, ny: number): (gx: number, gy: number) => [number, number] {
  const [[x0, x1], [y0, y1]] = bounds as [[number, number], [number, number]]
  return (gx, gy) => [x0 + (gx / nx) * (x1 - x0), y1 - (gy / ny) * (y1 - y0)]
}

/**
 * `count` contour levels between the minimum and the maximum, log-spaced in the excess over the
 * minimum: near θ* the excess grows with the square of the distance, so equal ratios of excess give
 * nested ellipses at equal ratios of size — the bowl is readable from its floor to its rim. The
 * lowest level sits `decades` decades of excess below the top one; none reaches the maximum itself.
 */
export function contourLevels(min: number, max: number, count = 18, decades = 4): number[] {
  const top = max - min
  if (!(top > 0) || !Number.isFinite(top) || count < 1) return []
  const bottom = top * 10 ** -decades
  return Array.from({ length: count }, (_, k) => min + bottom * (top / bottom) ** (k / count))
}

/** L along the single parameter of a 1-parameter model: `count` points evenly over [lo, hi]. */
export function lossCurve(q: LossQuadratic, lo: number, hi: number, count = 200): { x: number; y: number }[] {
  return Array.from({ length: count }, (_, k) => {
    const x = lo + ((hi - lo) * k) / (count - 1)
    return { x, y: lossAt(q, [x]) }
  })
}

/** Axis ticks at 1, 2 or 5 × 10ᵏ steps, at most about `target` of them, inside [lo, hi]. */
export function niceTicks(lo: number, hi: number, target = 5): number[] {
  if (!(hi > lo) || !Number.isFinite(hi - lo)) return []
  const raw = (hi - lo) / target
  const magnitude = 10 ** Math.floor(Math.log10(raw))
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!
  const ticks: number[] = []
  // A hair of tolerance: 3 × 1e-7 is 3.0000000000000004e-7, which must still count as ≤ 3e-7.
  for (let k = Math.ceil(lo / step - 1e-9); k <= Math.floor(hi / step + 1e-9); k++) ticks.push(Number((k * step).toPrecision(12)))
  return ticks
}
