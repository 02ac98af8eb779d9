import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Download, Page } from '@playwright/test'
import { naiveTutorialRun, simpleRegression } from '../../src-core/testing/tutorial'
import { expect, openTutorial, screenshot, test, trainRun } from './fixtures'

const root = join(import.meta.dirname, '..', '..')
const tutorialCsv = readFileSync(join(root, 'resources/examples/tutorial.csv'), 'utf8')
const points = tutorialCsv
  .trim()
  .split('\n')
  .slice(1)
  .map((line) => line.split(',').map(Number) as [number, number])
const xs = points.map((p) => p[0])
const ys = points.map((p) => p[1])
const n = points.length

const relClose = (actual: number, expected: number, tolerance = 1e-12) => expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected)))

async function download(page: Page, click: () => Promise<void>): Promise<{ download: Download; bytes: Buffer }> {
  const [d] = await Promise.all([page.waitForEvent('download'), click()])
  return { download: d, bytes: readFileSync((await d.path())!) }
}

/** Opens the tutorial without standardization, so the gd run's parameters are the tutorial's. */
async function openRawTutorial(page: Page): Promise<void> {
  await openTutorial(page)
  await page.getByTestId('standardize').uncheck()
}

test('model JSON, metrics and history CSV, chart PNG of tutorial runs hold the fits’ numbers', async ({ app, slope }) => {
  await openRawTutorial(app)
  await trainRun(app, 'lstsq')
  await trainRun(app, 'gd', { lr: '0.01', epochs: '50' })
  await app.getByTestId('tab-export').click()

  // The Train tab's run (gd) is picked by default; the least-squares run is the one before it.
  const modelRun = app.getByTestId('model-run')
  const gdId = Number(await modelRun.inputValue())
  await expect(app.getByTestId(`pick-run-${gdId}`)).toBeChecked()
  const runsJson = spawnSync(process.execPath, [join(root, 'bin/slope.mjs'), 'runs', '--db', slope.database, '--json'], { encoding: 'utf8' })
  const stored = (JSON.parse(runsJson.stdout) as { runs: { id: number; solver: string }[] }).runs
  const lstsqId = stored.find((r) => r.solver === 'lstsq')!.id
  expect(stored.find((r) => r.id === gdId)!.solver).toBe('gd')

  // Least squares: the exported coefficients are the closed-form line.
  await modelRun.selectOption(String(lstsqId))
  await expect(app.getByTestId('model-preview')).toBeVisible()
  const exact = simpleRegression(xs, ys)
  await expect(app.getByTestId('model-coef-x')).toHaveText(String(Number(exact.w.toPrecision(6))))
  const lstsqFile = await download(app, () => app.getByTestId('save-model').click())
  expect(lstsqFile.download.suggestedFilename()).toMatch(/\.model\.json$/)
  const lstsqModel = JSON.parse(lstsqFile.bytes.toString('utf8'))
  expect(lstsqModel.format).toBe('slope-linear-model')
  expect(lstsqModel.features).toEqual(['x'])
  relClose(lstsqModel.coefficients.x, exact.w)
  relClose(lstsqModel.intercept, exact.b)

  // Gradient descent: what slope export writes for the same run id, and the tutorial's loop.
  await modelRun.selectOption(String(gdId))
  await expect(app.getByTestId('model-preview')).toBeVisible()
  const gdModel = JSON.parse((await download(app, () => app.getByTestId('save-model').click())).bytes.toString('utf8'))
  const cliOut = join(mkdtempSync(join(tmpdir(), 'slope-export-')), 'cli.json')
  const cli = spawnSync(process.execPath, [join(root, 'bin/slope.mjs'), 'export', String(gdId), '--db', slope.database, '--out', cliOut], { encoding: 'utf8' })
  expect(cli.status, cli.stderr).toBe(0)
  const cliModel = JSON.parse(readFileSync(cliOut, 'utf8'))
  expect(gdModel.coefficients).toEqual(cliModel.coefficients)
  expect(gdModel.intercept).toBe(cliModel.intercept)
  const loop = naiveTutorialRun(0.01, 50)
  relClose(gdModel.coefficients.x, loop.w)
  relClose(gdModel.intercept, loop.b)
  expect(gdModel.coefficients.x).toBeCloseTo(0.3479394, 7) // README's `slope train` example
  expect(gdModel.intercept).toBeCloseTo(0.1357047, 7)

  // History CSV of the gd run: header + one line per epoch, the tutorial loop's losses.
  const history = (await download(app, () => app.getByTestId('save-history').click())).bytes.toString('utf8')
  const lines = history.trimEnd().split('\r\n')
  expect(lines).toHaveLength(50 + 1)
  expect(lines[0]).toBe(`epoch,loss #${gdId} sgd lr=0.01`)
  const losses = lines.slice(1).map((l) => l.split(',').map(Number))
  expect(losses.map((r) => r[0])).toEqual(Array.from({ length: 50 }, (_, i) => i))
  expect(losses[0]![1]).toBeCloseTo(5.9467032, 7) // mean(y²): the loss at w = b = 0
  losses.forEach((r, i) => relClose(r[1]!, loop.losses[i]!))

  // Metrics CSV of both runs: one row each, the final loss and train MSE as stored.
  await app.getByTestId(`pick-run-${lstsqId}`).check()
  const metrics = (await download(app, () => app.getByTestId('save-metrics').click())).bytes.toString('utf8')
  const rows = metrics.trimEnd().split('\r\n').map((l) => l.split(','))
  expect(rows).toHaveLength(3)
  const col = (name: string) => rows[0]!.indexOf(name)
  const gdRow = rows.find((r) => r[0] === String(gdId))!
  const lsRow = rows.find((r) => r[0] === String(lstsqId))!
  expect(Number(gdRow[col('final_loss')])).toBe(Number(losses[49]![1]))
  expect(gdRow[col('epochs_run')]).toBe('50')
  const exactMse = ys.reduce((s, y, i) => s + (y - (exact.b + exact.w * xs[i]!)) ** 2, 0) / n
  relClose(Number(lsRow[col('train_mse')]), exactMse, 1e-10)
  expect(lsRow[col('solver')]).toBe('lstsq')

  // Chart PNG of the picked runs: a real PNG, as wide as the chart.
  const png = (await download(app, () => app.getByTestId('save-chart').click())).bytes
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
  expect(png.readUInt32BE(16)).toBeGreaterThan(300) // IHDR width
  // Laid on the theme's background: opaque, unlike chart.js's own transparent canvas.
  const cornerAlpha = await app.evaluate(`(async () => {
    const image = new Image()
    image.src = 'data:image/png;base64,${png.toString('base64')}'
    await image.decode()
    const canvas = document.createElement('canvas')
    canvas.width = image.naturalWidth
    canvas.height = image.naturalHeight
    const context = canvas.getContext('2d')
    context.drawImage(image, 0, 0)
    return context.getImageData(0, 0, 1, 1).data[3]
  })()`)
  expect(cornerAlpha).toBe(255)
  await screenshot(app, 'export')

  // Dark theme and Chinese, for the eye.
  await app.getByTestId('theme').click()
  await app.getByTestId('language').selectOption('zh-CN')
  await screenshot(app, 'export-dark-zh')
  await app.getByTestId('export-view').screenshot({ path: 'e2e/screenshots/export-dark-zh-whole.png' })
})

test('predict the tutorial file with a run’s model and with its JSON; a file without the feature column gets the sentence', async ({ app }) => {
  const dir = mkdtempSync(join(tmpdir(), 'slope-predict-'))
  const good = join(dir, 'new points.csv')
  writeFileSync(good, tutorialCsv)
  const noFeature = join(dir, 'no-x.csv')
  writeFileSync(noFeature, 'z,y\n1,2\n3,4\n')

  await openRawTutorial(app)
  await trainRun(app, 'lstsq')
  await app.getByTestId('tab-export').click()
  const { w, b } = simpleRegression(xs, ys)

  // The run's model (the Train tab's run is the default).
  await expect(app.getByTestId('predict-model-summary')).toContainText('“y”')
  await app.getByTestId('predict-file-input').setInputFiles(good)
  await expect(app.getByTestId('predict-result')).toBeVisible()
  await expect(app.getByTestId('predicted-rows')).toHaveText('15 of 15')
  await expect(app.getByTestId('missing-rows')).toHaveText('0')
  const mse = ys.reduce((s, y, i) => s + (y - (b + w * xs[i]!)) ** 2, 0) / n
  await expect(app.getByTestId('predict-metrics')).toContainText(`MSE ${Number(mse.toPrecision(6))}`)
  await expect(app.getByTestId('prediction-row-0')).toContainText(String(Number((b + w * 3.3).toPrecision(6))))
  await app.getByTestId('predict-panel').scrollIntoViewIfNeeded()
  await screenshot(app, 'predict')

  const saved = (await download(app, () => app.getByTestId('save-predictions').click()))
  expect(saved.download.suggestedFilename()).toBe('new points.predictions.csv')
  const checkPredictions = (text: string) => {
    const lines = text.trimEnd().split('\r\n')
    expect(lines[0]).toBe('row,x,y,predicted_y')
    expect(lines).toHaveLength(n + 1)
    lines.slice(1).forEach((line, i) => {
      const [row, x, y, predicted] = line.split(',').map(Number)
      expect(row).toBe(i + 2) // spreadsheet row: the header is row 1
      expect(x).toBe(xs[i])
      expect(y).toBe(ys[i])
      relClose(predicted!, b + w * x!)
    })
  }
  checkPredictions(saved.bytes.toString('utf8'))

  // The same model as a JSON file gives the same predictions.
  const modelJson = join(dir, 'model.json')
  writeFileSync(modelJson, (await download(app, () => app.getByTestId('save-model').click())).bytes)
  await app.getByTestId('model-file-input').setInputFiles(modelJson)
  await expect(app.getByTestId('predict-source-file')).toBeChecked()
  await expect(app.getByTestId('model-file-name')).toHaveText('model.json')
  await app.getByTestId('predict-button').click()
  await expect(app.getByTestId('predict-what')).toContainText('model.json')
  const fromJson = (await download(app, () => app.getByTestId('save-predictions').click())).bytes.toString('utf8')
  expect(fromJson).toBe(saved.bytes.toString('utf8'))

  // A file that is not a model is refused at once, with a sentence.
  const notModel = join(dir, 'not-a-model.json')
  writeFileSync(notModel, '{"hello": 1}')
  await app.getByTestId('model-file-input').setInputFiles(notModel)
  await expect(app.getByTestId('model-file-error')).toContainText('not-a-model.json is not a Slope model')
  await app.getByTestId('model-file-input').setInputFiles(modelJson)
  await expect(app.getByTestId('model-file-error')).toHaveCount(0)

  // A file without the feature column: main's sentence, and the app goes on working.
  await app.getByTestId('predict-file-input').setInputFiles(noFeature)
  await expect(app.getByTestId('predict-error')).toContainText('There is no column "x" in no-x.csv.')
  await expect(app.getByTestId('predict-result')).toHaveCount(0)
  await app.getByTestId('predict-file-input').setInputFiles(good)
  await expect(app.getByTestId('predicted-rows')).toHaveText('15 of 15')
  await expect(app.getByTestId('predict-error')).toHaveCount(0)
})

test('a million-epoch history is written in chunks while the window keeps painting; Cancel stops it', async ({ app }) => {
  test.setTimeout(240_000)
  await openTutorial(app)
  await app.getByTestId('tab-train').click()
  await app.getByTestId('epochs').fill('1000000')
  await app.getByTestId('start').click()
  await expect(app.getByTestId('run-status')).toContainText('completed', { timeout: 180_000 })
  await app.getByTestId('tab-export').click()
  await expect(app.getByTestId('picked-count')).toHaveText('Runs picked: 1')

  // Every animation frame, note the bar's value while the CSV is being written: a window frozen by
  // one long task would paint no frame between the first chunk and the last.
  await app.evaluate(`(() => {
    window.barValues = []
    const tick = () => {
      const task = document.querySelector('[data-testid="history-progress"]')
      const bar = task && task.querySelector('progress')
      if (bar && task.textContent.includes('Writing') && bar.value !== window.barValues.at(-1)) window.barValues.push(bar.value)
      requestAnimationFrame(tick)
    }
    requestAnimationFrame(tick)
  })()`)
  let downloads = 0
  app.on('download', () => downloads++)

  // Cancel while it writes: nothing is saved, and it says so.
  await app.getByTestId('save-history').click()
  await expect(app.getByTestId('history-progress')).toContainText('Writing 1,000,000 epochs', { timeout: 60_000 })
  await app.getByTestId('history-progress-cancel').click()
  await expect(app.getByTestId('history-note')).toHaveText('Export cancelled; nothing was saved.')
  expect(downloads).toBe(0)

  // The whole file: header + a million lines, the loss at w = b = 0 first.
  await app.evaluate('window.barValues = []')
  const [file] = await Promise.all([app.waitForEvent('download', { timeout: 120_000 }), app.getByTestId('save-history').click()])
  const text = readFileSync((await file.path())!, 'utf8')
  const lines = text.trimEnd().split('\r\n')
  expect(lines).toHaveLength(1_000_000 + 1)
  expect(Number(lines[1]!.split(',')[1])).toBeCloseTo(5.9467032, 7)
  expect(lines.at(-1)!.split(',')[0]).toBe('999999')
  const barValues = (await app.evaluate('window.barValues')) as number[]
  expect(barValues.length, `bar values seen in frames: ${barValues.join(', ')}`).toBeGreaterThanOrEqual(5)
  for (let i = 1; i < barValues.length; i++) expect(barValues[i]!).toBeGreaterThan(barValues[i - 1]!)
})

test('a model with one-hot encoded text predicts new rows as slope predict does; an unseen level gets no prediction', async ({ app }) => {
  const dir = mkdtempSync(join(tmpdir(), 'slope-onehot-'))
  // y = 0.5 + x + 2·[city = B] − [city = C] exactly, so least squares recovers these numbers.
  const effect: Record<string, number> = { A: 0, B: 2, C: -1 }
  const rows = ['A', 'B', 'C', 'A', 'B', 'C', 'A', 'B', 'C'].map((city, i) => [city, i + 1, 0.5 + (i + 1) + effect[city]!] as const)
  writeFileSync(join(dir, 'shops.csv'), `city,x,y\n${rows.map((r) => r.join(',')).join('\n')}\n`)
  const newFile = join(dir, 'new shops.csv')
  writeFileSync(newFile, 'city,x\nA,10\nB,10\nC,10.5\nD,10\nB,\n')

  await app.getByTestId('tab-data').click()
  await app.getByTestId('file-input').setInputFiles(join(dir, 'shops.csv'))
  await app.getByTestId('one-hot-city').check()
  await app.getByTestId('one-hot-apply').click()
  await expect(app.getByTestId('preview')).toContainText('city=C')
  await app.getByTestId('standardize').uncheck()
  await trainRun(app, 'lstsq')
  await app.getByTestId('tab-export').click()
  await expect(app.getByTestId('predict-model-summary')).toContainText('x, city=B, city=C')

  await app.getByTestId('predict-file-input').setInputFiles(newFile)
  await expect(app.getByTestId('predicted-rows')).toHaveText('3 of 5')
  await expect(app.getByTestId('missing-rows')).toHaveText('2')
  await expect(app.getByTestId('predict-result')).toContainText('1 row(s) have a value of “city” the model was not trained on')
  const saved = (await download(app, () => app.getByTestId('save-predictions').click())).bytes.toString('utf8')
  const lines = saved.trimEnd().split('\r\n')
  expect(lines[0]).toBe('row,x,city=B,city=C,predicted_y')
  const predicted = lines.slice(1).map((l) => l.split(',').at(-1)!)
  ;[10.5, 12.5, 0.5 + 10.5 - 1].forEach((expected, i) => relClose(Number(predicted[i]), expected, 1e-9))
  expect(predicted.slice(3)).toEqual(['', '']) // unseen level D; missing x

  // slope predict on the same model and file writes the same table.
  const model = join(dir, 'model.json')
  writeFileSync(model, (await download(app, () => app.getByTestId('save-model').click())).bytes)
  const cli = spawnSync(process.execPath, [join(root, 'bin/slope.mjs'), 'predict', model, newFile], { encoding: 'utf8' })
  expect(cli.status, cli.stderr).toBe(0)
  expect(saved.replaceAll('\r\n', '\n')).toBe(cli.stdout)
})
