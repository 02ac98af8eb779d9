import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import { simpleRegression } from '../../src-core/testing/tutorial'
import { expect, openTutorial, screenshot, test } from './fixtures'

const root = join(import.meta.dirname, '..', '..')
const fixtures = join(root, 'fixtures', 'import')
const points = readFileSync(join(root, 'resources/examples/tutorial.csv'), 'utf8')
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(',').map(Number) as [number, number])
const exact = simpleRegression(
  points.map((p) => p[0]),
  points.map((p) => p[1]),
)

/** No sentence the app shows names a command-line flag. */
const flag = /--[a-z]/

/**
 * A CSV with one empty feature cell (row 4 as a spreadsheet counts, the header being row 1), and
 * `extraRows` complete rows after it. Each test takes its own file, name and bytes: the window
 * reopens the last dataset on start, and the same bytes are the same source (one entry per file),
 * so a shared file would let the preview show the previous test's copy before this import lands.
 */
function csvWithEmptyCell(name: string, extraRows = 0): string {
  const path = join(mkdtempSync(join(tmpdir(), 'slope-reasons-')), name)
  const extra = Array.from({ length: extraRows }, (_, i) => `${7 + i},${(14 + 2 * i).toFixed(1)}\n`).join('')
  writeFileSync(path, `x,y\n1,2.1\n2,3.9\n,6.2\n4,8.1\n5,9.8\n6,12.2\n${extra}`)
  return path
}

async function openWithEmptyCell(page: Page, name = 'gaps.csv', extraRows = 0): Promise<void> {
  await page.getByTestId('file-input').setInputFiles(csvWithEmptyCell(name, extraRows))
  await expect(page.getByTestId('preview')).toContainText(name)
  await page.getByTestId('column-y').getByRole('radio').check()
}

test('a failed run says why beside its status, in the app’s words, and its fix is one press away', async ({ app }) => {
  await openWithEmptyCell(app)
  await expect(app.getByTestId('missing-policy')).toHaveValue('error') // the default: stop and show the cell
  await app.getByTestId('tab-train').click()
  await app.getByTestId('solver').selectOption('gd')
  await app.getByTestId('start').click()
  await expect(app.getByTestId('run-status')).toContainText('failed')
  const reason = app.getByTestId('run-failure-reason')
  await expect(reason).toContainText('Column "x" has an empty cell (gaps.csv, row 4).')
  await expect(reason).toContainText('“Missing or non-numeric cells: Drop those rows”')
  expect(await app.getByTestId('train-controls').textContent()).not.toMatch(flag)
  await screenshot(app, 'train-failed-reason')

  // The fix as a button: it sets the policy, shows the control (Data tab) and focuses it.
  await app.getByTestId('fix-missing-drop').click()
  await expect(app.getByTestId('tab-data')).toHaveAttribute('aria-selected', 'true')
  await expect(app.getByTestId('missing-policy')).toHaveValue('drop')
  await expect(app.getByTestId('missing-policy')).toBeFocused()
  // Then Start trains on the rows without gaps.
  await app.getByTestId('tab-train').click()
  await app.getByTestId('start').click()
  await expect(app.getByTestId('run-status')).toContainText('completed')
  await expect(app.getByTestId('run-failure')).toHaveCount(0)
})

test('the fix buttons and the reason name the controls in Chinese too', async ({ app }) => {
  await app.getByTestId('language').selectOption('zh-CN')
  try {
    await openWithEmptyCell(app, 'gaps-zh.csv', 1)
    await app.getByTestId('missing-policy').selectOption('error')
    await app.getByTestId('tab-train').click()
    await app.getByTestId('solver').selectOption('gd')
    await app.getByTestId('start').click()
    await expect(app.getByTestId('fix-missing-drop')).toHaveText('缺失或非数值单元格：删除这些行')
    await expect(app.getByTestId('fix-missing-mean')).toHaveText('缺失或非数值单元格：用训练集均值填充特征')
    await expect(app.getByTestId('run-failure-reason')).toContainText('“缺失或非数值单元格：删除这些行”')
    expect(await app.getByTestId('run-failure').textContent()).not.toMatch(flag)
  } finally {
    await app.getByTestId('language').selectOption('en')
  }
})

test('an import note names the Encoding control, not a flag', async ({ app }) => {
  await app.getByTestId('file-input').setInputFiles(join(fixtures, 'gbk.csv'))
  await expect(app.getByTestId('encoding')).toContainText('gb18030 (detected)')
  const note = app.getByTestId('import-note').filter({ hasText: 'encoding detected' })
  await expect(note).toHaveText('encoding detected as gb18030; if the text looks wrong, give it with “Encoding”')
  expect(await app.getByTestId('import-status').textContent()).not.toMatch(flag)
})

test('a least-squares run shows its exact result on the Train tab, not an empty chart, and leads to the Fit tab', async ({ app }) => {
  await openTutorial(app)
  await app.getByTestId('tab-train').click()
  await app.getByTestId('solver').selectOption('lstsq')
  await app.getByTestId('start').click()
  await expect(app.getByTestId('run-status')).toContainText('completed')
  await expect(app.getByTestId('run-status')).not.toContainText('epochs')
  await expect(app.getByTestId('loss-chart')).toHaveCount(0)
  const result = app.getByTestId('lstsq-result')
  await expect(result.getByTestId('lstsq-coefficient')).toHaveCount(2)
  const [w, b] = await result.getByTestId('lstsq-coefficient').locator('td.num').allTextContents()
  expect(Number(w)).toBeCloseTo(exact.w, 5)
  expect(Number(b)).toBeCloseTo(exact.b, 5)
  expect(Number(await result.getByTestId('lstsq-loss').textContent())).toBeCloseTo(exact.mse, 5)
  await screenshot(app, 'train-lstsq')
  await result.getByTestId('lstsq-open-fit').click()
  await expect(app.getByTestId('tab-fit')).toHaveAttribute('aria-selected', 'true')
})

test('the loss chart draws the exact optimum’s loss as a labelled line, and epochs on a log axis on request', async ({ app }) => {
  await openTutorial(app)
  await app.getByTestId('tab-train').click()
  await app.getByTestId('solver').selectOption('gd')
  await app.getByTestId('start').click()
  await expect(app.getByTestId('run-status')).toContainText('completed')
  const line = app.getByTestId('loss-reference')
  await expect(line).toContainText('Lowest possible loss (exact optimum)')
  expect(Number(await line.getAttribute('data-loss'))).toBeCloseTo(exact.mse, 10)
  const box = app.getByTestId('loss-chart').locator('.canvas-box')
  await expect(box).toHaveAttribute('data-x-scale', 'linear')
  await app.getByTestId('log-epochs').check()
  await expect(box).toHaveAttribute('data-x-scale', 'logarithmic')
  await screenshot(app, 'train-optimum-line')
})
