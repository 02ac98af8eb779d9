import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as XLSX from '@e965/xlsx'
import type { Page } from '@playwright/test'
import { expect, openTutorial, test, trainRun } from './fixtures'

/** Exports that fit analysts' tools (issue #12): CSV for Excel, XLSX, the one-hot source column, the pickers' default run, the chart PNG's title and legend. */

const root = join(import.meta.dirname, '..', '..')
const BOM = [0xef, 0xbb, 0xbf]

async function download(page: Page, click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download'), click()])
  return { name: d.suggestedFilename(), bytes: readFileSync((await d.path())!) }
}

/** A workbook's first sheet as SheetJS reads it: its name and its rows (numbers as numbers). */
function readSheet(bytes: Buffer): { name: string; rows: unknown[][]; types: string[][] } {
  const book = XLSX.read(bytes, { type: 'buffer' })
  const name = book.SheetNames[0]!
  const sheet = book.Sheets[name]!
  const rows = XLSX.utils.sheet_to_json<unknown[]>(sheet, { header: 1, defval: null, raw: true })
  const range = XLSX.utils.decode_range(sheet['!ref']!)
  const types: string[][] = []
  for (let r = range.s.r; r <= range.e.r; r++) {
    const row: string[] = []
    for (let c = range.s.c; c <= range.e.c; c++) row.push((sheet[XLSX.utils.encode_cell({ r, c })] as XLSX.CellObject | undefined)?.t ?? '')
    types.push(row)
  }
  return { name, rows, types }
}

const csvRows = (bytes: Buffer) => new TextDecoder('utf-8').decode(bytes).trimEnd().split('\r\n').map((l) => l.split(','))

/** Trains least squares on a file with a Chinese text column one-hot encoded, and predicts a new file with its model on the Export tab. */
async function predictShops(app: Page): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'slope-excel-'))
  // y = 1 + 2x + 3·[地区 = 北京] − [地区 = 深圳] exactly (上海 is the reference: first in code-point order).
  const effect: Record<string, number> = { 上海: 0, 北京: 3, 深圳: -1 }
  const levels = ['上海', '北京', '深圳']
  const rows = Array.from({ length: 9 }, (_, i) => [levels[i % 3]!, i + 1, 1 + 2 * (i + 1) + effect[levels[i % 3]!]!] as const)
  writeFileSync(join(dir, 'shops.csv'), `地区,x,y\n${rows.map((r) => r.join(',')).join('\n')}\n`)
  const newFile = join(dir, 'new.csv')
  writeFileSync(newFile, '地区,x\n北京,10\n深圳,0.5\n上海,\n')

  await app.getByTestId('tab-data').click()
  await app.getByTestId('file-input').setInputFiles(join(dir, 'shops.csv'))
  await app.getByTestId('one-hot-地区').check()
  await app.getByTestId('one-hot-apply').click()
  await expect(app.getByTestId('preview')).toContainText('地区=深圳')
  await app.getByTestId('standardize').uncheck()
  await trainRun(app, 'lstsq')
  await app.getByTestId('tab-export').click()
  await app.getByTestId('predict-file-input').setInputFiles(newFile)
  await expect(app.getByTestId('predicted-rows')).toHaveText('2 of 3')
}

test('the prediction table shows the text column 地区 right before its one-hot columns', async ({ app }) => {
  await predictShops(app)
  // The source column stands right before its first 0/1 column, with each row's text.
  const header = await app.getByTestId('prediction-table').locator('.header > span').allTextContents()
  expect(header.slice(0, 5)).toEqual(['Row', 'x', '地区', '地区=北京', '地区=深圳'])
  await expect(app.getByTestId('prediction-row-0')).toContainText('北京')
  await expect(app.getByTestId('prediction-row-1')).toContainText('深圳')
})

test('predictions as CSV for Excel (BOM by default: a header is not ASCII) and as XLSX; metrics and history CSV offer the BOM, metrics also XLSX', async ({ app }) => {
  await predictShops(app)

  // CSV: automatic encoding writes the BOM (a header is not ASCII); plain UTF-8 when chosen.
  await expect(app.getByTestId('predict-encoding')).toHaveValue('auto')
  const auto = await download(app, () => app.getByTestId('save-predictions').click())
  expect([...auto.bytes.subarray(0, 3)]).toEqual(BOM)
  const csv = csvRows(auto.bytes.subarray(3))
  expect(csv[0]).toEqual(['row', 'x', '地区=北京', '地区=深圳', 'predicted_y'])
  await app.getByTestId('predict-encoding').selectOption('utf8')
  const plain = await download(app, () => app.getByTestId('save-predictions').click())
  expect(plain.bytes.equals(auto.bytes.subarray(3))).toBe(true)

  // XLSX: sheet "predictions", the CSV's header and numbers as numeric cells with the same doubles.
  const xlsx = await download(app, () => app.getByTestId('save-predictions-xlsx').click())
  expect(xlsx.name).toBe('new.predictions.xlsx')
  const sheet = readSheet(xlsx.bytes)
  expect(sheet.name).toBe('predictions')
  expect(sheet.rows[0]).toEqual(csv[0])
  expect(sheet.rows.slice(1)).toEqual(csv.slice(1).map((r) => r.map((c) => (c === '' ? null : Number(c)))))
  expect(sheet.types[1]).toEqual(['n', 'n', 'n', 'n', 'n'])
  expect(Math.abs((sheet.rows[1]![4] as number) - (1 + 20 + 3))).toBeLessThan(1e-9)
  expect(Math.abs((sheet.rows[2]![4] as number) - (1 + 1 - 1))).toBeLessThan(1e-9)

  // Metrics: an ASCII header, so automatic is plain UTF-8; "for Excel" adds the BOM; XLSX holds the same row.
  const history = app.getByTestId('history-export')
  const metricsPlain = await download(app, () => app.getByTestId('save-metrics').click())
  expect([...metricsPlain.bytes.subarray(0, 3)]).not.toEqual(BOM)
  await app.getByTestId('history-encoding').selectOption('utf8-bom')
  await expect(history.getByTestId('history-encoding')).toHaveValue('utf8-bom')
  const metricsBom = await download(app, () => app.getByTestId('save-metrics').click())
  expect([...metricsBom.bytes.subarray(0, 3)]).toEqual(BOM)
  expect(metricsBom.bytes.subarray(3).equals(metricsPlain.bytes)).toBe(true)
  const metricsCsv = csvRows(metricsPlain.bytes)
  const metricsXlsx = readSheet((await download(app, () => app.getByTestId('save-metrics-xlsx').click())).bytes)
  expect(metricsXlsx.name).toBe('metrics')
  expect(metricsXlsx.rows[0]).toEqual(metricsCsv[0])
  const col = metricsCsv[0]!.indexOf('train_mse')
  expect(metricsXlsx.types[1]![col]).toBe('n')
  expect(metricsXlsx.rows[1]![col]).toBe(Number(metricsCsv[1]![col]))
  expect(metricsXlsx.rows[1]![0]).toBe(Number(metricsCsv[1]![0]))

  // History (gradient descent, so there is one): the same choice applies.
  await trainRun(app, 'gd', { lr: '0.01', epochs: '5' })
  await app.getByTestId('tab-export').click()
  const historyBom = await download(app, () => app.getByTestId('save-history').click())
  expect([...historyBom.bytes.subarray(0, 3)]).toEqual(BOM)
  await app.getByTestId('history-encoding').selectOption('utf8')
  const historyPlain = await download(app, () => app.getByTestId('save-history').click())
  expect(historyPlain.bytes.equals(historyBom.bytes.subarray(3))).toBe(true)
  expect(csvRows(historyPlain.bytes)).toHaveLength(5 + 1)
})

test('the model and predict pickers start on the Train tab’s run, else the best completed run of the selection, not the newest', async ({ app, slope }) => {
  await openTutorial(app)
  await app.getByTestId('standardize').uncheck()
  await trainRun(app, 'gd', { lr: '0.01', epochs: '50' })
  await trainRun(app, 'gd', { lr: '0.001', epochs: '50' }) // the newest, and the worse fit
  const runsJson = spawnSync(process.execPath, [join(root, 'bin/slope.mjs'), 'runs', '--db', slope.database, '--json'], { encoding: 'utf8' })
  // Newest first; the worker's database may hold runs of other tests too.
  const stored = (JSON.parse(runsJson.stdout) as { runs: { id: number; name: string; final_loss: number | null }[] }).runs
  const good = stored.find((r) => r.name === 'sgd lr=0.01')!
  const newest = stored.find((r) => r.name === 'sgd lr=0.001')!
  expect(newest.id).toBe(stored[0]!.id)
  expect(good.final_loss!).toBeLessThan(newest.final_loss!)

  // Select the newest first, then the good one, on the Runs tab.
  const selectBoth = async () => {
    await app.getByTestId('tab-runs').click()
    await app.getByTestId(`run-select-${newest.id}`).check()
    await app.getByTestId(`run-select-${good.id}`).check()
    await app.getByTestId('tab-export').click()
  }

  // The Train tab's run (the newest) wins over the selection.
  await selectBoth()
  await expect(app.getByTestId('model-run')).toHaveValue(String(newest.id))
  await expect(app.getByTestId('predict-run')).toHaveValue(String(newest.id))

  // A window with no Train tab run (a reload returns to the run shown, so forget the window's place
  // first): the best of the selection, whatever the order of ticking.
  await app.evaluate(() => localStorage.removeItem('slope.place'))
  await app.goto(slope.loginUrl)
  await expect(app.getByTestId('tab-data')).toBeVisible()
  await selectBoth()
  await expect(app.getByTestId('model-run')).toHaveValue(String(good.id))
  await expect(app.getByTestId('predict-run')).toHaveValue(String(good.id))
  await expect(app.getByTestId('model-preview')).toBeVisible()
})

test('the chart PNG carries the chart’s title above the plot and the legend', async ({ app }) => {
  await openTutorial(app)
  await trainRun(app, 'gd', { lr: '0.01', epochs: '30' })
  await app.getByTestId('tab-export').click()
  const canvas = app.getByTestId('chart-export').locator('canvas')
  await expect(app.getByTestId('save-chart')).toBeEnabled()
  const bare = (await canvas.evaluate((c: HTMLCanvasElement) => ({ width: c.width, height: c.height, ratio: window.devicePixelRatio }))) as { width: number; height: number; ratio: number }
  const png = (await download(app, () => app.getByTestId('save-chart').click())).bytes
  expect([...png.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47])
  const width = png.readUInt32BE(16)
  const height = png.readUInt32BE(20)
  expect(width).toBe(bare.width)
  expect(height).toBe(bare.height + 40 * bare.ratio) // the title band, the plot keeping its height

  // Decoded in the page: the band holds text (pixels unlike the background), centred as chart.js titles are.
  const inked = (await app.evaluate(`(async () => {
    const image = new Image()
    image.src = 'data:image/png;base64,${png.toString('base64')}'
    await image.decode()
    const c = document.createElement('canvas')
    c.width = image.naturalWidth
    c.height = image.naturalHeight
    const g = c.getContext('2d')
    g.drawImage(image, 0, 0)
    const band = g.getImageData(0, 0, c.width, ${Math.round(32 * bare.ratio)}).data
    const [r0, g0, b0] = g.getImageData(0, 0, 1, 1).data
    let left = 0, middle = 0
    for (let i = 0; i < band.length; i += 4) {
      const x = (i / 4) % c.width
      if (Math.abs(band[i] - r0) + Math.abs(band[i + 1] - g0) + Math.abs(band[i + 2] - b0) < 60) continue
      if (x < c.width * 0.2) left++
      else if (x > c.width * 0.35 && x < c.width * 0.65) middle++
    }
    return { left, middle }
  })()`)) as { left: number; middle: number }
  expect(inked.middle).toBeGreaterThan(50)
  expect(inked.left).toBe(0)
})
