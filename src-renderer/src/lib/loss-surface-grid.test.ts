import { contours } from 'd3-contour'
import { describe, expect, it } from 'vitest'
import { lossAt, lossQuadratic } from '../../../src-core/model/loss-surface'
import { mixColors, parseHex } from './color-ramp'
import { contourLevels, ellipseHalfWidths, evaluateGrid, gridToTheta, lossCurve, niceTicks, quadraticMinimum, surfaceBounds } from './loss-surface-grid'
import { simpleRegression as closedForm } from '../../../src-core/testing/tutorial'

// The tutorial's 15 points (resources/examples/tutorial.csv).
const tx = [3.3, 4.4, 5.5, 6.71, 6.93, 4.168, 9.779, 6.182, 7.59, 2.167, 7.042, 10.791, 5.313, 7.997, 3.1]
const ty = [1.7, 2.76, 2.09, 3.19, 1.694, 1.573, 3.366, 2.596, 2.53, 1.221, 2.827, 3.465, 1.65, 2.904, 1.3]


// y = 2x + 1 exactly at x = 0, 1, 2: G = [[5, 3], [3, 3]], c = [13, 9], Σy² = 35, n = 3, L* = 0.
const exactLine = lossQuadratic(Float64Array.of(0, 1, 2), Float64Array.of(1, 3, 5), 3, 1, true)!

describe('loss surface geometry', () => {
  it('the quadratic’s minimum is the least-squares θ* of the tutorial (closed form)', () => {
    const q = lossQuadratic(Float64Array.from(tx), Float64Array.from(ty), tx.length, 1, true)!
    const { w, b, mse } = closedForm(tx, ty)
    const [wq, bq] = quadraticMinimum(q)!
    expect(wq).toBeCloseTo(w, 12)
    expect(bq).toBeCloseTo(b, 12)
    expect(lossAt(q, [wq!, bq!])).toBeCloseTo(mse, 12)
    expect(quadraticMinimum(exactLine)).toEqual([2, 1])
  })

  it('evaluates L at the centre of each cell, top row = largest second parameter (by hand)', () => {
    // Bounds [0, 4] × [0, 2] on a 2 × 2 grid: centres w ∈ {1, 3}, b ∈ {1.5 (top row), 0.5}.
    const values = evaluateGrid(exactLine, [[0, 4], [0, 2]], 2, 2)
    const mse = (w: number, b: number) => [0, 1, 2].reduce((s, x) => s + (w * x + b - (2 * x + 1)) ** 2, 0) / 3
    expect(Array.from(values)).toEqual([mse(1, 1.5), mse(3, 1.5), mse(1, 0.5), mse(3, 0.5)].map((v) => expect.closeTo(v, 12)))
    // ŷ = x + 1 against y = 2x + 1: errors 0, 1, 2 → MSE 5/3.
    expect(mse(1, 1)).toBeCloseTo(5 / 3, 15)
    expect(lossAt(exactLine, [1, 1])).toBeCloseTo(5 / 3, 12)
    // d3-contour puts sample i at grid coordinate i + ½: the mapping must give back the sample's θ.
    const toTheta = gridToTheta([[0, 4], [0, 2]], 2, 2)
    expect(toTheta(0.5, 0.5)).toEqual([1, 1.5])
    expect(toTheta(1.5, 1.5)).toEqual([3, 0.5])
  })

  it('half-widths of the ellipse L ≤ L* + Δ are √(Δ·(H⁻¹)ᵢᵢ) with H = G/n (by hand)', () => {
    // H = [[5/3, 1], [1, 1]], det = 2/3, H⁻¹ diagonal = [1.5, 2.5].
    const [hw, hb] = ellipseHalfWidths(exactLine, 1)!
    expect(hw).toBeCloseTo(Math.sqrt(1.5), 12)
    expect(hb).toBeCloseTo(Math.sqrt(2.5), 12)
    // On the ellipse L = 1 the widest w is reached where ∂L/∂b = 0: check no point of the ellipse goes further.
    let widest = 0
    for (let k = 0; k < 20_000; k++) {
      const a = (2 * Math.PI * k) / 20_000
      // Parametrize by b−b* = r·sin a, w−w* = r·cos a, with r solving L = 1.
      const [c, s] = [Math.cos(a), Math.sin(a)]
      const r = 1 / Math.sqrt((5 / 3) * c * c + 2 * c * s + s * s)
      widest = Math.max(widest, r * c)
    }
    expect(widest).toBeCloseTo(Math.sqrt(1.5), 6)
  })

  it('the filled contour at L* + Δ spans the ellipse’s width (the whole chain: grid, d3-contour, mapping)', () => {
    const bounds: [number, number][] = [[1.1, 3.3], [0.2, 2.4]] // off-centre, so a flipped axis would show
    const [nx, ny] = [240, 200]
    const values = evaluateGrid(exactLine, bounds, nx, ny)
    const excess = 0.1
    const contour = contours().size([nx, ny]).contour(Array.from(values), excess)
    // The region L ≥ Δ is everything but a hole around θ*: the hole's ring is the ellipse.
    const toTheta = gridToTheta(bounds, nx, ny)
    const rings = contour.coordinates.flat()
    const hole = rings.find((ring) => ring.every(([gx, gy]) => Math.abs(toTheta(gx!, gy!)[0] - 2) < 0.5 && Math.abs(toTheta(gx!, gy!)[1] - 1) < 0.6))!
    const ws = hole.map(([gx, gy]) => toTheta(gx!, gy!)[0])
    const half = Math.sqrt(excess * 1.5)
    const cell = (bounds[0]![1] - bounds[0]![0]) / nx
    const bs = hole.map(([gx, gy]) => toTheta(gx!, gy!)[1])
    expect(Math.abs(Math.max(...ws) - 2 - half)).toBeLessThan(cell)
    expect(Math.abs(2 - Math.min(...ws) - half)).toBeLessThan(cell)
    // and along b: √(0.1 · 2.5) = 0.5 (the y axis points up: the top of the hole is b* + 0.5)
    expect(Math.abs(Math.max(...bs) - 1.5)).toBeLessThan(2.2 / ny)
    expect(Math.abs(Math.min(...bs) - 0.5)).toBeLessThan(2.2 / ny)
  })

  it('the box holds the optimum, the start and the path, padded; a diverging tail is left out', () => {
    const path = [[0, 0], [1, 0.5], [1.8, 0.9], [1e6, -1e6], [Infinity, NaN]]
    const [[w0, w1], [b0, b1]] = surfaceBounds(exactLine, path, [2, 1]) as [[number, number], [number, number]]
    expect(w0).toBeLessThan(0)
    expect(b0).toBeLessThan(0)
    expect(w1).toBeGreaterThan(2)
    expect(b1).toBeGreaterThan(1)
    expect(w1).toBeLessThan(3) // 1e6 has 3·10¹¹ times the start's loss: outside
    // Without a path the box is the bowl where L ≤ 4·L* (here L* = 0, so its floor), padded 12 % a side.
    const q = lossQuadratic(Float64Array.from(tx), Float64Array.from(ty), tx.length, 1, true)!
    const optimum = quadraticMinimum(q)!
    const [[lo, hi]] = surfaceBounds(q, [], optimum, { padding: 0 }) as [[number, number], [number, number]]
    const half = ellipseHalfWidths(q, 3 * lossAt(q, optimum))![0]!
    expect(lo).toBeCloseTo(optimum[0]! - half, 12)
    expect(hi).toBeCloseTo(optimum[0]! + half, 12)
  })

  it('contour levels are log-spaced in the excess over the minimum (by hand)', () => {
    // min 1, max 11, 4 levels over 4 decades: 1 + 10⁻³·10^k for k = 0…3.
    const levels = contourLevels(1, 11, 4, 4)
    expect(levels.map((l) => Number(l.toPrecision(12)))).toEqual([1.001, 1.01, 1.1, 2])
    expect(contourLevels(3, 3)).toEqual([])
    expect(contourLevels(0, Infinity)).toEqual([])
  })

  it('a 1-parameter curve is L(w) at evenly spaced w', () => {
    // y = 3x through x = 1, 2 without intercept: L(w) = ((w − 3)² · (1 + 4)) / 2.
    const q = lossQuadratic(Float64Array.of(1, 2), Float64Array.of(3, 6), 2, 1, false)!
    const curve = lossCurve(q, 1, 5, 5)
    expect(curve.map((p) => p.x)).toEqual([1, 2, 3, 4, 5])
    expect(curve.map((p) => p.y)).toEqual([10, 2.5, 0, 2.5, 10].map((v) => expect.closeTo(v, 12)))
    expect(quadraticMinimum(q)![0]).toBeCloseTo(3, 14)
  })

  it('nice ticks at 1, 2, 5 × 10ᵏ', () => {
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1])
    expect(niceTicks(-0.37, 2.1, 5)).toEqual([0, 0.5, 1, 1.5, 2])
    expect(niceTicks(1e-7, 3e-7, 2)).toEqual([1e-7, 2e-7, 3e-7]) // 3·10⁻⁷ is 3.0000000000000004e-7 by multiplication: still in
    expect(niceTicks(2, 2)).toEqual([])
  })

  it('theme colour ramp', () => {
    expect(parseHex('#2563eb')).toEqual([0x25, 0x63, 0xeb])
    expect(parseHex('#fff')).toEqual([255, 255, 255])
    expect(mixColors('#000000', '#ffffff', 0.5)).toBe('rgb(128, 128, 128)')
    expect(mixColors('#102030', '#304050', 0)).toBe('rgb(16, 32, 48)')
    expect(mixColors('red', '#304050', 0.3)).toBe('#304050')
  })
})
