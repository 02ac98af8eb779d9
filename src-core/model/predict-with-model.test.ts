import { describe, expect, it } from 'vitest'
import { readModelDocument, type ModelDocument } from '../model-file'
import { Table } from '../table/table'
import { importBytes } from '../testing/import-helpers'
import { inputErrorOf } from '../testing/input-error'
import { modelOfRun, predictWithModel } from './predict-with-model'

/** A model document written out by hand, as a person or another tool might: y = intercept + Σ c·x. */
function handModel(parts: { target?: string; coefficients: Record<string, number>; intercept: number; imputation?: Record<string, number> | null; oneHot?: ModelDocument['one_hot'] }) {
  const features = Object.keys(parts.coefficients)
  const metrics = { mse: 0, rmse: 0, mae: 0, r2: 1 }
  const document = {
    format: 'slope-linear-model',
    version: 1,
    app_version: '0.1.0',
    created_at: '2026-01-02T03:04:05.000Z',
    target: parts.target ?? 'y',
    features,
    coefficients: parts.coefficients,
    intercept: parts.intercept,
    fit_intercept: true,
    standardization: null,
    imputation: parts.imputation ?? null,
    metrics: { train: metrics, validation: null },
    training: { solver: 'lstsq', status: 'completed', epochs_run: 0, stopped_early: false, best_epoch: null, final_loss: null, final_val_loss: null, config: {} },
    dataset: { file: 'train.csv', sha256: 'ab'.repeat(32), rows: 10, train_rows: 10, validation_rows: 0, dropped_rows: 0 },
    ...(parts.oneHot ? { one_hot: parts.oneHot } : {}),
    statistics: null,
  }
  return readModelDocument(JSON.stringify(document), 'hand.json')
}

const f64 = (values: number[]) => Float64Array.from(values)

describe('predictWithModel', () => {
  it('predicts every row by feature name; metrics are over the rows with both a prediction and a target', () => {
    // ŷ = 1 + 2x − 0.5z; the table's column order differs from the model's.
    const model = handModel({ coefficients: { x: 2, z: -0.5 }, intercept: 1 })
    const table = new Table(['z', 'y', 'x'], [f64([2, 4, NaN, 0]), f64([4, 3, 9, NaN]), f64([1, 2, 3, 4])], { file: 'new.csv', firstRowNumber: 2 })
    const r = predictWithModel(table, model)
    // by hand: 1 + 2 − 1 = 2; 1 + 4 − 2 = 3; z missing; 1 + 8 − 0 = 9
    expect(Array.from(r.predicted)).toEqual([2, 3, NaN, 9])
    expect(Array.from(r.actual!)).toEqual([4, 3, 9, NaN])
    expect(r).toMatchObject({ target: 'y', features: ['x', 'z'], missingRows: 1, missingFeatureRows: 1, unknownLevels: [], metricRows: 2 })
    // rows 0 and 1: residuals −2 and 0 → MSE 2, MAE 1; ȳ = 3.5, TSS = 0.5, R² = 1 − 4/0.5 = −7
    expect(r.metrics).toEqual({ mse: 2, rmse: Math.sqrt(2), mae: 1, r2: -7 })
  })

  it('without the target column there are predictions but no metrics', () => {
    const model = handModel({ coefficients: { x: 3 }, intercept: -1 })
    const r = predictWithModel(new Table(['x'], [f64([0, 1])]), model)
    expect(Array.from(r.predicted)).toEqual([-1, 2])
    expect(r.actual).toBeNull()
    expect(r.metrics).toBeNull()
    expect(r.metricRows).toBe(0)
  })

  it('fills a missing cell with the model’s training mean (missing policy "mean")', () => {
    const model = handModel({ coefficients: { x: 2 }, intercept: 1, imputation: { x: 10 } })
    const r = predictWithModel(new Table(['x'], [f64([1, NaN])]), model)
    expect(Array.from(r.predicted)).toEqual([3, 21])
    expect(r.missingRows).toBe(0)
  })

  it('encodes text columns with the model’s levels; an unseen level gets no prediction, an empty cell counts as missing', async () => {
    // ŷ = 0.5 + x + 2·[city = B] − [city = C]; reference A.
    const model = handModel({
      coefficients: { x: 1, 'city=B': 2, 'city=C': -1 },
      intercept: 0.5,
      oneHot: [{ column: 'city', reference: 'A', levels: ['B', 'C'] }],
    })
    const imported = await importBytes('city,x,y\nA,10,10.5\nB,10,12\nC,10.5,10\nD,10,3\n,1,2\nB,,4\n', 'new.csv')
    const r = predictWithModel(imported, model)
    // by hand: 0.5 + 10; 0.5 + 10 + 2; 0.5 + 10.5 − 1; D unseen; empty city; empty x
    expect(Array.from(r.predicted)).toEqual([10.5, 12.5, 10, NaN, NaN, NaN])
    expect(r.unknownLevels).toEqual([{ column: 'city', rows: 1 }])
    expect(r).toMatchObject({ missingRows: 3, missingFeatureRows: 2, metricRows: 3 })
    expect(r.table.names).toEqual(expect.arrayContaining(['city=B', 'city=C']))
    expect(Array.from(r.table.column('city=B'))).toEqual([0, 1, 0, NaN, NaN, 1])
    // rows 0–2: residuals 0, −0.5, 0 → MSE 1/12, MAE 1/6
    expect(r.metrics!.mse).toBeCloseTo(0.25 / 3, 15)
    expect(r.metrics!.mae).toBeCloseTo(0.5 / 3, 15)
  })

  it('under mean imputation an unseen level still gets no prediction, while an empty cell is filled', async () => {
    const model = handModel({
      coefficients: { 'city=B': 2 },
      intercept: 1,
      imputation: { 'city=B': 0.25 },
      oneHot: [{ column: 'city', reference: 'A', levels: ['B'] }],
    })
    const imported = await importBytes('city,note\nA,1\nB,2\nZ,3\n,4\nB,5\n', 'new.csv')
    const r = predictWithModel(imported, model)
    // by hand: 1; 1 + 2; Z unseen → none (filling 0.25 would invent a category); empty → 1 + 2·0.25
    expect(Array.from(r.predicted)).toEqual([1, 3, NaN, 1.5, 3])
    expect(r).toMatchObject({ missingRows: 1, missingFeatureRows: 0, unknownLevels: [{ column: 'city', rows: 1 }] })
  })

  it('a table that lacks the model’s columns gets the sentence naming them', () => {
    const model = handModel({ coefficients: { x: 1, 'city=B': 2 }, intercept: 0, oneHot: [{ column: 'city', reference: 'A', levels: ['B'] }] })
    const e = inputErrorOf(() => predictWithModel(new Table(['x'], [f64([1])], { file: 'plain.csv' }), model))
    expect(e.message).toBe('There is no column "city=B" in plain.csv.')
  })

  it('a run without a model says so', () => {
    expect(inputErrorOf(() => modelOfRun({ name: 'lr=5', model: null })).sentence).toBe('Run "lr=5" has no model to predict with. Choose a completed run.')
  })
})
