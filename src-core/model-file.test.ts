import { readFileSync } from 'node:fs'
import Ajv2020 from 'ajv/dist/2020.js'
import { describe, expect, it } from 'vitest'
import { InputError } from './errors'
import { buildModelDocument, modelJsonSchema, readModelDocument } from './model-file'
import { predictTable } from './model/predict-table'
import { Table } from './table/table'
import { tutorialTable } from './testing/tutorial'
import { parseTrainConfig } from './train/config'
import { fitModel } from './train/fit-model'

const schemaFile = JSON.parse(readFileSync(new URL('../resources/model.schema.json', import.meta.url), 'utf8'))
const dataset = { file: 'tutorial.csv', sha256: 'ab'.repeat(32), rows: 15 }

async function exported(solver: 'gd' | 'lstsq', table = tutorialTable(), target = 'y') {
  const config = parseTrainConfig({ solver, epochs: 300, learningRate: 0.1 })
  const outcome = await fitModel({ table, target, config })
  return buildModelDocument(outcome, config, dataset, '0.1.0', new Date('2026-01-02T03:04:05Z'))
}

describe('model document', () => {
  it('resources/model.schema.json is the one generated from the zod schema (npm run schema)', () => {
    expect(schemaFile).toEqual(JSON.parse(JSON.stringify(modelJsonSchema())))
  })

  it('exported documents validate against the JSON Schema with an independent validator (ajv)', async () => {
    const validate = new Ajv2020({ strict: false }).compile(schemaFile)
    for (const solver of ['gd', 'lstsq'] as const) {
      const doc = JSON.parse(JSON.stringify(await exported(solver)))
      expect(validate(doc), JSON.stringify(validate.errors)).toBe(true)
    }
  })

  it('least squares carries statistics keyed by feature and "(intercept)"', async () => {
    const doc = await exported('lstsq')
    expect(Object.keys(doc.statistics!.std_errors).sort()).toEqual(['(intercept)', 'x'])
    expect(doc.statistics!.df_residual).toBe(13)
    expect(doc.training.solver).toBe('lstsq')
    expect(doc.dataset).toMatchObject({ file: 'tutorial.csv', rows: 15, train_rows: 15 })
  })

  it('predicting with the file’s coefficients reproduces the run’s predictions (plain arithmetic, no Slope)', async () => {
    const doc = JSON.parse(JSON.stringify(await exported('gd')))
    const x = 6.182
    const byHand = doc.intercept + doc.coefficients.x * x
    const loaded = readModelDocument(JSON.stringify(doc), 'model.json')
    const t = new Table(['x'], [Float64Array.from([x])])
    expect(predictTable(t, loaded).predicted[0]).toBeCloseTo(byHand, 14)
  })

  it('a feature called "__proto__" round-trips as an ordinary key', async () => {
    const t = tutorialTable()
    const table = new Table(['__proto__', 'y'], [...t.columns])
    const doc = await exported('lstsq', table)
    const text = JSON.stringify(doc)
    expect(text).toContain('"__proto__":')
    const loaded = readModelDocument(text, 'model.json')
    expect(loaded.weights[0]).toBe(doc.coefficients['__proto__'])
    expect(Object.getPrototypeOf({})).toBe(Object.prototype)
  })

  it('rejects what is not a Slope model, naming the problem', () => {
    const cases: [string, string][] = [
      ['{nope', 'is not valid JSON'],
      ['{"format": "other"}', 'is not a Slope model'],
      ['{"format": "slope-linear-model", "version": 99}', 'newer Slope'],
      ['{"format": "slope-linear-model", "version": 1}', 'invalid field'],
    ]
    for (const [text, expected] of cases) {
      expect(() => readModelDocument(text, 'm.json')).toThrow(InputError)
      expect(() => readModelDocument(text, 'm.json')).toThrow(expected)
    }
  })

  it('a diverged run cannot be exported', async () => {
    const config = parseTrainConfig({ learningRate: 5, epochs: 500, standardize: false })
    const outcome = await fitModel({ table: tutorialTable(), target: 'y', config })
    expect(() => buildModelDocument(outcome, config, dataset, '0.1.0')).toThrow('diverged')
  })
})
