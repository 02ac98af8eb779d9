import { describe, expect, it } from 'vitest'
import { parseTrainConfig } from '../config'
import { Adagrad } from './adagrad'
import { Adam } from './adam'
import { createOptimizer } from './registry'
import { RmsProp } from './rmsprop'
import { Sgd } from './sgd'

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
    expect(trace(new Sgd({ trainable: 1, decayed: 1 }, { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 }), [1], [[1], [2]], 0.1)).toEqual([[0.9], [0.9 - 0.2]])
  })

  it('momentum 0.9, dampening 0.1: first buffer is g itself, then μ·buf + (1 − τ)·g', () => {
    // step 1: buf = 1 → θ = 1 − 0.1·1 = 0.9
    // step 2: buf = 0.9·1 + 0.9·2 = 2.7 → θ = 0.9 − 0.27 = 0.63
    const [s1, s2] = trace(new Sgd({ trainable: 1, decayed: 1 }, { momentum: 0.9, dampening: 0.1, nesterov: false, weightDecay: 0 }), [1], [[1], [2]], 0.1)
    expect(s1![0]).toBeCloseTo(0.9, 15)
    expect(s2![0]).toBeCloseTo(0.63, 15)
  })

  it('nesterov: g ← g + μ·buf', () => {
    // step 1: buf = 1, g' = 1 + 0.9 = 1.9 → θ = 1 − 0.19 = 0.81
    // step 2: buf = 0.9 + 2 = 2.9, g' = 2 + 0.9·2.9 = 4.61 → θ = 0.81 − 0.461 = 0.349
    const [s1, s2] = trace(new Sgd({ trainable: 1, decayed: 1 }, { momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 0 }), [1], [[1], [2]], 0.1)
    expect(s1![0]).toBeCloseTo(0.81, 15)
    expect(s2![0]).toBeCloseTo(0.349, 15)
  })

  it('weight decay adds λθ to the weights’ gradient, not the bias’', () => {
    // w: g = 1 + 0.5·1 = 1.5 → 0.85; b: g = 1 → 0.9
    const [s1] = trace(new Sgd({ trainable: 2, decayed: 1 }, { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0.5 }), [1, 1], [[1, 1]], 0.1)
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
    const [s1] = trace(new Adam({ trainable: 1, decayed: 1 }, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false, decoupled: false }), [1], [[1]], 0.1)
    expect(s1![0]).toBeCloseTo(1 - 0.1 / (1 + 1e-8), 15)
  })

  it('second step: m = 0.29, v = 0.004999, corrections 1 − 0.9², 1 − 0.999²', () => {
    const [, s2] = trace(new Adam({ trainable: 1, decayed: 1 }, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false, decoupled: false }), [1], [[1], [2]], 0.1)
    const first = 1 - 0.1 / (1 + 1e-8)
    const denom = Math.sqrt(0.004999) / Math.sqrt(1 - 0.999 ** 2) + 1e-8
    expect(s2![0]).toBeCloseTo(first - ((0.1 / (1 - 0.9 ** 2)) * 0.29) / denom, 14)
  })

  it('weight decay is L2 in the gradient (Adam, not AdamW), weights only', () => {
    // w: g = 1 + 0.5·2 = 2 → first step lr·2/(2 + ε); b: g = 1 → lr·1/(1 + ε)
    const [s1] = trace(new Adam({ trainable: 2, decayed: 1 }, { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.5, amsgrad: false, decoupled: false }), [2, 2], [[1, 1]], 0.1)
    expect(s1![0]).toBeCloseTo(2 - (0.1 * 2) / (2 + 1e-8), 15)
    expect(s1![1]).toBeCloseTo(2 - 0.1 / (1 + 1e-8), 15)
  })
})

const adamOptions = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false, decoupled: false }

describe('AdamW and amsgrad follow torch.optim (hand-derived)', () => {
  it('AdamW decays the weights by (1 − lr·λ) before the Adam step, and never the bias', () => {
    // w: 2·(1 − 0.1·0.5) = 1.9, then − 0.1·1/(1 + ε); b: 2 − 0.1·1/(1 + ε)
    const [s1] = trace(new Adam({ trainable: 2, decayed: 1 }, { ...adamOptions, weightDecay: 0.5, decoupled: true }), [2, 2], [[1, 1]], 0.1)
    expect(s1![0]).toBeCloseTo(1.9 - 0.1 / (1 + 1e-8), 15)
    expect(s1![1]).toBeCloseTo(2 - 0.1 / (1 + 1e-8), 15)
  })

  it('amsgrad divides by the largest second moment so far', () => {
    // step 2 with g = 0.01: v = 0.999·0.001 + 0.001·1e-4 = 0.0009991 < 0.001 = max; m = 0.091
    const first = 1 - 0.1 / (1 + 1e-8)
    const denom = Math.sqrt(0.001) / Math.sqrt(1 - 0.999 ** 2) + 1e-8
    const [, ams] = trace(new Adam({ trainable: 1, decayed: 1 }, { ...adamOptions, amsgrad: true }), [1], [[1], [0.01]], 0.1)
    expect(ams![0]).toBeCloseTo(first - ((0.1 / (1 - 0.9 ** 2)) * 0.091) / denom, 14)
    const [, plain] = trace(new Adam({ trainable: 1, decayed: 1 }, adamOptions), [1], [[1], [0.01]], 0.1)
    expect(plain![0]).not.toBeCloseTo(ams![0]!, 6)
  })
})

describe('RMSprop follows torch.optim.RMSprop (hand-derived)', () => {
  const base = { alpha: 0.9, eps: 1e-8, momentum: 0, centered: false, weightDecay: 0 }
  it('v = (1 − α)g², θ ← θ − lr·g/(√v + ε)', () => {
    const [s1] = trace(new RmsProp({ trainable: 1, decayed: 1 }, base), [1], [[1]], 0.01)
    expect(s1![0]).toBeCloseTo(1 - 0.01 / (Math.sqrt(0.1) + 1e-8), 15)
  })
  it('centered subtracts the squared mean gradient: √(0.1 − 0.01) = 0.3', () => {
    const [s1] = trace(new RmsProp({ trainable: 1, decayed: 1 }, { ...base, centered: true }), [1], [[1]], 0.01)
    expect(s1![0]).toBeCloseTo(1 - 0.01 / (0.3 + 1e-8), 15)
  })
  it('momentum accumulates g/a: b₂ = 0.5·b₁ + 2/(0.7 + ε)', () => {
    const [s1, s2] = trace(new RmsProp({ trainable: 1, decayed: 1 }, { ...base, momentum: 0.5 }), [1], [[1], [2]], 0.01)
    const b1 = 1 / (Math.sqrt(0.1) + 1e-8)
    expect(s1![0]).toBeCloseTo(1 - 0.01 * b1, 15)
    expect(s2![0]).toBeCloseTo(s1![0]! - 0.01 * (0.5 * b1 + 2 / (Math.sqrt(0.49) + 1e-8)), 14)
  })
})

describe('Adagrad follows torch.optim.Adagrad (hand-derived)', () => {
  it('accumulates g² from the initial value and decays the rate by 1/(1 + (t − 1)·η)', () => {
    const opt = new Adagrad({ trainable: 1, decayed: 1 }, { lrDecay: 0.5, initialAccumulator: 0.1, eps: 1e-10, weightDecay: 0 })
    const [s1, s2] = trace(opt, [1], [[1], [2]], 0.1)
    const t1 = 1 - 0.1 / (Math.sqrt(1.1) + 1e-10)
    expect(s1![0]).toBeCloseTo(t1, 15)
    expect(s2![0]).toBeCloseTo(t1 - ((0.1 / 1.5) * 2) / (Math.sqrt(5.1) + 1e-10), 15)
  })
})

describe('per-optimizer defaults are torch.optim’s', () => {
  it('AdamW decays by 0.01 and Adagrad’s ε is 1e-10 unless given; the others keep 0 and 1e-8', () => {
    expect(parseTrainConfig({ optimizer: 'adamw' }).weightDecay).toBe(0.01)
    expect(parseTrainConfig({ optimizer: 'adagrad' }).eps).toBe(1e-10)
    expect(parseTrainConfig({ optimizer: 'adam' })).toMatchObject({ weightDecay: 0, eps: 1e-8 })
    expect(parseTrainConfig({ optimizer: 'adamw', weightDecay: 0 }).weightDecay).toBe(0)
  })
})
