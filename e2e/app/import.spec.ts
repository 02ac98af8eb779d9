import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DuckParquet } from '../../src-core/testing/duckdb-parquet'
import { expect, openTutorial, screenshot, test } from './fixtures'

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'import')

test('a GBK-encoded CSV with Chinese headers: detected, typed, trained', async ({ app }) => {
  await app.getByTestId('file-input').setInputFiles(join(fixtures, 'gbk.csv'))
  await expect(app.getByTestId('preview')).toContainText('gbk.csv')
  await expect(app.getByTestId('encoding')).toContainText('gb18030 (detected)')
  await expect(app.getByTestId('column-销售额')).toContainText('number')
  await expect(app.getByTestId('columns')).toContainText('城市') // the text column is listed, with why it is not a number
  await app.getByTestId('column-销售额').getByRole('radio').check()
  await expect(app.getByTestId('selection')).toContainText('“销售额”')
  await screenshot(app, 'import-chinese')
  await app.getByTestId('tab-train').click()
  await app.getByTestId('solver').selectOption('lstsq')
  await app.getByTestId('start').click()
  await expect(app.getByTestId('run-status')).toContainText('completed')
  await expect(app.getByTestId('equation')).toContainText('·广告费')
})

test('an XLSX with Chinese sheet and column names: the data sheet is read, the others offered', async ({ app }) => {
  await app.getByTestId('file-input').setInputFiles(join(fixtures, 'openpyxl.xlsx'))
  await expect(app.getByTestId('found-format')).toHaveText('XLSX')
  await expect(app.getByTestId('sheet')).toHaveValue('数据')
  await expect(app.getByTestId('sheet').locator('option')).toHaveText(['Lookup', '数据', 'Notes'])
  await expect(app.getByTestId('column-广告费')).toBeVisible()
})

test('a Parquet file (written by DuckDB) imports through the file input: its columns, typed by its schema', async ({ app }) => {
  const duck = await DuckParquet.open()
  const path = await duck.write('sales.parquet', `SELECT i::DOUBLE AS 广告费, 3 + 2 * i AS 销售额, ['东', 'west'][i % 2 + 1] AS region FROM range(50) t(i)`)
  await expect(app.getByTestId('file-input')).toHaveAttribute('accept', /\.parquet/)
  await app.getByTestId('file-input').setInputFiles(path)
  await expect(app.getByTestId('preview')).toContainText('sales.parquet')
  await expect(app.getByTestId('found-format')).toHaveText('PARQUET')
  await expect(app.getByTestId('column-广告费')).toContainText('number')
  await expect(app.getByTestId('one-hot-region')).toBeVisible() // a text column, offered for one-hot encoding
})

test('one-hot encoding of a text column adds a 0/1 feature per level but one', async ({ app }) => {
  await app.getByTestId('file-input').setInputFiles(join(fixtures, 'gbk.csv'))
  await expect(app.getByTestId('one-hot-城市')).toBeVisible()
  await app.getByTestId('one-hot-城市').check()
  await app.getByTestId('one-hot-apply').click()
  // 4 distinct cities: the first in sorted order is the reference, the other 3 become features
  await expect(app.locator('[data-testid^="column-城市="]')).toHaveCount(3)
})

test('bad files show their error sentence and the app keeps working', async ({ app }) => {
  // Reading the zip bomb's directory and refusing it is legitimate slow work (> 5 s once on a busy
  // 2-core machine): it gets its own deadline; the quick refusals keep the default one.
  for (const [file, message, timeout] of [
    ['zip-bomb.xlsx', /expands to more than 1 GiB/, 60_000],
    ['fake.xlsx', /not|cannot|damaged|truncated/i, undefined],
    ['binary.csv', /binary|not a text|NUL/i, undefined],
  ] as const) {
    await app.getByTestId('file-input').setInputFiles(join(fixtures, file))
    await expect(app.getByTestId('import-error')).toHaveText(message, { timeout })
    await expect(app.getByTestId('import-error')).not.toHaveText(/\bat \S+ \(|Error:/) // never a stack trace
  }
  await screenshot(app, 'import-error')
  await openTutorial(app)
  await expect(app.getByTestId('import-error')).toHaveCount(0)
})

test('a block pasted from a spreadsheet (tab-separated) imports', async ({ app }) => {
  await app.getByTestId('paste').click()
  await app.getByTestId('paste-box').fill('温度\t销量\n10\t200\n12\t230\n15\t260\n18\t300\n')
  await app.getByTestId('paste-import').click()
  await expect(app.getByTestId('preview')).toContainText('4 rows')
  await expect(app.getByTestId('column-温度')).toBeVisible()
})

test('a file dropped anywhere on the window is imported', async ({ app }) => {
  const bytes = [...readFileSync(join(fixtures, 'utf8-bom.csv'))]
  await app.evaluate((data) => {
    const file = new File([new Uint8Array(data)], 'dropped.csv', { type: 'text/csv' })
    const transfer = new DataTransfer()
    transfer.items.add(file)
    window.dispatchEvent(new DragEvent('dragenter', { dataTransfer: transfer, bubbles: true }))
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }))
  }, bytes)
  await expect(app.getByTestId('preview')).toContainText('dropped.csv')
})

test('a dataset is deleted only after confirming, together with its runs', async ({ app }) => {
  await openTutorial(app)
  await app.getByTestId('tab-train').click()
  await app.getByTestId('epochs').fill('10')
  await app.getByTestId('start').click()
  await expect(app.getByTestId('run-status')).toContainText('completed')
  await app.getByTestId('tab-data').click()
  const remove = app.getByTestId('current-dataset').locator('[data-testid^="delete-dataset-"]')
  await remove.click()
  await expect(app.getByTestId('confirm-delete-dataset')).toContainText(/and its (run|\d+ runs)\?/)
  await app.getByTestId('confirm-delete').click()
  await expect(app.getByTestId('preview')).toHaveCount(0)
})
