import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { pythonModuleMissing, systemPython } from '../../src-core/testing/python'
import { repoRoot, runCli } from '../testing/run-cli'

/**
 * README's Python recipes for applying a model file, run as written (python3 from Debian, as the
 * parity tests use) against `slope predict` on the same rows: the one for plain and `--one-hot` /
 * `--missing mean` models, and the one for intervals. The formula recipe is run by formula-train.test.ts.
 */
const tmp = mkdtempSync(join(tmpdir(), 'slope-readme-recipes-'))
const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8')
const applyRecipe = /```python\n(import json, csv\n[\s\S]*?)```/.exec(readme)?.[1]
const intervalRecipe = /```python\n(import numpy as np\n[\s\S]*?)```/.exec(readme)?.[1]

/** Rows with a text column of three levels and a feature with blank cells, from a fixed recurrence. */
function writeData(path: string, rows: number, offset: number): void {
  const lines = ['x1,x2,sex,y']
  for (let i = 0; i < rows; i++) {
    const k = i + offset
    const x1 = ((k * 37) % 23) / 4 - 2
    const x2 = ((k * 11) % 17) / 3
    const sex = ['F', 'M', 'X'][k % 3]!
    const y = 1.5 + 2 * x1 - 0.7 * x2 + (sex === 'M' ? 0.9 : sex === 'X' ? -0.4 : 0) + (((k * 7919) % 101) / 101 - 0.5)
    lines.push(`${x1},${k % 7 === 3 ? '' : x2},${sex},${y}`)
  }
  writeFileSync(path, lines.join('\n') + '\n')
}

/** The numbers of `slope predict`'s CSV: the named columns of each row. */
function predictColumns(csv: string, names: string[]): number[][] {
  const [head, ...rows] = csv.trim().split('\n').map((l) => l.split(','))
  const index = names.map((n) => head!.indexOf(n))
  expect(index, `columns ${names.join(', ')} in ${head!.join(',')}`).not.toContain(-1)
  return rows.map((r) => index.map((i) => Number(r[i])))
}

function runPython(dir: string, script: string): number[][] {
  writeFileSync(join(dir, 'recipe.py'), script)
  const py = spawnSync(systemPython, ['recipe.py'], { cwd: dir, encoding: 'utf8' })
  expect(py.status, py.stderr).toBe(0)
  return py.stdout
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number))
}

describe("README's model-file recipes", () => {
  it('finds both recipes in README', () => {
    expect(applyRecipe, 'the recipe starting "import json, csv"').toBeDefined()
    expect(intervalRecipe, 'the recipe starting "import numpy as np"').toBeDefined()
  })

  it('predicts a --one-hot --missing mean model as slope predict does', async () => {
    const dir = mkdtempSync(join(tmp, 'apply-'))
    writeData(join(dir, 'train.csv'), 60, 0)
    writeData(join(dir, 'new.csv'), 20, 1000)
    const model = join(dir, 'model.json')
    const t = await runCli(['train', join(dir, 'train.csv'), '--target', 'y', '--one-hot', 'sex', '--missing', 'mean', '--solver', 'lstsq', '--no-db', '--out', model])
    expect(t.code, t.stderr).toBe(0)
    const doc = JSON.parse(readFileSync(model, 'utf8'))
    // The case the recipe must cover: one-hot features and an imputed feature.
    expect(doc.features).toEqual(expect.arrayContaining(['sex=M', 'sex=X']))
    expect(doc.imputation).toHaveProperty('x2')
    const p = await runCli(['predict', model, join(dir, 'new.csv')])
    expect(p.code, p.stderr).toBe(0)
    const expected = predictColumns(p.stdout, ['predicted_y']).map(([v]) => v!)
    const printed = runPython(dir, applyRecipe!).map(([v]) => v!)
    expect(printed).toHaveLength(expected.length)
    printed.forEach((v, i) => expect(Math.abs(v - expected[i]!), `row ${i}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected[i]!))))
  }, 120_000)

  const intervals = pythonModuleMissing('numpy') ?? pythonModuleMissing('scipy')
  it.skipIf(intervals)(`computes both intervals as slope predict --interval does${intervals ? ` (skipped: ${intervals})` : ''}`, async () => {
    const dir = mkdtempSync(join(tmp, 'interval-'))
    writeData(join(dir, 'train.csv'), 60, 0)
    writeData(join(dir, 'all.csv'), 20, 1000)
    // The interval recipe reads plain numeric features: a model of x1 and x2 on complete rows.
    const complete = (src: string, dst: string) =>
      writeFileSync(dst, readFileSync(src, 'utf8').split('\n').filter((l) => !l.includes(',,')).join('\n'))
    complete(join(dir, 'train.csv'), join(dir, 'train-complete.csv'))
    complete(join(dir, 'all.csv'), join(dir, 'new.csv'))
    const model = join(dir, 'model.json')
    const t = await runCli(['train', join(dir, 'train-complete.csv'), '--target', 'y', '--features', 'x1,x2', '--solver', 'lstsq', '--cov', 'HC3', '--no-db', '--out', model])
    expect(t.code, t.stderr).toBe(0)
    for (const kind of ['confidence', 'prediction'] as const) {
      const p = await runCli(['predict', model, join(dir, 'new.csv'), '--interval', kind, '--level', '0.9'])
      expect(p.code, p.stderr).toBe(0)
      const expected = predictColumns(p.stdout, ['lower_y', 'upper_y'])
      const driver = `${applyRecipe!.split('for row in csv.DictReader')[0]}\n${intervalRecipe!}\nfor row in csv.DictReader(open("new.csv")):\n    print(*interval(row, 0.9, "${kind}"))\n`
      const printed = runPython(dir, driver)
      expect(printed).toHaveLength(expected.length)
      printed.forEach((pair, i) =>
        pair.forEach((v, j) => expect(Math.abs(v - expected[i]![j]!), `${kind} row ${i} ${j ? 'upper' : 'lower'}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(v)))),
      )
    }
  }, 120_000)
})
