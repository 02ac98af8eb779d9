import { describe, expect, it } from 'vitest'
import { leastSquares } from './least-squares'
import { addedVariable } from './row-diagnostics'
import { Random } from '../random'

describe('added-variable plot', () => {
  it('its slope through the origin is the full fit’s coefficient (Frisch–Waugh–Lovell)', () => {
    const rng = new Random(7)
    const n = 60
    const d = 3
    const X = Float64Array.from({ length: n * d }, () => rng.nextFloat() * 10)
    const y = Float64Array.from({ length: n }, (_, i) => 1 + 2 * X[i * d]! - 0.5 * X[i * d + 1]! + 0.1 * X[i * d + 2]! + rng.nextFloat())
    const input = { X, y, features: ['a', 'b', 'c'], intercept: true }
    const fit = leastSquares(input)
    for (let j = 0; j < d; j++) {
      const av = addedVariable(input, j)
      let xy = 0
      let xx = 0
      for (let i = 0; i < n; i++) {
        xy += av.x[i]! * av.y[i]!
        xx += av.x[i]! ** 2
      }
      expect(xy / xx).toBeCloseTo(fit.weights[j]!, 10)
    }
  })
})
