import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import AxeBuilder from '@axe-core/playwright'
import { expect, test, type Page } from '@playwright/test'
import { formatBytes } from '../../src-core/table/import-limits'
import { formatCount, formatNumber } from '../../src-renderer/src/lib/format'
import { startSlope, type SlopeServer } from './slope-server'

/**
 * Linked datasets in the app (#17, README "Data tab"): a CSV generated here is linked by its path,
 * read back a page at a time, offered to be linked when a dropped file is over the link threshold
 * (SLOPE_LINK_THRESHOLD_BYTES makes these small files count as large), and a changed file is named
 * with "Link again". The server, DuckDB and SQLite are real; the expected cells are the file's own.
 */
const THRESHOLD_BYTES = 2000
const ROWS = 250
const folder = mkdtempSync(join(tmpdir(), 'slope-linked-ui-'))

/** Row i (0-based) of the generated file: x1, x2 and y, short decimals the app shows exactly. */
const rowOf = (i: number) => [i, ((i * 37) % 101) / 10, 2 * i - 3 * (((i * 37) % 101) / 10) + 5 + ((i % 7) - 3) / 10]
function writeCsv(name: string, rows: number): string {
  const path = join(folder, name)
  const lines = Array.from({ length: rows }, (_, i) => rowOf(i).map((v) => String(Number(v.toFixed(6)))).join(','))
  writeFileSync(path, `x1,x2,y\n${lines.join('\n')}\n`)
  return path
}

let server: SlopeServer
test.beforeAll(async () => {
  server = await startSlope(join(folder, 'slope.db'), { SLOPE_LINK_THRESHOLD_BYTES: String(THRESHOLD_BYTES) })
})
test.afterAll(async () => server?.stop())

async function openApp(page: Page): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto(server.loginUrl)
  await expect(page.getByTestId('tab-data')).toBeVisible()
}

/** axe-core's serious or critical findings on the page as it is (accessibility.spec.ts's bar). */
async function serious(page: Page, where: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze()
  return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').flatMap((v) => v.nodes.map((n) => `${where}: ${v.id} at ${n.target.join(' ')}`))
}

async function linkByPath(page: Page, path: string): Promise<void> {
  await page.getByTestId('open-link-form').click()
  await page.getByTestId('link-path').fill(path)
  await page.getByTestId('link-submit').click()
  await expect(page.getByTestId('linked-status')).toContainText(path)
}

test('a CSV linked by its path shows its badge, size and rows, and pages through the file', async ({ page }) => {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  const path = writeCsv('paged.csv', ROWS)
  await openApp(page)
  await linkByPath(page, path)

  const current = page.getByTestId('current-dataset')
  await expect(current.getByText('linked', { exact: true })).toBeVisible()
  await expect(current).toContainText(formatBytes(statSync(path).size))
  await expect(current).toContainText(`${formatCount(ROWS)} rows`)
  await expect(page.getByTestId('linked-figures')).toContainText(`CSV, ${formatBytes(statSync(path).size)}, ${formatCount(ROWS)} rows`)

  // The column panel has the statistics pass's figures: x1 = 0…249.
  await expect(page.getByTestId('column-x1')).toContainText('249')
  await expect(page.getByTestId('column-x1')).toContainText('124.5')

  const preview = page.getByTestId('linked-preview')
  await expect(preview.getByTestId('page-range')).toHaveText(`rows 1–100 of ${formatCount(ROWS)}`)
  await preview.getByTestId('page-next').click()
  await expect(preview.getByTestId('page-range')).toHaveText(`rows 101–200 of ${formatCount(ROWS)}`)
  for (const row of [101, 150, 200]) {
    const cells = await preview.getByTestId(`page-row-${row}`).locator('td').allTextContents()
    expect(cells).toEqual([formatCount(row), ...rowOf(row - 1).map((v) => formatNumber(Number(v.toFixed(6))))])
  }
  // Jump to a row: the page starts there, and the last page is short.
  await preview.getByTestId('page-jump').fill('241')
  await preview.getByTestId('page-go').click()
  await expect(preview.getByTestId('page-range')).toHaveText(`rows 201–250 of ${formatCount(ROWS)}`)
  await expect(preview.getByTestId('page-next')).toBeDisabled()
  await preview.getByTestId('page-previous').click()
  await expect(preview.getByTestId('page-range')).toHaveText(`rows 101–200 of ${formatCount(ROWS)}`)

  // What linked data cannot do is shown disabled, with the reason.
  await expect(page.getByTestId('missing-policy')).toBeDisabled()
  await expect(page.getByTestId('linked-missing-reason')).toBeVisible()
  await expect(page.getByTestId('linked-one-hot-disabled')).toBeDisabled()
  // A formula is offered: its design is built per chunk as a run reads the files.
  await expect(page.getByTestId('use-formula')).toBeEnabled()

  const found = await serious(page, 'linked dataset (light)')
  // For review: the new states in dark theme and in Chinese.
  await page.getByTestId('theme').click()
  found.push(...(await serious(page, 'linked dataset (dark)')))
  expect(found).toEqual([])
  await page.screenshot({ path: 'e2e/screenshots/linked-data-dark.png', fullPage: true })
  await page.getByTestId('language').selectOption('zh-CN')
  await expect(preview.getByTestId('page-range')).toHaveText(`第 101–200 行，共 ${formatCount(ROWS)} 行`)
  await page.screenshot({ path: 'e2e/screenshots/linked-data-zh-dark.png', fullPage: true })
  await page.getByTestId('language').selectOption('en')
  await page.getByTestId('theme').click()
  expect(errors).toEqual([])
})

test('a changed file is the sentence that says so, and Link again links its new contents', async ({ page }) => {
  const path = writeCsv('changing.csv', ROWS)
  await openApp(page)
  await linkByPath(page, path)
  await expect(page.getByTestId('linked-problem')).toHaveCount(0)
  appendFileSync(path, `${rowOf(ROWS).join(',')}\n`)
  await page.reload()
  await expect(page.getByTestId('linked-problem')).toContainText('changed since it was linked')
  await page.getByTestId('link-again').click()
  await expect(page.getByTestId('linked-problem')).toHaveCount(0)
  await expect(page.getByTestId('linked-figures')).toContainText(`${formatCount(ROWS + 1)} rows`)
})

/** Drops a file of these bytes on the window, as a person dragging it from the file manager. */
async function drop(page: Page, name: string, bytes: number[]): Promise<void> {
  await page.evaluate(
    ([fileName, data]) => {
      const file = new File([new Uint8Array(data)], fileName, { type: 'text/csv' })
      const transfer = new DataTransfer()
      transfer.items.add(file)
      window.dispatchEvent(new DragEvent('dragenter', { dataTransfer: transfer, bubbles: true }))
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }))
    },
    [name, bytes] as const,
  )
}

test('a dropped file over the link threshold is offered to be linked before anything is parsed', async ({ page }) => {
  const path = writeCsv('large.csv', ROWS)
  const bytes = [...readFileSync(path)]
  expect(bytes.length).toBeGreaterThan(THRESHOLD_BYTES)
  await openApp(page)

  await drop(page, 'large.csv', bytes)
  const offer = page.getByTestId('large-file-offer')
  await expect(offer).toContainText(`“large.csv” is ${formatBytes(bytes.length)}`)
  await expect(offer).toContainText(formatBytes(THRESHOLD_BYTES))
  await expect(page.getByTestId('import-status')).toHaveCount(0) // nothing parsed yet
  await page.screenshot({ path: 'e2e/screenshots/linked-offer.png', fullPage: true })

  // Browser mode: the page cannot know the folder, so the link form opens with the name and says so.
  await offer.getByTestId('link-instead').click()
  await expect(page.getByTestId('link-needs-folder')).toContainText('large.csv')
  await expect(page.getByTestId('link-path')).toHaveValue('large.csv')
  await page.getByTestId('link-path').fill(path)
  await page.getByTestId('link-submit').click()
  await expect(page.getByTestId('linked-status')).toContainText(path)

  // "Import anyway" parses it as any other file.
  await drop(page, 'large.csv', bytes)
  await page.getByTestId('import-anyway').click()
  await expect(page.getByTestId('preview')).toContainText(`large.csv — ${formatCount(ROWS)} rows`)
  await expect(page.getByTestId('large-file-offer')).toHaveCount(0)

  // A file under the threshold is imported at once, without the offer.
  const small = [...Buffer.from('x,y\n1,2\n2,4\n3,7\n')]
  await drop(page, 'small.csv', small)
  await expect(page.getByTestId('preview')).toContainText('small.csv — 3 rows')
  await expect(page.getByTestId('large-file-offer')).toHaveCount(0)
})
