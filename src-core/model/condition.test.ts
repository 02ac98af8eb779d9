import { describe, expect, it } from 'vitest'
import { tutorialX } from '../testing/tutorial'
import { hessianCondition, jacobiEigenvalues } from './condition'

describe('Hessian condition number', () => {
  it('eigenvalues of a symmetric 2×2 by the quadratic formula', () => {
    // [[4, 1], [1, 3]]: λ = (7 ± √5)/2
    const ev = jacobiEigenvalues(Float64Array.from([4, 1, 1, 3]), 2).sort((a, b) => a - b)
    expect(ev[0]).toBeCloseTo((7 - Math.sqrt(5)) / 2, 13)
    expect(ev[1]).toBeCloseTo((7 + Math.sqrt(5)) / 2, 13)
  })

  it('tutorial with intercept: [[Σx², Σx], [Σx, n]] by hand', () => {
    const n = tutorialX.length
    const sx = tutorialX.reduce((a, b) => a + b)
    const sxx = tutorialX.reduce((a, b) => a + b * b, 0)
    const tr = sxx + n
    const det = sxx * n - sx * sx
    const hi = (tr + Math.sqrt(tr * tr - 4 * det)) / 2
    const lo = (tr - Math.sqrt(tr * tr - 4 * det)) / 2
    expect(hessianCondition(tutorialX, n, 1, true)).toBeCloseTo(hi / lo, 8)
    expect(hi / lo).toBeGreaterThan(300) // x ≈ 6.1 ± 2.4: the classic slow intercept
  })

  it('standardized columns that are uncorrelated have κ = 1', () => {
    const X = Float64Array.from([1, 1, -1, 1, 1, -1, -1, -1]) // 4 rows × 2, mean 0, orthogonal
    expect(hessianCondition(X, 4, 2, true)).toBeCloseTo(1, 12)
  })
})
