import { describe, expect, it } from 'vitest'
import { InputError } from '../errors'
import { loadNist, lre, nistNames } from '../testing/nist'
import { leastSquares } from './least-squares'

// Minimum log relative error (correct significant digits) required against NIST's certified values.
// Issue #2: ≥ 9 everywhere except the three hardest problems.
const required: Record<string, number> = { Filip: 7, Wampler4: 7.5, Wampler5: 5.5 }

/** LRE when the certified value is 0 (Wampler1's exact fit): count digits of absolute error. */
function digits(value: number, certified: number, scale: number): number {
  return certified === 0 ? Math.min(15, -Math.log10(Math.abs(value) / scale + 1e-300)) : lre(value, certified)
}

describe('least squares against NIST StRD certified values', () => {
  // Both kernel sets of the blocked QR: WebAssembly SIMD (the default) and the TypeScript fallback.
  for (const [name, wasm] of nistNames.flatMap((n) => [[n, true], [n, false]] as const)) {
    it(`${name}${wasm ? '' : ' (TypeScript kernels)'}: coefficients, standard errors, residual SD and R²`, () => {
      const c = loadNist(name)
      const fit = leastSquares({ X: c.X, y: c.y, features: c.features, intercept: c.intercept }, { wasm })
      const estimates = c.intercept ? [fit.intercept, ...fit.weights] : fit.weights
      const stdErrors = (c.intercept ? [fit.interceptStats!, ...fit.coefficients] : fit.coefficients).map((s) => s.stdError)
      const need = required[name] ?? 9
      const yScale = Math.max(...Array.from(c.y, Math.abs))
      estimates.forEach((v, i) => expect(lre(v, c.estimates[i]!), `${name} B${i}`).toBeGreaterThanOrEqual(need))
      stdErrors.forEach((v, i) => expect(digits(v, c.stdErrors[i]!, yScale), `${name} SE${i}`).toBeGreaterThanOrEqual(need))
      expect(digits(fit.residualSd, c.residualSd, yScale)).toBeGreaterThanOrEqual(need)
      expect(lre(fit.r2, c.r2)).toBeGreaterThanOrEqual(need)
    })
  }

  // Stacking k copies of the rows leaves the least-squares coefficients unchanged (XᵀX and Xᵀy both
  // scale by k), so the certified values still hold — across many row blocks of the blocked QR.
  for (const [name, copies] of [['Longley', 20], ['Filip', 7], ['Wampler4', 13]] as const) {
    it(`${name} stacked ${copies} times (several QR row blocks): certified coefficients`, () => {
      const c = loadNist(name)
      const d = c.features.length
      const X = new Float64Array(c.X.length * copies)
      const y = new Float64Array(c.y.length * copies)
      for (let k = 0; k < copies; k++) {
        X.set(c.X, k * c.X.length)
        y.set(c.y, k * c.y.length)
      }
      expect(y.length / 128).toBeGreaterThan(2)
      const fit = leastSquares({ X, y, features: c.features, intercept: c.intercept })
      const estimates = c.intercept ? [fit.intercept, ...fit.weights] : fit.weights
      estimates.forEach((v, i) => expect(lre(v, c.estimates[i]!), `${name} B${i}`).toBeGreaterThanOrEqual(required[name] ?? 9))
      expect(fit.dfResidual).toBe(y.length - d - (c.intercept ? 1 : 0))
    })
  }

  it('Longley: F statistic and degrees of freedom of the certified ANOVA table', () => {
    const c = loadNist('Longley')
    const fit = leastSquares({ X: c.X, y: c.y, features: c.features, intercept: true })
    expect(fit.dfModel).toBe(6)
    expect(fit.dfResidual).toBe(9)
    expect(lre(fit.f, 330.285339234588)).toBeGreaterThanOrEqual(9)
    expect(lre(fit.rss, 836424.055505915)).toBeGreaterThanOrEqual(9)
  })

  it('NoInt1: R² is uncentered without an intercept, as NIST defines it', () => {
    const c = loadNist('NoInt1')
    const fit = leastSquares({ X: c.X, y: c.y, features: c.features, intercept: false })
    let sumY2 = 0
    for (const v of c.y) sumY2 += v * v
    expect(fit.r2).toBeCloseTo(1 - fit.rss / sumY2, 14)
    expect(lre(fit.r2, 0.999365492298663)).toBeGreaterThanOrEqual(9)
    expect(fit.dfModel).toBe(1)
    expect(fit.dfResidual).toBe(10)
  })
})

describe('least squares statistics by hand', () => {
  // y = 1 + 2x + e with e = (+1, −1, −1, +1) on x = 0…3: a case small enough to derive by hand.
  // X'X = [[4, 6], [6, 14]], det 20, (X'X)⁻¹ = [[0.7, −0.3], [−0.3, 0.2]];
  // e is orthogonal to 1 and x (sums 0 and 0·1 − 1 − 2 + 3 = 0), so β = (1, 2) exactly, RSS = 4,
  // σ² = 4 / 2 = 2, SE(b) = √(2·0.7), SE(w) = √(2·0.2).
  const X = new Float64Array([0, 1, 2, 3])
  const y = new Float64Array([2, 2, 4, 8])
  const fit = leastSquares({ X, y, features: ['x'], intercept: true })

  it('coefficients, residual SD, standard errors', () => {
    expect(fit.intercept).toBeCloseTo(1, 13)
    expect(fit.weights[0]).toBeCloseTo(2, 13)
    expect(fit.rss).toBeCloseTo(4, 12)
    expect(fit.residualSd).toBeCloseTo(Math.SQRT2, 13)
    expect(fit.interceptStats!.stdError).toBeCloseTo(Math.sqrt(1.4), 13)
    expect(fit.coefficients[0]!.stdError).toBeCloseTo(Math.sqrt(0.4), 13)
  })

  it('t, two-sided p and 95% interval use Student t with n − p = 2 df', () => {
    // t with 2 df: P(|T| ≥ t) = 1 − t/√(2 + t²); the 97.5% quantile is 4.302652729749464.
    const c = fit.coefficients[0]!
    const t = 2 / Math.sqrt(0.4)
    expect(c.t).toBeCloseTo(t, 12)
    expect(c.p).toBeCloseTo(1 - t / Math.sqrt(2 + t * t), 12)
    expect(c.ci95[0]).toBeCloseTo(2 - 4.302652729749464 * Math.sqrt(0.4), 10)
    expect(c.ci95[1]).toBeCloseTo(2 + 4.302652729749464 * Math.sqrt(0.4), 10)
  })

  it('R², adjusted R² and F', () => {
    // TSS = Σ(y − 4)² = 4 + 4 + 0 + 16 = 24; R² = 1 − 4/24; adj = 1 − (1 − R²)·3/2; F = (24 − 4)/1 / 2 = 10.
    expect(fit.r2).toBeCloseTo(1 - 4 / 24, 13)
    expect(fit.adjR2).toBeCloseTo(1 - (4 / 24) * 1.5, 13)
    expect(fit.f).toBeCloseTo(10, 11)
    // F(1, 2) upper tail equals the t(2) two-sided p at t = √F.
    expect(fit.fP).toBeCloseTo(1 - Math.sqrt(10) / Math.sqrt(12), 12)
  })
})

describe('rank deficiency is reported by name', () => {
  const n = 8
  const x1 = Array.from({ length: n }, (_, i) => i + 1)
  const x2 = Array.from({ length: n }, (_, i) => (i * 7) % 5)
  const y = new Float64Array(x1.map((v, i) => 3 + v - 2 * x2[i]! + (i % 2)))
  const design = (cols: number[][]) => {
    const X = new Float64Array(n * cols.length)
    cols.forEach((c, j) => c.forEach((v, i) => (X[i * cols.length + j] = v)))
    return X
  }
  const errorOf = (fn: () => unknown): InputError => {
    try {
      fn()
    } catch (e) {
      return e as InputError
    }
    throw new Error('expected an InputError')
  }

  it('a constant feature duplicates the intercept', () => {
    const e = errorOf(() => leastSquares({ X: design([x1, x1.map(() => 5)]), y, features: ['x1', 'flat'], intercept: true }))
    expect(e).toBeInstanceOf(InputError)
    expect(e.message).toContain('"flat" is constant')
  })

  it('a feature that is a combination of others names them', () => {
    const e = errorOf(() =>
      leastSquares({ X: design([x1, x2, x1.map((v, i) => 2 * v - x2[i]!)]), y, features: ['x1', 'x2', 'combo'], intercept: true }),
    )
    expect(e.message).toContain('"combo" is a linear combination of "x1", "x2"')
  })

  it('an all-zero feature without intercept', () => {
    const e = errorOf(() => leastSquares({ X: design([x1.map(() => 0)]), y, features: ['zero'], intercept: false }))
    expect(e.message).toContain('"zero"')
  })

  it('fewer rows than parameters', () => {
    const e = errorOf(() => leastSquares({ X: new Float64Array([1, 2]), y: new Float64Array([1, 2]), features: ['a', 'b'], intercept: true }))
    expect(e.message).toContain('2 rows for 3 parameters')
  })
})

describe('least squares reuses its WebAssembly memories between fits', () => {
  const problem = (n: number, d: number, seed: number) => {
    const X = new Float64Array(n * d)
    const y = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) X[i * d + j] = Math.sin(seed * (i + 1) * (j + 2))
      y[i] = 1 + X[i * d]! - 2 * X[i * d + d - 1]! + 0.3 * Math.cos(seed * i)
    }
    return { X, y, features: Array.from({ length: d }, (_, j) => `x${j}`), intercept: true }
  }

  it("a fit after a larger one (whose numbers the memories still hold) is the same as before it", () => {
    const small = problem(300, 3, 1.3)
    const first = leastSquares(small, { refine: 'always' })
    leastSquares(problem(5000, 6, 2.9), { refine: 'always' })
    expect(leastSquares(small, { refine: 'always' })).toEqual(first)
  })
})
