import { describe, expect, it } from 'vitest'
import { curveColumn, formulaCurve } from './formula-curve'

const noState = { factors: [], transforms: [] }

describe('the fitted curve of a one-column formula', () => {
  it('evaluates y ~ x + I(x ^ 2) as b + w1·x + w2·x² on the grid', () => {
    const curve = formulaCurve({ formula: 'y ~ x + I(x ^ 2)', weights: [2, -0.5], intercept: 1, state: noState }, 'x', -2, 2, 5)
    expect(curve).toEqual([-2, -1, 0, 1, 2].map((x) => ({ x, y: 1 + 2 * x - 0.5 * x * x })))
  })

  it('poly(x, 3) gives the raw powers; a log term over the data\'s (positive) range', () => {
    const cubic = formulaCurve({ formula: 'y ~ poly(x, 3)', weights: [1, 0, 1], intercept: 0, state: noState }, 'x', 0, 3, 4)
    expect(cubic.map((p) => p.y)).toEqual([0, 2, 10, 30])
    const log = formulaCurve({ formula: 'y ~ log(x)', weights: [3], intercept: 0, state: noState }, 'x', 1, Math.E, 2)
    expect(log).toEqual([{ x: 1, y: 0 }, { x: Math.E, y: 3 }])
  })

  it('scale(x) uses the training mean and deviation the model remembers', () => {
    const curve = formulaCurve({ formula: 'y ~ scale(x)', weights: [2], intercept: 0, state: { factors: [], transforms: [{ name: 'scale(x)', mean: 10, scale: 5 }] } }, 'x', 10, 20, 3)
    expect(curve.map((p) => p.y)).toEqual([0, 2, 4])
  })

  it('is a curve only when every term reads the same one column', () => {
    expect(curveColumn('y ~ x + I(x ^ 2) + log(x)', ['y', 'x', 'z'])).toBe('x')
    expect(curveColumn('y ~ poly(x, 10) - 1', ['y', 'x'])).toBe('x')
    expect(curveColumn('y ~ x + z', ['y', 'x', 'z'])).toBeNull()
    expect(curveColumn('y ~ x:z', ['y', 'x', 'z'])).toBeNull()
    expect(curveColumn('y ~ x + nope', ['y', 'x'])).toBeNull()
  })
})
