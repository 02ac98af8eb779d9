import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as XLSX from '@e965/xlsx'
import { expect, openTutorial, screenshot, test as base, trainRun } from './fixtures'
import type { SlopeServer } from './slope-server'
import { privateSlope } from './private-slope'

const test = base.extend<{}, { slope: SlopeServer }>({
  // Its own server and database: the gradient-descent test (first) must find no exact fit of the
  // tutorial yet, whatever other specs trained.
  slope: privateSlope(),
})

const root = join(import.meta.dirname, '..', '..')
const tutorial = join(root, 'resources/examples/tutorial.csv')

/** The CLI's --diagnostics file for the tutorial's exact fit: the reference the app's save must match. */
function cliDiagnostics(): string[][] {
  const out = join(mkdtempSync(join(tmpdir(), 'slope-diag-')), 'd.csv')
  const r = spawnSync(process.execPath, [join(root, 'bin/slope.mjs'), 'train', tutorial, '--target', 'y', '--solver', 'lstsq', '--no-db', '--diagnostics', out, '--dfbetas'], { encoding: 'utf8' })
  expect(r.status, r.stderr).toBe(0)
  return readFileSync(out, 'utf8').trim().split('\n').map((l) => l.split(','))
}

test('a gradient-descent run: the Diagnostics section says what the report is for and offers the exact fit, trained from there, then chosen', async ({ app }) => {
  await openTutorial(app)
  await trainRun(app, 'gd', { lr: '0.01', epochs: '20' })
  await app.getByTestId('tab-fit').click()
  const gdRun = await app.getByTestId('fit-run').inputValue()
  const section = app.getByTestId('diagnostic-plots')
  await expect(section.getByTestId('diagnostics-gd-note')).toContainText('describe the exact least-squares fit. This run was fitted by gradient descent')
  await expect(section.getByTestId('diagnostics-error')).toHaveCount(0)
  await expect(section.getByTestId('diagnostics-use-exact')).toHaveCount(0) // no exact fit of this data yet
  await section.scrollIntoViewIfNeeded()
  await screenshot(app, 'fit-diagnostics-gd')
  await section.getByTestId('diagnostics-train-exact').click()
  // The Fit tab follows the new run: the exact fit, with its diagnostics.
  await expect(app.getByTestId('fit-run')).not.toHaveValue(gdRun)
  await expect(section).toHaveAttribute('data-rows', '15')
  const exactRun = await app.getByTestId('fit-run').inputValue()
  await expect(app.getByTestId('regression-report')).toBeVisible()

  // Back on the gradient-descent run: the exact fit that now exists is offered, and chosen by the button.
  await app.getByTestId('fit-run').selectOption(gdRun)
  await expect(section.getByTestId('diagnostics-use-exact')).toHaveText(`Use the exact fit (run #${exactRun})`)
  await app.getByTestId('language').selectOption('zh-CN')
  await expect(section.getByTestId('diagnostics-gd-note')).toContainText('此运行由梯度下降拟合')
  await expect(section.getByTestId('diagnostics-use-exact')).toHaveText(`改用精确拟合（运行 #${exactRun}）`)
  await section.scrollIntoViewIfNeeded()
  await screenshot(app, 'fit-diagnostics-gd-zh-CN')
  await app.getByTestId('language').selectOption('en')
  await section.getByTestId('diagnostics-use-exact').click()
  await expect(app.getByTestId('fit-run')).toHaveValue(exactRun)
  await expect(section).toHaveAttribute('data-rows', '15')
})

test('exact fit: the diagnostic plots draw every row with the flagged ones labelled and clickable; the saved CSV is the CLI’s', async ({ app }) => {
  const reference = cliDiagnostics()
  const header = reference[0]!
  const rows = reference.slice(1)
  const flagged = rows.filter((r) => r[header.indexOf('flags')] !== '')
  await openTutorial(app)
  await app.getByTestId('standardize').uncheck()
  // A 90% run: the app's one interval level starts at the run's ci_level.
  await app.getByTestId('tab-train').click()
  await app.getByTestId('solver').selectOption('lstsq')
  await app.getByTestId('ci-level').fill('0.9')
  await trainRun(app, 'lstsq')
  await app.getByTestId('tab-fit').click()
  const section = app.getByTestId('diagnostic-plots')
  const scatter = app.getByTestId('fit-scatter')
  await expect(scatter.getByTestId('fit-band-level')).toHaveValue('90')
  await expect(scatter).toHaveAttribute('data-band', /"level":0\.9,/)
  // One level: set on the Fit plot, it is the Predict panel's; set there, it is the Fit plot's.
  await scatter.getByTestId('fit-band-level').fill('80')
  await expect(scatter).toHaveAttribute('data-band', /"level":0\.8,/)
  await app.getByTestId('tab-export').click()
  await expect(app.getByTestId('predict-level')).toHaveValue('80')
  await app.getByTestId('predict-interval').selectOption('prediction')
  await app.getByTestId('predict-level').fill('99')
  await app.getByTestId('tab-fit').click()
  await expect(scatter.getByTestId('fit-band-level')).toHaveValue('99')
  await expect(scatter).toHaveAttribute('data-band', /"level":0\.99,/)
  await expect(section).toHaveAttribute('data-rows', String(rows.length))
  for (const plot of ['residuals-fitted', 'qq', 'scale-location', 'leverage', 'added-variable']) {
    await section.getByTestId('diagnostics-plot').selectOption(plot)
    await expect(section).toHaveAttribute('data-points', String(rows.length))
    await expect(section).toHaveAttribute('data-flags', String(flagged.length))
  }
  await section.getByTestId('diagnostics-plot').selectOption('leverage')
  await screenshot(app, 'fit-diagnostics-leverage')

  // Click the first labelled point: its row's figures appear.
  expect(flagged.length).toBeGreaterThan(0)
  const canvas = section.getByTestId('diagnostics-canvas')
  await expect(canvas).toHaveAttribute('data-flag-positions', /\[\[/)
  const [row, x, y] = (JSON.parse((await canvas.getAttribute('data-flag-positions'))!) as [number, number, number][])[0]!
  await canvas.click({ position: { x: x!, y: y! } })
  const picked = section.getByTestId('diagnostics-row')
  await expect(picked).toHaveAttribute('data-row', String(row))
  const cook = Number(rows.find((r) => r[0] === String(row))![header.indexOf('cooks_d')])
  await expect(picked).toContainText(cook.toPrecision(3).slice(0, 4))
  await screenshot(app, 'fit-diagnostics-row')

  const [download] = await Promise.all([app.waitForEvent('download'), section.getByTestId('diagnostics-save-csv').click()])
  const saved = readFileSync((await download.path())!, 'utf8').trim().split(/\r\n/).map((l) => l.split(','))
  expect(saved[0]).toEqual(header)
  expect(saved.length).toBe(reference.length)
  saved.slice(1).forEach((r, i) => {
    r.forEach((cell, k) => {
      const ref = rows[i]![k]!
      if (k === header.length - 1) expect(cell).toBe(ref)
      else expect(Math.abs(Number(cell) - Number(ref))).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(Number(ref))))
    })
  })

  // The XLSX save holds the same rows as the CSV: every cell, read back with SheetJS.
  const [xlsxDownload] = await Promise.all([app.waitForEvent('download'), section.getByTestId('diagnostics-save-xlsx').click()])
  expect(xlsxDownload.suggestedFilename()).toMatch(/\.diagnostics\.xlsx$/)
  const book = XLSX.read(readFileSync((await xlsxDownload.path())!), { type: 'buffer' })
  const cells = XLSX.utils.sheet_to_json<(string | number)[]>(book.Sheets[book.SheetNames[0]!]!, { header: 1, defval: '', raw: true })
  expect(cells.length).toBe(saved.length)
  expect(cells[0]).toEqual(saved[0])
  cells.slice(1).forEach((r, i) => {
    expect(r.length).toBe(header.length)
    r.forEach((cell, k) => {
      const csv = saved[i + 1]![k]!
      if (k === header.length - 1) expect(String(cell)).toBe(csv)
      else expect(Math.abs(Number(cell) - Number(csv))).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(Number(csv))))
    })
  })

  // The residual histogram: every row in a bin, and the normal curve of the residuals' sd (Σe²/(n − p), p = 2) over it.
  const drawn = async () => {
    await expect(canvas).toHaveAttribute('data-drawn', /./)
    return JSON.parse((await canvas.getAttribute('data-drawn'))!) as { label: string; drawn: number; points?: { x: number; y: number }[] }[]
  }
  await section.getByTestId('diagnostics-plot').selectOption('histogram')
  await expect(canvas).toHaveAttribute('data-drawn', /"normal"/)
  const histogram = await drawn()
  const counts = histogram.find((s) => s.label === 'counts')!
  const normal = histogram.find((s) => s.label === 'normal')!
  expect(counts.drawn).toBeGreaterThan(0)
  expect(normal.drawn).toBeGreaterThan(50)
  const steps = counts.points!
  const binCounts = steps.slice(1, -1).filter((_, k) => k % 2 === 0).map((p) => p.y)
  expect(binCounts.reduce((a, b) => a + b, 0)).toBe(rows.length)
  const width = steps[2]!.x - steps[1]!.x
  const residuals = rows.map((r) => Number(r[header.indexOf('residual')]))
  const sd = Math.sqrt(residuals.reduce((s, e) => s + e * e, 0) / (rows.length - 2))
  for (const p of normal.points!) expect(p.y).toBeCloseTo((rows.length * width * Math.exp(-0.5 * (p.x / sd) ** 2)) / (sd * Math.sqrt(2 * Math.PI)), 9)
  await screenshot(app, 'fit-diagnostics-histogram')

  // The coefficient plot: estimates with their intervals; standardized, the feature's point is the report table's β.
  await section.getByTestId('diagnostics-plot').selectOption('coefficients')
  await expect(canvas).toHaveAttribute('data-drawn', /"estimate"/)
  const raw = (await drawn()).find((s) => s.label === 'estimate')!.points!.map((p) => p.x)
  expect(raw.length).toBe(2) // intercept, x
  await section.getByTestId('diagnostics-standardized').check()
  await expect.poll(async () => (await drawn()).find((s) => s.label === 'estimate')!.points!.length).toBe(1)
  const beta = (await drawn()).find((s) => s.label === 'estimate')!.points![0]!.x
  const tableBeta = Number(await app.getByTestId('report-x').locator('td').nth(1).textContent())
  expect(Math.abs(beta - tableBeta)).toBeLessThanOrEqual(1e-3 * Math.abs(tableBeta))
  expect(Math.abs(beta - raw[1]!)).toBeGreaterThan(1e-3 * Math.abs(beta))
  await screenshot(app, 'fit-diagnostics-coefficients')

  // For looking at: the Fit tab with its diagnostics in the dark theme, at 1024 px, in Chinese.
  await app.setViewportSize({ width: 1024, height: 800 })
  await app.getByTestId('theme').click()
  await app.getByTestId('language').selectOption('zh-CN')
  await section.getByTestId('diagnostics-plot').selectOption('histogram')
  await expect(section.getByTestId('diagnostics-save-xlsx')).toHaveText('保存残差与诊断（XLSX）')
  await screenshot(app, 'fit-diagnostics-dark-1024-zh-CN')
  await app.getByTestId('theme').click()
  await app.getByTestId('language').selectOption('en')
})

test('a one-column formula (y ~ x + I(x ^ 2)), exact fit: the Fit plot draws its curve with the confidence band of slope predict --interval', async ({ app }) => {
  const dir = mkdtempSync(join(tmpdir(), 'slope-formula-band-'))
  const model = join(dir, 'model.json')
  const train = spawnSync(process.execPath, [join(root, 'bin/slope.mjs'), 'train', tutorial, '--formula', 'y ~ x + I(x ^ 2)', '--solver', 'lstsq', '--no-db', '--out', model], { encoding: 'utf8' })
  expect(train.status, train.stderr).toBe(0)
  const predicted = spawnSync(process.execPath, [join(root, 'bin/slope.mjs'), 'predict', model, tutorial, '--interval', 'confidence', '--level', '0.95'], { encoding: 'utf8' })
  expect(predicted.status, predicted.stderr).toBe(0)
  const lines = predicted.stdout.trim().split('\n').map((l) => l.split(','))
  const head = lines[0]!
  const first = lines.slice(1).reduce((lowest, r) => (Number(r[head.indexOf('x')]) < Number(lowest[head.indexOf('x')]) ? r : lowest))

  await openTutorial(app)
  const builder = app.getByTestId('term-builder')
  await builder.getByLabel('Write the model as a formula').check()
  await app.getByTestId('formula-text').fill('y ~ x + I(x ^ 2)')
  await expect(app.getByTestId('formula-check')).toHaveText('Terms: x, I(x ^ 2)')
  await trainRun(app, 'lstsq')
  await app.getByTestId('tab-fit').click()
  const scatter = app.getByTestId('fit-scatter')
  await expect(scatter).toHaveAttribute('data-curve', 'formula')
  await expect(scatter).toHaveAttribute('data-band', /confidence/)
  const [band] = JSON.parse((await scatter.getAttribute('data-band'))!) as { kind: string; level: number; lower: { x: number; y: number }[]; upper: { x: number; y: number }[] }[]
  expect([band!.kind, band!.level]).toEqual(['confidence', 0.95])
  // The grid starts at the data's smallest x, a row of the file: that row's interval from the CLI.
  expect(band!.lower[0]!.x).toBe(Number(first[head.indexOf('x')]))
  expect(Math.abs(band!.lower[0]!.y - Number(first[head.indexOf('lower_y')]))).toBeLessThan(1e-9)
  expect(Math.abs(band!.upper[0]!.y - Number(first[head.indexOf('upper_y')]))).toBeLessThan(1e-9)
  await scatter.scrollIntoViewIfNeeded()
  await screenshot(app, 'fit-formula-band')
})
