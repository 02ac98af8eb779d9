import { mkdtempSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { leastSquares } from '../model/least-squares'
import { bytesSource } from '../table/byte-source'
import { importTable } from '../table/import-table'
import { tmpdir } from 'node:os'
import { pythonModuleMissing, runPythonJson } from '../testing/python'
import { buildDesign } from './design-matrix'

// Real data: statsmodels' datasets (written to CSV by the reference script) and the repo's examples.
const script = fileURLToPath(new URL('../../bench/reference/statsmodels_ols.py', import.meta.url))
const longley = fileURLToPath(new URL('../../resources/examples/longley.csv', import.meta.url))
const tutorial = fileURLToPath(new URL('../../resources/examples/tutorial.csv', import.meta.url))

interface Case {
  data: string
  /** As Slope reads it; `patsy` when statsmodels needs other spelling for the same model. */
  formula: string
  patsy?: string
}

const cases: Case[] = [
  { data: 'engel', formula: 'log(foodexp) ~ log(income)' },
  { data: 'engel', formula: 'foodexp ~ income + I(income ** 2)' },
  { data: 'stackloss', formula: 'STACKLOSS ~ (AIRFLOW + WATERTEMP + ACIDCONC)^2', patsy: 'STACKLOSS ~ (AIRFLOW + WATERTEMP + ACIDCONC)**2' },
  { data: 'stackloss', formula: 'STACKLOSS ~ AIRFLOW * WATERTEMP - 1' },
  { data: 'grunfeld', formula: 'invest ~ value * firm' },
  { data: 'grunfeld', formula: 'invest ~ value + capital + C(firm, Treatment("US Steel"))' },
  { data: 'grunfeld', formula: 'invest ~ 0 + firm + value:firm' },
  { data: 'grunfeld', formula: 'invest ~ C(year) + log1p(capital) + sqrt(value)' },
  { data: 'fair', formula: 'affairs ~ C(occupation, Treatment(3)) * age + sqrt(yrs_married) + exp(I(-educ / 10))' },
  { data: longley, formula: 'employment ~ scale(gnp) + center(population) + log10(armed_forces) + log2(unemployed)' },
  { data: tutorial, formula: 'y ~ x + I(x ** 2) + abs(x - 3) + 0' },
]

const missing = pythonModuleMissing('statsmodels')
const dir = mkdtempSync(join(tmpdir(), 'slope-formula-'))
const csvOf = (data: string) => (data.endsWith('.csv') ? data : join(dir, `${data}.csv`))

describe.skipIf(missing !== null)(`formulas against statsmodels' ols(formula, data)${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let reference: { names: string[]; params: number[]; bse: number[] }[] = []
  beforeAll(() => {
    const exported = Object.fromEntries(cases.filter((c) => !c.data.endsWith('.csv')).map((c) => [c.data, csvOf(c.data)]))
    reference = runPythonJson(script, { export: exported, cases: cases.map((c) => ({ csv: csvOf(c.data), formula: c.patsy ?? c.formula })) })
  }, 120_000) // statsmodels' import and eleven fits: seconds on a busy machine

  cases.forEach((c, k) => {
    it(`${c.formula}: term names, coefficients and standard errors within 1e-9`, async () => {
      const file = csvOf(c.data)
      const imported = await importTable(bytesSource(file, new Uint8Array(readFileSync(file))))
      const design = buildDesign(c.formula, imported)
      const n = design.response!.values.length
      const d = design.columns.length
      const X = new Float64Array(n * d)
      for (let j = 0; j < d; j++) for (let i = 0; i < n; i++) X[i * d + j] = design.values[j]![i]!
      const fit = leastSquares({ X, y: design.response!.values, features: design.columns.map((col) => col.name), intercept: design.intercept })
      const ref = reference[k]!
      const names = design.intercept ? ['Intercept', ...design.columns.map((col) => col.name)] : design.columns.map((col) => col.name)
      expect(names).toEqual(ref.names)
      const params = design.intercept ? [fit.intercept, ...fit.weights] : fit.weights
      const bse = (design.intercept ? [fit.interceptStats!, ...fit.coefficients] : fit.coefficients).map((s) => s.stdError)
      params.forEach((v, i) => expect(Math.abs(v - ref.params[i]!) / Math.abs(ref.params[i]!), `${names[i]} coefficient`).toBeLessThan(1e-9))
      bse.forEach((v, i) => expect(Math.abs(v - ref.bse[i]!) / Math.abs(ref.bse[i]!), `${names[i]} standard error`).toBeLessThan(1e-9))
    })
  })
})
