import { describe, expect, it } from 'vitest'
import { parseTrainConfig } from '../../../src-core/train/config'
import { diffRows, flattenConfig } from './config-diff'

describe('flattening a configuration', () => {
  it('every setting of the default config is one row; nested objects become dotted paths', () => {
    const flat = flattenConfig(parseTrainConfig({}))
    // The settings table's order: data preparation, solver, optimizer hyperparameters, schedule, start, compute.
    expect(Object.keys(flat)).toEqual([
      'missing', 'validationFraction', 'standardize', 'intercept',
      'solver', 'optimizer', 'learningRate', 'epochs', 'batchSize', 'covariance', 'ciLevel',
      'momentum', 'dampening', 'nesterov', 'beta1', 'beta2', 'alpha', 'eps', 'centered', 'amsgrad', 'lrDecay', 'initialAccumulator', 'weightDecay',
      'schedule.kind', 'earlyStopping', 'seed', 'init.kind', 'precision', 'backend',
    ])
    expect(flat).toMatchObject({ solver: 'gd', optimizer: 'sgd', learningRate: 0.01, epochs: 100, batchSize: null, eps: 1e-8, 'schedule.kind': 'constant', earlyStopping: null, 'init.kind': 'zeros' })
  })

  it('keeps arrays whole and expands schedules and early stopping', () => {
    const flat = flattenConfig(
      parseTrainConfig({ schedule: { kind: 'step', stepSize: 10, gamma: 0.5 }, validationFraction: 0.2, earlyStopping: { patience: 5 }, init: { kind: 'explicit', weights: [1, 2] } }),
    )
    expect(flat['schedule.stepSize']).toBe(10)
    expect(flat['schedule.gamma']).toBe(0.5)
    expect(flat['earlyStopping.patience']).toBe(5)
    expect(flat['earlyStopping.minDelta']).toBe(0)
    expect(flat['earlyStopping.restoreBest']).toBe(true)
    expect(flat).not.toHaveProperty('earlyStopping')
    expect(flat['init.weights']).toEqual([1, 2])
    expect(flat['init.bias']).toBe(0)
  })
})

describe('diffing configurations', () => {
  it('a sweep differs only in the learning rate', () => {
    const records = [0.001, 0.01, 0.1, 1].map((learningRate) => flattenConfig(parseTrainConfig({ learningRate, standardize: false })))
    const rows = diffRows(records)
    expect(rows.filter((r) => r.differs).map((r) => r.path)).toEqual(['learningRate'])
    expect(rows.find((r) => r.path === 'learningRate')!.values).toEqual([0.001, 0.01, 0.1, 1])
    expect(rows).toHaveLength(Object.keys(records[0]!).length)
  })

  it('a setting only some runs have is a differing row, placed beside its parent', () => {
    const off = flattenConfig(parseTrainConfig({}))
    const on = flattenConfig(parseTrainConfig({ validationFraction: 0.2, earlyStopping: { patience: 3 } }))
    const rows = diffRows([off, on])
    const paths = rows.map((r) => r.path)
    const at = paths.indexOf('earlyStopping')
    expect(paths.slice(at, at + 4)).toEqual(['earlyStopping', 'earlyStopping.patience', 'earlyStopping.minDelta', 'earlyStopping.restoreBest'])
    expect(rows[at]!.values).toEqual([null, undefined])
    expect(rows[at + 1]!.values).toEqual([undefined, 3])
    expect(rows[at]!.differs && rows[at + 1]!.differs).toBe(true)
    expect(rows.filter((r) => r.differs).map((r) => r.path)).toEqual([
      'validationFraction',
      'earlyStopping',
      'earlyStopping.patience',
      'earlyStopping.minDelta',
      'earlyStopping.restoreBest',
    ])
  })

  it('marks the cells that differ from the baseline', () => {
    const rows = diffRows([{ lr: 1, opt: 'sgd' }, { lr: 2, opt: 'sgd' }, { lr: 1, opt: 'adam' }], 0)
    expect(rows).toEqual([
      { path: 'lr', values: [1, 2, 1], differs: true, fromBaseline: [false, true, false] },
      { path: 'opt', values: ['sgd', 'sgd', 'adam'], differs: true, fromBaseline: [false, false, true] },
    ])
    expect(diffRows([{ a: 1 }, { a: 2 }])[0]!.fromBaseline).toEqual([false, false])
  })

  it('compares arrays by their elements', () => {
    expect(diffRows([{ w: [1, 2] }, { w: [1, 2] }])[0]!.differs).toBe(false)
    expect(diffRows([{ w: [1, 2] }, { w: [1, 3] }])[0]!.differs).toBe(true)
  })
})
