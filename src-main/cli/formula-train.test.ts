import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { lre, nistDir } from '../../src-core/testing/nist'
import { pythonModuleMissing, runPythonJson, systemPython } from '../../src-core/testing/python'
import { repoRoot, runCli } from '../testing/run-cli'

const tmp = mkdtempSync(join(tmpdir(), 'slope-formula-cli-'))
const tutorial = 'resources/examples/tutorial.csv'

/** NIST's Filip.dat as a CSV with the file's own number texts (data from line 61: y x). */
function filipCsv(): string {
  const rows = readFileSync(join(nistDir, 'Filip.dat'), 'latin1').split(/\r?\n/).slice(60).map((l) => l.trim()).filter((l) => l.length > 0)
  const path = join(tmp, 'filip.csv')
  writeFileSync(path, `y,x\n${rows.map((r) => r.split(/\s+/).join(',')).join('\n')}\n`)
  return path
}

describe('slope train --formula', () => {
  it('fits NIST Filip as y ~ poly(x, 10) with every certified coefficient and standard error to LRE ≥ 7', async () => {
    const r = await runCli(['train', filipCsv(), '--formula', 'y ~ poly(x, 10)', '--solver', 'lstsq', '--no-db', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const doc = JSON.parse(r.stdout)
    const certified = JSON.parse(readFileSync(join(nistDir, 'certified.json'), 'utf8')).Filip
    const names = ['x', ...Array.from({ length: 9 }, (_, k) => `I(x ^ ${k + 2})`)]
    expect(doc.model.features).toEqual(names)
    const estimates = [doc.model.intercept, ...names.map((n) => doc.model.coefficients[n])]
    const stdErrors = ['(intercept)', ...names].map((n) => doc.model.statistics.std_errors[n])
    estimates.forEach((v: number, i: number) => expect(lre(v, certified.estimates[i]), `B${i}`).toBeGreaterThanOrEqual(7))
    stdErrors.forEach((v: number, i: number) => expect(lre(v, certified.std_errors[i]), `SE${i}`).toBeGreaterThanOrEqual(7))
    expect(lre(doc.model.statistics.residual_sd, certified.residual_sd)).toBeGreaterThanOrEqual(7)
  })

  it('trains gradient descent on the expanded design, standardized per design column', async () => {
    const r = await runCli(['train', tutorial, '--formula', 'y ~ x + I(x ^ 2)', '--lr', '0.1', '--epochs', '3000', '--no-db', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const doc = JSON.parse(r.stdout)
    const rows = readFileSync(tutorial, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number))
    const x2 = rows.map(([x]) => x! ** 2)
    const mean = x2.reduce((a, b) => a + b, 0) / x2.length
    const sd = Math.sqrt(x2.reduce((a, b) => a + (b - mean) ** 2, 0) / x2.length)
    expect(doc.model.features).toEqual(['x', 'I(x ^ 2)'])
    expect(doc.model.standardization.mean['I(x ^ 2)']).toBeCloseTo(mean, 10)
    expect(doc.model.standardization.scale['I(x ^ 2)']).toBeCloseTo(sd, 10)
    expect(doc.exact.available).toBe(true)
    expect(doc.exact.distance).toBeLessThan(1e-4)
    expect(doc.formula).toMatchObject({ text: 'y ~ x + I(x ^ 2)', intercept: true, columns: ['x', 'I(x ^ 2)'] })
  })

  it('takes the intercept from the formula: - 1 fits without one', async () => {
    const r = await runCli(['train', tutorial, '--formula', 'y ~ x - 1', '--solver', 'lstsq', '--no-db', '--json'])
    expect(r.code, r.stderr).toBe(0)
    const doc = JSON.parse(r.stdout)
    const rows = readFileSync(tutorial, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number))
    // Through the origin: β = Σxy / Σx².
    const beta = rows.reduce((a, [x, y]) => a + x! * y!, 0) / rows.reduce((a, [x]) => a + x! * x!, 0)
    expect(doc.model.fit_intercept).toBe(false)
    expect(doc.model.coefficients.x).toBeCloseTo(beta, 12)
  })

  it('names the position and the nearest column of an unknown name, and refuses --target beside it', async () => {
    const unknown = await runCli(['train', tutorial, '--formula', 'y ~ xx', '--no-db'])
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toContain('Formula "y ~ xx" at 5: unknown column `xx`; did you mean `x`?')
    const both = await runCli(['train', tutorial, '--formula', 'y ~ x', '--target', 'y', '--no-db'])
    expect(both.code).not.toBe(0)
    expect(both.stderr).toContain('--formula names the columns itself, so --target cannot go with it.')
  })
})

const statsmodelsMissing = pythonModuleMissing('statsmodels')

describe.skipIf(statsmodelsMissing !== null)(`slope predict with a formula model${statsmodelsMissing ? ` (skipped: ${statsmodelsMissing})` : ''}`, () => {
  it('predicts what statsmodels’ fit.predict does on new rows, with the training levels and scale() statistics, and back-transforms log(y)', async () => {
    const script = fileURLToPath(new URL('../../bench/reference/statsmodels_ols.py', import.meta.url))
    const train = join(tmp, 'grunfeld.csv')
    runPythonJson(script, { export: { grunfeld: train }, cases: [] })
    // New rows: every other training row with value and capital changed, so that scale() must use the training statistics.
    const [header, ...lines] = readFileSync(train, 'utf8').trim().split('\n')
    const cols = header!.split(',')
    const fresh = lines
      .filter((_, i) => i % 2 === 0)
      .map((l) => l.split(','))
      .map((cells) => cells.map((c, j) => (cols[j] === 'value' || cols[j] === 'capital' ? String(Number(c) * 1.25 + 3) : c)).join(','))
    const newRows = join(tmp, 'grunfeld-new.csv')
    writeFileSync(newRows, `${header}\n${fresh.join('\n')}\n`)
    const formula = 'log(invest) ~ value * firm + scale(capital)'
    const [reference] = runPythonJson<{ predicted: number[] }[]>(script, { export: {}, cases: [{ csv: train, formula, predict_csv: newRows }] })

    const model = join(tmp, 'grunfeld-model.json')
    const t = await runCli(['train', train, '--formula', formula, '--solver', 'lstsq', '--no-db', '--out', model])
    expect(t.code, t.stderr).toBe(0)
    const doc = JSON.parse(readFileSync(model, 'utf8'))
    expect(doc.formula).toMatchObject({ text: formula, response_column: 'invest', back_transform: 'exp' })
    const p = await runCli(['predict', model, newRows])
    expect(p.code, p.stderr).toBe(0)
    const out = p.stdout.trim().split('\n').map((l) => l.split(','))
    const h = out[0]!
    expect(h.slice(-2)).toEqual(['predicted_log(invest)', 'predicted_invest'])
    const rows = out.slice(1)
    expect(rows).toHaveLength(reference!.predicted.length)
    rows.forEach((r, i) => {
      const predicted = Number(r[h.length - 2])
      expect(Math.abs(predicted - reference!.predicted[i]!) / Math.abs(reference!.predicted[i]!), `row ${i}`).toBeLessThan(1e-9)
      expect(Number(r[h.length - 1])).toBeCloseTo(Math.exp(predicted), 9)
    })

    // README's Python recipe for formula models, run as written on the same files.
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')
    const recipe = /```python\n(import csv, json, math, re\n[\s\S]*?)```/.exec(readme)![1]!
    const dir = mkdtempSync(join(tmp, 'recipe-'))
    writeFileSync(join(dir, 'recipe.py'), recipe)
    copyFileSync(model, join(dir, 'model.json'))
    copyFileSync(newRows, join(dir, 'new.csv'))
    const py = spawnSync(systemPython, ['recipe.py'], { cwd: dir, encoding: 'utf8' })
    expect(py.status, py.stderr).toBe(0)
    const printed = py.stdout.trim().split('\n').map((l) => l.split(' ').map(Number))
    expect(printed).toHaveLength(rows.length)
    printed.forEach(([y, back], i) => {
      const predicted = Number(rows[i]![h.length - 2])
      expect(Math.abs(y! - predicted) / Math.abs(predicted), `recipe row ${i}`).toBeLessThan(1e-12)
      expect(back).toBeCloseTo(Number(rows[i]![h.length - 1]), 9)
    })
  }, 120_000) // two Python runs and two CLI runs on a busy machine
})
