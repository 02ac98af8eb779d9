import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Download, Page } from '@playwright/test'
import Papa from 'papaparse'
import { expect, openTutorial, screenshot, test as base, trainRun } from './fixtures'
import type { SlopeServer } from './slope-server'
import { privateSlope } from './private-slope'

/**
 * The Predict panel's intervals are `slope predict --interval`'s: the app's saved CSV is byte for
 * byte the CLI's output for the same model file and data file (whose own numbers are checked
 * against statsmodels in regression-report-cli.test.ts). The Fit tab's band starts at the data's
 * smallest x, a row of the file, so its first point is that row's interval from the CLI.
 */
const test = base.extend<{}, { slope: SlopeServer }>({
  // Its own server and database: "no exact fit of this data yet" must not see another spec's
  // least-squares run of the tutorial.
  slope: privateSlope(),
})

const root = join(import.meta.dirname, '..', '..')
const tutorialCsv = readFileSync(join(root, 'resources/examples/tutorial.csv'), 'utf8')

async function download(page: Page, click: () => Promise<void>): Promise<{ download: Download; bytes: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download'), click()])
  return { download: d, bytes: readFileSync((await d.path())!) }
}

function cliPredict(model: string, file: string, kind: string, level: string): string {
  const cli = spawnSync(process.execPath, [join(root, 'bin/slope.mjs'), 'predict', model, file, '--interval', kind, '--level', level], { encoding: 'utf8' })
  expect(cli.status, cli.stderr).toBe(0)
  return cli.stdout
}

test('Predict panel intervals match slope predict --interval; the Fit tab draws the band; a gradient-descent model says why it has none and offers the exact fit', async ({ app }) => {
  const dir = mkdtempSync(join(tmpdir(), 'slope-intervals-'))
  const file = join(dir, 'new points.csv')
  writeFileSync(file, tutorialCsv)

  await openTutorial(app)
  // A gradient-descent run first: no intervals, the reason, and the exact fit of the same data, trained from here.
  await trainRun(app, 'gd')
  await app.getByTestId('tab-export').click()
  const gdRun = await app.getByTestId('predict-run').inputValue()
  await expect(app.getByTestId('predict-interval')).toBeDisabled()
  await expect(app.getByTestId('predict-no-intervals')).toHaveText(
    'This model was fitted by gradient descent, so it has no intervals: its parameters are not the least-squares estimate the intervals assume.',
  )
  await expect(app.getByTestId('predict-use-exact')).toHaveCount(0) // no exact fit of this data yet
  await app.getByTestId('predict-panel').scrollIntoViewIfNeeded()
  await screenshot(app, 'predict-intervals-gd')
  await app.getByTestId('predict-train-exact').click()
  await expect(app.getByTestId('predict-run')).not.toHaveValue(gdRun)
  await expect(app.getByTestId('predict-interval')).toBeEnabled()
  await expect(app.getByTestId('predict-no-intervals')).toHaveCount(0)
  await expect(app.getByTestId('predict-model-summary')).toContainText('“y”')

  const model = join(dir, 'model.json')
  writeFileSync(model, (await download(app, () => app.getByTestId('save-model').click())).bytes)
  const exactRun = await app.getByTestId('predict-run').inputValue()

  await expect(app.getByTestId('predict-level')).toBeDisabled() // no interval chosen yet
  await app.getByTestId('predict-interval').selectOption('confidence')
  await app.getByTestId('predict-level').fill('90')
  await app.getByTestId('predict-file-input').setInputFiles(file)
  await expect(app.getByTestId('predicted-rows')).toHaveText('15 of 15')
  await expect(app.getByTestId('prediction-col-lower')).toHaveText('lower y')
  await expect(app.getByTestId('prediction-col-upper')).toHaveText('upper y')
  for (const [kind, level] of [['confidence', '0.9'], ['prediction', '0.9'], ['prediction', '0.95']] as const) {
    await app.getByTestId('predict-interval').selectOption(kind)
    await app.getByTestId('predict-level').fill(String(Number(level) * 100))
    const saved = (await download(app, () => app.getByTestId('save-predictions').click())).bytes.toString('utf8')
    expect(saved.split('\r\n')[0]).toBe('row,x,y,predicted_y,lower_y,upper_y')
    expect(saved.replaceAll('\r\n', '\n'), `${kind} at ${level}`).toBe(cliPredict(model, file, kind, level))
  }
  await app.getByTestId('predict-panel').scrollIntoViewIfNeeded()
  await screenshot(app, 'predict-intervals')

  // The Fit tab: the exact fit's confidence band, then the prediction band too, at 95%.
  await app.getByTestId('tab-fit').click()
  const scatter = app.getByTestId('fit-scatter')
  await expect(scatter).toHaveAttribute('data-band', /confidence/)
  await scatter.getByTestId('fit-band-prediction').check()
  await expect(scatter).toHaveAttribute('data-band', /prediction/)
  const bands = JSON.parse((await scatter.getAttribute('data-band'))!) as { kind: string; level: number; lower: { x: number; y: number }[]; upper: { x: number; y: number }[] }[]
  expect(bands.map((b) => [b.kind, b.level])).toEqual([['confidence', 0.95], ['prediction', 0.95]])
  for (const b of bands) {
    const rows = Papa.parse<Record<string, string>>(cliPredict(model, file, b.kind, '0.95'), { header: true, skipEmptyLines: true }).data
    const first = rows.reduce((lowest, r) => (Number(r.x) < Number(lowest.x) ? r : lowest))
    expect(b.lower[0]!.x).toBe(Number(first.x))
    expect(Math.abs(b.lower[0]!.y - Number(first.lower_y))).toBeLessThan(1e-12)
    expect(Math.abs(b.upper[0]!.y - Number(first.upper_y))).toBeLessThan(1e-12)
    // Wider away from the data's centre, narrowest inside it: a band, not a parallel line.
    const widths = b.lower.map((p, i) => b.upper[i]!.y - p.y)
    expect(Math.min(...widths)).toBeLessThan(widths[0]!)
    expect(Math.min(...widths)).toBeLessThan(widths.at(-1)!)
  }
  await scatter.scrollIntoViewIfNeeded()
  await screenshot(app, 'fit-intervals-band')

  // The gradient-descent run again: no band; the Predict panel now offers the exact fit that exists.
  await app.getByTestId('fit-run').selectOption(gdRun)
  await expect(app.getByTestId('fit-scatter')).not.toHaveAttribute('data-band', /./)
  await app.getByTestId('tab-export').click()
  await app.getByTestId('predict-run').selectOption(gdRun)
  await expect(app.getByTestId('predict-interval')).toBeDisabled()
  await expect(app.getByTestId('predict-use-exact')).toHaveText(`Use the exact fit (run #${exactRun})`)
  await app.getByTestId('predict-use-exact').click()
  await expect(app.getByTestId('predict-run')).toHaveValue(exactRun)
  await expect(app.getByTestId('predict-interval')).toBeEnabled()
  await expect(app.getByTestId('predict-no-intervals')).toHaveCount(0)
})
