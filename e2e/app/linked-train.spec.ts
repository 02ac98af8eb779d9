import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test, type Page } from '@playwright/test'
import type { RunSummary } from '../../src-core/contract'
import { formatNumber } from '../../src-renderer/src/lib/format'
import { startSlope, type SlopeServer } from './slope-server'

/**
 * Training and predicting on a linked dataset in the app (#17, README "Train tab"): the exact fit
 * streamed from the file equals `slope train --import`'s in-memory fit of the same file; a gradient
 * descent run shows the scan (pass k of n, rows/s, ETA) and stops on Stop; "Predict a file…"
 * writes the CSV `slope predict` writes. Real server, workers, DuckDB and SQLite.
 */
const root = join(import.meta.dirname, '..', '..')
const slope = join(root, 'bin/slope.mjs')
const folder = mkdtempSync(join(tmpdir(), 'slope-linked-train-'))
const ROWS = 3000
const csv = join(folder, 'train.csv')
{
  const lines = Array.from({ length: ROWS }, (_, i) => {
    const x1 = (i % 97) / 10
    const x2 = ((i * 31) % 53) / 7
    const y = 1.5 * x1 - 0.75 * x2 + 4 + (((i * 7919) % 101) - 50) / 100
    return `${x1},${x2.toFixed(6)},${y.toFixed(6)}`
  })
  writeFileSync(csv, `x1,x2,y\n${lines.join('\n')}\n`)
}

function cli(args: string[]): string {
  const r = spawnSync(process.execPath, [slope, ...args], { cwd: root, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`slope ${args.join(' ')} exited with ${r.status}: ${r.stderr}`)
  return r.stdout
}

interface ModelFile {
  features: string[]
  coefficients: Record<string, number>
  intercept: number
}

let server: SlopeServer
test.beforeAll(async () => {
  server = await startSlope(join(folder, 'slope.db'))
})
test.afterAll(async () => server?.stop())
test.describe.configure({ mode: 'serial', timeout: 180_000 })

async function openLinked(page: Page): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto(server.loginUrl)
  await expect(page.getByTestId('tab-data')).toBeVisible()
  if (!(await page.getByTestId('linked-status').count())) {
    await page.getByTestId('open-link-form').click()
    await page.getByTestId('link-path').fill(csv)
    await page.getByTestId('link-submit').click()
  }
  await expect(page.getByTestId('linked-status')).toContainText(csv)
  await expect(page.getByTestId('selection')).toContainText('Predict “y” from 2 features.')
}

/** The newest run of the server's database, as `slope runs` reads it. */
function newestRun(): RunSummary & { epochs_run: number } {
  return (JSON.parse(cli(['runs', '--db', server.database, '--json'])) as { runs: (RunSummary & { epochs_run: number })[] }).runs[0]!
}

test('the exact fit of a linked CSV has the in-memory fit’s coefficients', async ({ page }) => {
  await openLinked(page)
  await page.getByTestId('tab-train').click()
  await page.getByTestId('solver').selectOption('lstsq')
  await page.getByTestId('start').click()
  await expect(page.getByTestId('run-status')).toContainText('completed', { timeout: 60_000 })

  const reference = join(folder, 'in-memory.json')
  cli(['train', csv, '--target', 'y', '--solver', 'lstsq', '--import', '--no-db', '--out', reference])
  const expected = JSON.parse(readFileSync(reference, 'utf8')) as ModelFile
  const run = newestRun()
  const exported = join(folder, 'linked.json')
  cli(['export', String(run.id), '--db', server.database, '--out', exported])
  const linked = JSON.parse(readFileSync(exported, 'utf8')) as ModelFile
  expect(linked.features).toEqual(expected.features)
  for (const f of expected.features) expect(Math.abs(linked.coefficients[f]! - expected.coefficients[f]!)).toBeLessThan(1e-9 * Math.abs(expected.coefficients[f]!))
  expect(Math.abs(linked.intercept - expected.intercept)).toBeLessThan(1e-9 * Math.abs(expected.intercept))

  // The app shows them too (six digits), on the Fit tab with the statement that per-row views need the rows.
  await page.getByTestId('tab-fit').click()
  await expect(page.getByTestId('fit-linked-note')).toBeVisible()
  for (const f of expected.features) await expect(page.getByTestId('coefficients')).toContainText(formatNumber(expected.coefficients[f]!))
  await expect(page.getByTestId('fit-data-problem')).toHaveCount(0)
  await page.screenshot({ path: 'e2e/screenshots/linked-fit.png', fullPage: true })
})

test('Predict a file writes the CSV slope predict writes', async ({ page }) => {
  await openLinked(page)
  const run = newestRun()
  expect(run.solver).toBe('lstsq')
  await page.getByTestId('tab-export').click()
  const panel = page.getByTestId('predict-panel')
  await panel.getByTestId('predict-run').selectOption(String(run.id))
  await panel.getByText('Predict a file…').click()
  const out = join(folder, 'app-predictions.csv')
  await panel.getByTestId('predict-file-pattern').fill(csv)
  await panel.getByTestId('predict-file-out').fill(out)
  await panel.getByTestId('predict-file-run').click()
  await expect(panel.getByTestId('predict-file-written')).toHaveText(out, { timeout: 60_000 })
  await expect(panel.getByTestId('predict-file-rows')).toContainText(`${ROWS.toLocaleString('en')} of ${ROWS.toLocaleString('en')}`)
  await expect(panel.getByTestId('predict-file-missing')).toHaveText('0')

  const model = join(folder, 'predict-model.json')
  cli(['export', String(run.id), '--db', server.database, '--out', model])
  const reference = join(folder, 'cli-predictions.csv')
  cli(['predict', model, csv, '--out', reference])
  expect(readFileSync(out, 'utf8')).toBe(readFileSync(reference, 'utf8'))
})

test('a gradient-descent run on linked data shows its scan and stops on Stop', async ({ page }) => {
  await openLinked(page)
  await page.getByTestId('tab-train').click()
  await page.getByTestId('solver').selectOption('gd')
  await page.getByTestId('epochs').fill('1000000')
  await page.getByTestId('start').click()
  const scan = page.getByTestId('scan-progress')
  // One pass per epoch (and one more for the final metrics, where main counts it).
  await expect(scan.getByTestId('scan-pass')).toContainText(/pass \d[\d,]* of 1,000,00[01]/, { timeout: 60_000 })
  await expect(scan.getByTestId('scan-rate')).toContainText('rows/s')
  await expect(scan.getByTestId('scan-rate')).toContainText('left')
  await expect(page.getByTestId('linked-train-note')).toBeVisible()
  await page.getByTestId('theme').click()
  await page.screenshot({ path: 'e2e/screenshots/linked-train-dark.png', fullPage: true })
  await page.getByTestId('language').selectOption('zh-CN')
  await expect(scan.getByTestId('scan-pass')).toContainText(/共 1,000,00[01] 遍/)
  await page.screenshot({ path: 'e2e/screenshots/linked-train-zh-dark.png', fullPage: true })
  await page.getByTestId('language').selectOption('en')
  await page.getByTestId('theme').click()
  await page.getByTestId('stop').click()
  await expect(page.getByTestId('run-status')).toContainText('cancelled', { timeout: 60_000 })
  await expect(scan).toHaveCount(0)
  const run = newestRun()
  expect(run.status).toBe('cancelled')
  expect(run.epochs_run).toBeGreaterThan(0)
  expect(run.epochs_run).toBeLessThan(1_000_000)
})

test('a formula on the linked CSV trains the exact fit of slope train --import --formula', async ({ page }) => {
  await openLinked(page)
  const formula = 'y ~ x1 + I(x2 ** 2)'
  await page.getByTestId('use-formula').check()
  await page.getByTestId('formula-text').fill(formula)
  await expect(page.getByTestId('formula-check')).toContainText('I(x2 ** 2)')
  await page.getByTestId('tab-train').click()
  await page.getByTestId('solver').selectOption('lstsq')
  await page.getByTestId('start').click()
  await expect(page.getByTestId('run-status')).toContainText('completed', { timeout: 60_000 })

  const reference = join(folder, 'formula-in-memory.json')
  cli(['train', csv, '--formula', formula, '--solver', 'lstsq', '--import', '--no-db', '--out', reference])
  const expected = JSON.parse(readFileSync(reference, 'utf8')) as ModelFile & { formula: unknown }
  const exported = join(folder, 'formula-linked.json')
  cli(['export', String(newestRun().id), '--db', server.database, '--out', exported])
  const linked = JSON.parse(readFileSync(exported, 'utf8')) as ModelFile & { formula: unknown }
  expect(linked.features).toEqual(expected.features)
  for (const f of expected.features) expect(Math.abs(linked.coefficients[f]! - expected.coefficients[f]!)).toBeLessThanOrEqual(1e-12 * Math.abs(expected.coefficients[f]!))
  expect(Math.abs(linked.intercept - expected.intercept)).toBeLessThanOrEqual(1e-12 * Math.abs(expected.intercept))
  expect(linked.formula).toEqual(expected.formula)
})
