import { describe, expect, it } from 'vitest'
import { learningRateAt } from './schedules'

describe('learning-rate schedules (torch.optim.lr_scheduler closed forms)', () => {
  it('constant', () => expect(learningRateAt(0.1, { kind: 'constant' }, 57, 100)).toBe(0.1))

  it('StepLR: lr·γ^⌊epoch/size⌋', () => {
    const s = { kind: 'step', stepSize: 10, gamma: 0.5 } as const
    expect([0, 9, 10, 19, 20].map((e) => learningRateAt(0.1, s, e, 100))).toEqual([0.1, 0.1, 0.05, 0.05, 0.025])
  })

  it('ExponentialLR: lr·γ^epoch', () => {
    expect(learningRateAt(0.2, { kind: 'exponential', gamma: 0.9 }, 3, 10)).toBeCloseTo(0.2 * 0.729, 15)
  })

  it('CosineAnnealingLR: η_min + (lr − η_min)(1 + cos(π·t/T))/2, T defaulting to the run’s epochs', () => {
    const s = { kind: 'cosine', etaMin: 0.001 } as const
    expect(learningRateAt(0.1, s, 0, 100)).toBeCloseTo(0.1, 15)
    expect(learningRateAt(0.1, s, 50, 100)).toBeCloseTo(0.001 + 0.099 / 2, 15)
    expect(learningRateAt(0.1, s, 100, 100)).toBeCloseTo(0.001, 15)
    expect(learningRateAt(0.1, { kind: 'cosine', tMax: 10, etaMin: 0 }, 5, 100)).toBeCloseTo(0.05, 15)
  })
})
