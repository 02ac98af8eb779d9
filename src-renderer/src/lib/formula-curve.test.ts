import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { predictCommand } from '../../../src-main/cli/predict-command'
import { buildDesign, designTable } from '../../../src-core/formula/design-matrix'
import { formulaDocument } from '../../../src-core/formula/formula-document'
import { buildModelDocument, readModelDocument } from '../../../src-core/model-file'
import { Table } from '../../../src-core/table/table'
import { parseTrainConfig } from '../../../src-core/train/config'
import { fitModel } from '../../../src-core/train/fit-model'
import { curveColumn, formulaBand, formulaCurve } from './formula-curve'

const noState = { factors: [], transforms: [] }

describe('the fitted curve of a one-column formula', () => {
  it('evaluates y ~ x + I(x ^ 2) as b + w1·x + w2·x² on the grid', () => {
    const curve = formulaCurve({ formula: 'y ~ x + I(x ^ 2)', weights: [2, -0.5], intercept: 1, state: noState }, 'x', -2, 2, 5)
    expect(curve).toEqual([-2, -1, 0, 1, 2].map((x) => ({ x, y: 1 + 2 * x - 0.5 * x * x })))
  })

  it('poly(x, 3) gives the raw powers; a log term over the data\'s (positive) range', () => {
    const cubic = formulaCurve({ formula: 'y ~ poly(x, 3)', weights: [1, 0, 1], intercept: 0, state: noState }, 'x', 0, 3, 4)
    expect(cubic.map((p) => p.y)).toEqual([0, 2, 10, 30])
    const log = formulaCurve({ formula: 'y ~ log(x)', weights: [3], intercept: 0, state: noState }, 'x', 1, Math.E, 2)
    expect(log).toEqual([{ x: 1, y: 0 }, { x: Math.E, y: 3 }])
  })

  it('scale(x) uses the training mean and deviation the model remembers', () => {
    const curve = formulaCurve({ formula: 'y ~ scale(x)', weights: [2], intercept: 0, state: { factors: [], transforms: [{ name: 'scale(x)', mean: 10, scale: 5 }] } }, 'x', 10, 20, 3)
    expect(curve.map((p) => p.y)).toEqual([0, 2, 4])
  })

  it('is a curve only when every term reads the same one column', () => {
    expect(curveColumn('y ~ x + I(x ^ 2) + log(x)', ['y', 'x', 'z'])).toBe('x')
    expect(curveColumn('y ~ poly(x, 10) - 1', ['y', 'x'])).toBe('x')
    expect(curveColumn('y ~ x + z', ['y', 'x', 'z'])).toBeNull()
    expect(curveColumn('y ~ x:z', ['y', 'x', 'z'])).toBeNull()
    expect(curveColumn('y ~ x + nope', ['y', 'x'])).toBeNull()
  })
})

describe('the band around a one-column formula\'s curve', () => {
  // y ~ x + I(x ^ 2) on 8 points: df_residual = 5.
  const xs = [0, 1, 2, 3, 4, 5, 6, 7]
  const noise = [0.3, -0.2, 0.1, -0.4, 0.25, 0.05, -0.15, 0.2]
  const ys = xs.map((x, i) => 1 + 0.5 * x - 0.2 * x * x + noise[i]!)
  const formula = 'y ~ x + I(x ^ 2)'

  async function exactModel() {
    const data = { table: new Table(['x', 'y'], [Float64Array.from(xs), Float64Array.from(ys)]), textColumns: new Map(), columns: [] }
    const design = buildDesign(formula, data)
    const config = parseTrainConfig({ solver: 'lstsq' })
    const outcome = await fitModel({ table: designTable(design, data.table.source), target: design.response!.name, config })
    const doc = { ...buildModelDocument(outcome, config, { file: 'quad.csv', sha256: 'ab'.repeat(32), rows: xs.length }, '0.1.0'), formula: formulaDocument(design) }
    return { doc, model: readModelDocument(JSON.stringify(doc), 'quad.json') }
  }

  it('equals `slope predict --interval` on the same model at the grid points', async () => {
    const { doc, model } = await exactModel()
    const dir = mkdtempSync(join(tmpdir(), 'slope-band-'))
    const grid = [0, 1.75, 3.5, 5.25, 7] // formulaBand's 5-point grid over [0, 7]
    writeFileSync(join(dir, 'model.json'), JSON.stringify(doc))
    writeFileSync(join(dir, 'x.csv'), `x\n${grid.join('\n')}\n`)
    for (const kind of ['confidence', 'prediction'] as const) {
      const out = join(dir, `${kind}.csv`)
      const stderr = process.stderr.write
      process.stderr.write = () => true // the command's row-count note
      try {
        expect(await predictCommand([join(dir, 'model.json'), join(dir, 'x.csv'), '--interval', kind, '--level', '0.9', '--out', out])).toBe(0)
      } finally {
        process.stderr.write = stderr
      }
      const rows = readFileSync(out, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').map(Number))
      const band = formulaBand(model, 'x', 0, 7, kind, 0.9, 5)
      expect(band.lower.map((p) => p.x)).toEqual(grid)
      // CSV columns: row, x, I(x ^ 2), predicted_y, lower_y, upper_y
      band.lower.forEach((p, i) => expect(p.y).toBeCloseTo(rows[i]!.at(-2)!, 12))
      band.upper.forEach((p, i) => expect(p.y).toBeCloseTo(rows[i]!.at(-1)!, 12))
    }
  })

  it('at x = 3.5 is ŷ ± t(0.975; 5)·√(x₀ᵀ s²(XᵀX)⁻¹ x₀ [+ s²]) by hand', async () => {
    const { model } = await exactModel()
    // Normal equations for [1, x, x²], solved by Gauss–Jordan: independent of the QR the fit used.
    const X = xs.map((x) => [1, x, x * x])
    const xtx = [0, 1, 2].map((j) => [0, 1, 2].map((k) => X.reduce((s, r) => s + r[j]! * r[k]!, 0)))
    const xty = [0, 1, 2].map((j) => X.reduce((s, r, i) => s + r[j]! * ys[i]!, 0))
    const aug = xtx.map((row, j) => [...row, ...[0, 1, 2].map((k) => (j === k ? 1 : 0))])
    for (let c = 0; c < 3; c++) {
      const p = aug[c]![c]!
      aug[c] = aug[c]!.map((v) => v / p)
      for (let r = 0; r < 3; r++) if (r !== c) aug[r] = aug[r]!.map((v, k) => v - aug[r]![c]! * aug[c]![k]!)
    }
    const inv = aug.map((row) => row.slice(3))
    const beta = inv.map((row) => row.reduce((s, v, k) => s + v * xty[k]!, 0))
    const rss = X.reduce((s, r, i) => s + (ys[i]! - (beta[0]! + beta[1]! * r[1]! + beta[2]! * r[2]!)) ** 2, 0)
    const s2 = rss / (xs.length - 3)
    const x0 = [1, 3.5, 3.5 * 3.5]
    const q = x0.reduce((s, a, j) => s + x0.reduce((u, b, k) => u + a * inv[j]![k]! * b, 0), 0)
    const yHat = beta[0]! + beta[1]! * 3.5 + beta[2]! * 12.25
    const t975df5 = 2.5705818366147395 // Student t, 0.975 quantile, 5 degrees of freedom (R: qt(0.975, 5))
    const confidence = formulaBand(model, 'x', 0, 7, 'confidence', 0.95, 3)
    const prediction = formulaBand(model, 'x', 0, 7, 'prediction', 0.95, 3)
    expect(confidence.lower[1]!.x).toBe(3.5)
    expect(confidence.lower[1]!.y).toBeCloseTo(yHat - t975df5 * Math.sqrt(s2 * q), 9)
    expect(confidence.upper[1]!.y).toBeCloseTo(yHat + t975df5 * Math.sqrt(s2 * q), 9)
    expect(prediction.upper[1]!.y).toBeCloseTo(yHat + t975df5 * Math.sqrt(s2 * q + s2), 9)
  })

  it('a gradient-descent model has none: its reason, not a band', async () => {
    const data = { table: new Table(['x', 'y'], [Float64Array.from(xs), Float64Array.from(ys)]), textColumns: new Map(), columns: [] }
    const design = buildDesign(formula, data)
    const config = parseTrainConfig({ solver: 'gd', epochs: 5, learningRate: 0.01 })
    const outcome = await fitModel({ table: designTable(design, data.table.source), target: design.response!.name, config })
    const doc = { ...buildModelDocument(outcome, config, { file: 'quad.csv', sha256: 'ab'.repeat(32), rows: xs.length }, '0.1.0'), formula: formulaDocument(design) }
    expect(() => formulaBand(readModelDocument(JSON.stringify(doc), 'gd.json'), 'x', 0, 7, 'confidence', 0.95)).toThrow('gradient descent')
  })
})
