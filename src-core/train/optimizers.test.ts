import { describe, expect, it } from 'vitest'
import { parseTrainConfig } from './config'
import { Adam, Sgd, createOptimizer } from './optimizers'

/** Runs an optimizer on one parameter with a fixed gradient sequence; returns θ after each step. */
function trace(opt: { step(p: Float64Array, g: Float64Array, lr: number): void }, start: number[], grads: number[][], lr: number): number[][] {
  const p = Float64Array.from(start)
  return grads.map((g) => {
    opt.step(p, Float64Array.from(g), lr)
    return Array.from(p)
  })
}

describe('SGD follows torch.optim.SGD step by step (hand-derived)', () => {
  it('plain: θ ← θ − lr·g', () => {
    expect(trace(new Sgd(1, 1, 0, 0, false, 0), [1], [[1], [2]], 0.1)).toEqual([[0.9], [0.9 - 0.2]])
  })

  it('momentum 0.9, dampening 0.1: first buffer is g itself, then μ·buf + (1 − τ)·g', () => {
    // step 1: buf = 1 → θ = 1 − 0.1·1 = 0.9
    // step 2: buf = 0.9·1 + 0.9·2 = 2.7 → θ = 0.9 − 0.27 = 0.63
    const [s1, s2] = trace(new Sgd(1, 1, 0.9, 0.1, false, 0), [1], [[1], [2]], 0.1)
    expect(s1![0]).toBeCloseTo(0.9, 15)
    expect(s2![0]).toBeCloseTo(0.63, 15)
  })

  it('nesterov: g ← g + μ·buf', () => {
    // step 1: buf = 1, g' = 1 + 0.9 = 1.9 → θ = 1 − 0.19 = 0.81
    // step 2: buf = 0.9 + 2 = 2.9, g' = 2 + 0.9·2.9 = 4.61 → θ = 0.81 − 0.461 = 0.349
    const [s1, s2] = trace(new Sgd(1, 1, 0.9, 0, true, 0), [1], [[1], [2]], 0.1)
    expect(s1![0]).toBeCloseTo(0.81, 15)
    expect(s2![0]).toBeCloseTo(0.349, 15)
  })

  it('weight decay adds λθ to the weights’ gradient, not the bias’', () => {
    // w: g = 1 + 0.5·1 = 1.5 → 0.85; b: g = 1 → 0.9
    const [s1] = trace(new Sgd(2, 1, 0, 0, false, 0.5), [1, 1], [[1, 1]], 0.1)
    expect(s1![0]).toBeCloseTo(0.85, 15)
    expect(s1![1]).toBeCloseTo(0.9, 15)
  })

  it('a model without intercept never moves its bias', () => {
    const config = parseTrainConfig({ momentum: 0.5, intercept: false })
    const opt = createOptimizer(config, 1, false)
    const p = Float64Array.from([1, 0])
    opt.step(p, Float64Array.from([1, 7]), 0.1)
    expect(p[1]).toBe(0)
  })
})

describe('Adam follows torch.optim.Adam step by step (hand-derived)', () => {
  it('bias correction makes the first step exactly lr·g/(|g| + ε)', () => {
    // m = 0.1, v = 0.001; m̂ = 1, v̂ = 1 → θ = 1 − 0.1·1/(1 + 1e−8)
    const [s1] = trace(new Adam(1, 1, 0.9, 0.999, 1e-8, 0), [1], [[1]], 0.1)
    expect(s1![0]).toBeCloseTo(1 - 0.1 / (1 + 1e-8), 15)
  })

  it('second step: m = 0.29, v = 0.004999, corrections 1 − 0.9², 1 − 0.999²', () => {
    const [, s2] = trace(new Adam(1, 1, 0.9, 0.999, 1e-8, 0), [1], [[1], [2]], 0.1)
    const first = 1 - 0.1 / (1 + 1e-8)
    const denom = Math.sqrt(0.004999) / Math.sqrt(1 - 0.999 ** 2) + 1e-8
    expect(s2![0]).toBeCloseTo(first - ((0.1 / (1 - 0.9 ** 2)) * 0.29) / denom, 14)
  })

  it('weight decay is L2 in the gradient (Adam, not AdamW), weights only', () => {
    // w: g = 1 + 0.5·2 = 2 → first step lr·2/(2 + ε); b: g = 1 → lr·1/(1 + ε)
    const [s1] = trace(new Adam(2, 1, 0.9, 0.999, 1e-8, 0.5), [2, 2], [[1, 1]], 0.1)
    expect(s1![0]).toBeCloseTo(2 - (0.1 * 2) / (2 + 1e-8), 15)
    expect(s1![1]).toBeCloseTo(2 - 0.1 / (1 + 1e-8), 15)
  })
})
