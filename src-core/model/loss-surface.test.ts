import { describe, expect, it } from 'vitest'
import { Random } from '../random'
import { lossAt, lossQuadratic } from './loss-surface'

describe('loss surface quadratic form', () => {
  it('equals the MSE computed from the rows, with and without intercept', () => {
    const rng = new Random(3)
    const rows = 40
    const X = Float64Array.from({ length: rows * 2 }, () => rng.uniform(-2, 2))
    const y = Float64Array.from({ length: rows }, () => rng.uniform(-1, 3))
    for (const intercept of [true, false]) {
      const q = lossQuadratic(X, y, rows, 2, intercept)!
      for (let t = 0; t < 5; t++) {
        const theta = [rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1)]
        let mse = 0
        for (let i = 0; i < rows; i++) mse += (theta[0]! * X[i * 2]! + theta[1]! * X[i * 2 + 1]! + (intercept ? theta[2]! : 0) - y[i]!) ** 2
        expect(lossAt(q, theta)).toBeCloseTo(mse / rows, 12)
      }
    }
  })

  it('is kept only for up to three parameters', () => {
    expect(lossQuadratic(new Float64Array(9), new Float64Array(3), 3, 3, true)).toBeNull()
  })
})
