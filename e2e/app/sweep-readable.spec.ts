import type { Page } from '@playwright/test'
import { expect, openTutorial, screenshot, setSweepRange, test } from './fixtures'

/*
 * A 64-run sweep an analyst can read. Tutorial data with raw x (up to 10.8): plain full-batch
 * gradient descent is stable below lr ≈ 0.023 (the README's oracle figure for this data), so of
 * 64 rates from 1e-4 to 1 about a third diverge, some of them to 1e+100 and beyond.
 */

/** The loss at w = b = 0, epoch 0: mean(y²) of the tutorial's 15 points (the largest loss a converging run has). */
const FIRST_LOSS = 5.9467032

const rows = (page: Page) => page.locator('[data-testid^="run-row-"]')

async function sweep64(page: Page): Promise<void> {
  await openTutorial(page)
  await page.getByTestId('standardize').uncheck()
  await page.getByTestId('tab-train').click()
  await page.getByTestId('epochs').fill('200')
  await page.getByTestId('tab-runs').click()
  await page.getByTestId('open-sweep').click()
  const dialog = page.getByTestId('sweep-dialog')
  await setSweepRange(dialog, '0.0001', '1')
  await dialog.getByTestId('sweep-count').fill('64')
  await expect(dialog.getByTestId('sweep-rate')).toHaveCount(64)
  // The oracle marks, before anything trains, which of the rates will diverge.
  await expect(dialog.getByTestId('sweep-oracle')).toContainText('diverge')
  const marked = await dialog.locator('[data-testid="sweep-rate"][data-diverges="true"]').count()
  expect(marked).toBeGreaterThan(10)
  expect(marked).toBeLessThan(40)
  // The finder's plot carries the same oracle lines beside its own suggestion.
  await dialog.getByTestId('sweep-lr-finder').click()
  await expect(dialog.getByTestId('lr-suggestion')).toBeVisible({ timeout: 60_000 })
  await expect(dialog.getByTestId('finder-which')).toHaveAttribute('data-lr-max', /^0\.02/)
  await screenshot(page, 'sweep64-dialog')
  await dialog.getByTestId('sweep-launch').click()
  await expect(dialog).toBeHidden()
  // The table is virtualized (rows in view only); the rate plot's table lists every run.
  await expect(page.getByTestId('runs-count')).toContainText('64 of')
  await expect(page.getByTestId('rate-point')).toHaveCount(64)
  await expect(page.locator('[data-testid="rate-point"][data-training="true"]')).toHaveCount(0, { timeout: 120_000 })
}

test('a 64-run sweep reads: colour bar, bounded log axis, diverged runs cut and marked, oracle lines, sweep label, numbers whole', async ({ app }) => {
  await sweep64(app)
  const compare = app.getByTestId('run-compare')

  // A colour bar over the rates, not 64 legend entries (the list unfolds on demand).
  await expect(compare.getByTestId('color-bar')).toBeVisible()
  await expect(compare.getByTestId('color-bar')).toHaveAttribute('data-min', '1e\u22124')
  await expect(compare.getByTestId('color-bar')).toHaveAttribute('data-max', '1')
  await expect(compare.getByTestId('legend-entry')).toHaveCount(0)

  // Which runs diverged; and the oracle's threshold, by the loss-vs-rate chart.
  const diverged = await compare.locator('[data-testid="rate-point"][data-diverged="true"]').count()
  expect(diverged).toBeGreaterThan(10)
  const oracle = compare.getByTestId('oracle-lines')
  await expect(oracle).toBeVisible()
  const lrMax = Number(await oracle.getAttribute('data-lr-max'))
  const lrOptimal = Number(await oracle.getAttribute('data-lr-optimal'))
  expect(lrMax).toBeGreaterThan(0.02)
  expect(lrMax).toBeLessThan(0.026)
  expect(lrOptimal).toBeGreaterThan(0)
  expect(lrOptimal).toBeLessThan(lrMax)
  // Observed against predicted: exactly the rates above the oracle's largest stable rate diverged.
  const points = await compare.getByTestId('rate-point').evaluateAll((trs) =>
    trs.map((tr) => ({ lr: Number(tr.querySelector('td')!.textContent), diverged: tr.getAttribute('data-diverged') === 'true' })),
  )
  expect(points).toHaveLength(64)
  for (const p of points) expect(p.diverged, `lr ${p.lr}`).toBe(p.lr > lrMax)

  // The loss axis is bounded by the converging runs, whatever the diverged ones reached…
  const box = compare.getByTestId('loss-chart').locator('.canvas-box')
  await expect(box).toHaveAttribute('data-bounded', 'true')
  const yMax = Number(await box.getAttribute('data-y-max'))
  expect(yMax).toBeGreaterThanOrEqual(FIRST_LOSS)
  expect(yMax).toBeLessThanOrEqual(100 * FIRST_LOSS)
  // …and every diverged run is cut at its top, marked at the epoch it crossed it.
  await expect(compare.getByTestId('left-plot-marker')).toHaveCount(diverged)

  // The sweep is labelled by its rates (no name given), never by an id.
  await expect(app.locator('[data-testid^="run-group-"]').first()).toHaveText('lr sweep 1e\u22124…1, 64 rates')
  await expect(app.getByTestId('filter-group').locator('option:checked')).toHaveText('lr sweep 1e\u22124…1, 64 rates (64 runs)')

  // No number in the runs table is cut off: every numeric cell shown holds its whole text.
  const cut = async () =>
    app
      .getByTestId('runs-table')
      .locator('.num')
      .evaluateAll((cells) => cells.filter((c) => c.scrollWidth > c.clientWidth + 0.5).map((c) => c.textContent))
  expect(await cut()).toEqual([])
  await expect(rows(app).first().locator('[role="cell"].num').first()).toHaveText(/^(\d(\.\d+)?e-\d|0\.\d+|1)$/)

  // Unfolding the list shows every run, each named first by its rate in full.
  await compare.getByTestId('legend-details').locator('summary').click()
  await expect(compare.getByTestId('legend-entry')).toHaveCount(64)
  await expect(compare.getByTestId('legend-entry').first().locator('.heading')).toHaveText('lr 1e\u22124')
  await compare.getByTestId('legend-details').locator('summary').click()

  for (const [width, height] of [[1280, 800], [1024, 640]] as const) {
    await app.setViewportSize({ width, height })
    await app.getByTestId('runs-table').scrollIntoViewIfNeeded()
    expect(await cut()).toEqual([])
    await screenshot(app, `sweep64-table-${width}`)
    await compare.scrollIntoViewIfNeeded()
    await screenshot(app, `sweep64-${width}`)
  }
  await app.getByTestId('language').selectOption('zh-CN')
  await expect(app.locator('[data-testid^="run-group-"]').first()).toHaveText('学习率扫描 1e\u22124…1，64 个学习率')
  for (const [width, height] of [[1280, 800], [1024, 640]] as const) {
    await app.setViewportSize({ width, height })
    await compare.scrollIntoViewIfNeeded()
    expect(await cut()).toEqual([])
    await screenshot(app, `sweep64-${width}-zh`)
  }
})
