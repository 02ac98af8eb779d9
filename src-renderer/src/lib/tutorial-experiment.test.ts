import { describe, expect, it } from 'vitest'
import { tutorialTable } from '../../../src-core/testing/tutorial'
import { parseTrainConfig } from '../../../src-core/train/config'
import { fitModel } from '../../../src-core/train/fit-model'
import { isTutorialExperiment, tutorialExperiment } from './tutorial-experiment'

describe('the tutorial’s experiment (resources/examples/tutorial-experiment.json)', () => {
  it('holds 50 printed losses, the first the 2.9266694 the tutorial prints (to its 1e-6)', () => {
    expect(tutorialExperiment.losses).toHaveLength(50)
    expect(Math.abs(tutorialExperiment.losses[0]! - 2.9266694)).toBeLessThan(1e-6)
  })

  for (const precision of ['f64', 'f32'] as const) {
    it(`Slope’s core (${precision}) reproduces every printed loss to within 1e-6`, async () => {
      const config = parseTrainConfig({ ...tutorialExperiment.config, precision })
      const outcome = await fitModel({ table: tutorialTable(), target: 'y', config })
      expect(outcome.loss).toHaveLength(50)
      const worst = Math.max(...tutorialExperiment.losses.map((l, i) => Math.abs(outcome.loss[i]! - l)))
      expect(worst).toBeLessThan(1e-6)
    })
  }

  it('recognizes the experiment only with all of its settings', () => {
    const config = parseTrainConfig(tutorialExperiment.config)
    const run = { datasetName: 'tutorial.csv', target: 'y', features: ['x'], config }
    expect(isTutorialExperiment(run)).toBe(true)
    expect(isTutorialExperiment({ ...run, config: { ...config, standardize: true } })).toBe(false)
    expect(isTutorialExperiment({ ...run, config: { ...config, init: { kind: 'zeros' } } })).toBe(false)
    expect(isTutorialExperiment({ ...run, datasetName: 'other.csv' })).toBe(false)
  })
})
