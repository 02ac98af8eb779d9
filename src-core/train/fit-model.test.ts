import { describe, expect, it } from 'vitest'
import { loadNist } from '../testing/nist'
import { tutorialTable, tutorialX, tutorialY } from '../testing/tutorial'
import { Table } from '../table/table'
import { parseTrainConfig } from './config'
import { fitModel } from './fit-model'
import { simpleRegression } from '../testing/tutorial'


describe('fitModel', () => {
  const exact = simpleRegression(tutorialX, tutorialY)

  it('least squares on the tutorial equals the closed-form simple regression', async () => {
    const outcome = await fitModel({ table: tutorialTable(), target: 'y', config: parseTrainConfig({ solver: 'lstsq' }) })
    expect(outcome.model!.weights[0]).toBeCloseTo(exact.w, 13)
    expect(outcome.model!.intercept).toBeCloseTo(exact.b, 13)
    expect(outcome.statistics!.dfResidual).toBe(13)
  })

  it('gradient descent on standardized features converges to the exact fit, reported in original units', async () => {
    const outcome = await fitModel({ table: tutorialTable(), target: 'y', config: parseTrainConfig({ learningRate: 0.1, epochs: 500 }) })
    expect(outcome.status).toBe('completed')
    expect(outcome.prepared.standardization).not.toBeNull()
    expect(outcome.model!.weights[0]).toBeCloseTo(exact.w, 9)
    expect(outcome.model!.intercept).toBeCloseTo(exact.b, 9)
    expect(outcome.exact).toMatchObject({ available: true })
    if (outcome.exact?.available) {
      expect(outcome.exact.distance).toBeLessThan(1e-9)
      expect(outcome.metrics!.train.mse).toBeCloseTo(outcome.exact.trainLoss, 12)
    }
  })

  it('the exact reference shows the gap of an unfinished run', async () => {
    const outcome = await fitModel({ table: tutorialTable(), target: 'y', config: parseTrainConfig({ learningRate: 0.01, epochs: 50, standardize: false }) })
    expect(outcome.exact?.available).toBe(true)
    if (outcome.exact?.available) {
      expect(outcome.exact.params[0]).toBeCloseTo(exact.w, 12) // unstandardized: θ* is the fit itself
      expect(outcome.exact.distance).toBeGreaterThan(0.1)
      expect(outcome.loss.at(-1)!).toBeGreaterThan(outcome.exact.trainLoss)
    }
  })

  it('Longley by gradient descent with standardization reaches the least-squares loss', async () => {
    const c = loadNist('Longley')
    const names = ['y', ...c.features]
    const columns = [c.y, ...c.features.map((_, j) => Float64Array.from({ length: c.y.length }, (_, i) => c.X[i * c.features.length + j]!))]
    const table = new Table(names, columns)
    const outcome = await fitModel({ table, target: 'y', config: parseTrainConfig({ learningRate: 0.3, momentum: 0.9, epochs: 20000 }) })
    expect(outcome.exact?.available).toBe(true)
    if (outcome.exact?.available) {
      expect(outcome.metrics!.train.mse / outcome.exact.trainLoss - 1).toBeLessThan(1e-9)
      // and the coefficients, back in original units, match NIST's certified estimates
      outcome.model!.weights.forEach((w, j) => expect(w / c.estimates[j + 1]! - 1).toBeLessThan(1e-4))
    }
  })

  it('a validation split reports validation metrics on held-out rows', async () => {
    const outcome = await fitModel({ table: tutorialTable(), target: 'y', config: parseTrainConfig({ validationFraction: 0.2, epochs: 20, seed: 5 }) })
    expect(outcome.prepared.trainRows).toBe(12)
    expect(outcome.prepared.validationRows).toBe(3)
    expect(outcome.valLoss!.length).toBe(20)
    expect(outcome.metrics!.validation).not.toBeNull()
  })

  it('a diverged run has no model', async () => {
    const outcome = await fitModel({ table: tutorialTable(), target: 'y', config: parseTrainConfig({ learningRate: 5, epochs: 1000, standardize: false }) })
    expect(outcome.status).toBe('diverged')
    expect(outcome.model).toBeNull()
    expect(outcome.metrics).toBeNull()
  })
})
