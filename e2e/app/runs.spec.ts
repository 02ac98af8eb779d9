import type { Locator, Page } from '@playwright/test'
import { expect, openTutorial, screenshot, setSweepRange, test } from './fixtures'
import { startSlope } from './slope-server'

/** The table row of the run with this exact name. */
function row(page: Page, name: string): Locator {
  return page.getByRole('row').filter({ has: page.getByRole('button', { name: `Rename ${name}`, exact: true }) })
}

const rows = (page: Page) => page.locator('[data-testid^="run-row-"]')

/** Opens the sweep dialog, types the range and count, and starts it. */
async function sweep(page: Page, min: string, max: string, count: number, name?: string): Promise<void> {
  await page.getByTestId('tab-runs').click()
  await page.getByTestId('open-sweep').click()
  const dialog = page.getByTestId('sweep-dialog')
  await expect(dialog).toBeVisible()
  await setSweepRange(dialog, min, max)
  await dialog.getByTestId('sweep-count').fill(String(count))
  if (name) await dialog.getByTestId('sweep-name').fill(name)
  await expect(dialog.getByTestId('sweep-rate')).toHaveCount(count)
  await dialog.getByTestId('sweep-launch').click()
  await expect(dialog).toBeHidden()
}

/** Waits until no shown run is queued or running. */
async function allFinished(page: Page, count: number): Promise<void> {
  await expect(rows(page)).toHaveCount(count)
  await expect(page.locator('[data-testid^="run-row-"][data-status="queued"], [data-testid^="run-row-"][data-status="running"]')).toHaveCount(0, { timeout: 60_000 })
}

test('a sweep over four learning rates: one group, curves compared, loss vs rate with the diverged run marked, only the rate differs', async ({ app }) => {
  await openTutorial(app)
  // Raw x (up to 10.8): plain gradient descent is stable below lr ≈ 0.023 (the oracle's lr_max_stable);
  // lr = 1 overflows within 100 epochs and lr = 0.1 grows where the oracle proves it unstable: both diverge.
  await app.getByTestId('standardize').uncheck()
  await app.getByTestId('tab-runs').click()
  await app.getByTestId('open-sweep').click()
  const dialog = app.getByTestId('sweep-dialog')
  await dialog.getByTestId('sweep-min').getByTestId('lr').fill('0.001')
  await dialog.getByTestId('sweep-min').getByTestId('lr').press('Enter')
  await dialog.getByTestId('sweep-max').getByTestId('lr').fill('1')
  await dialog.getByTestId('sweep-max').getByTestId('lr').press('Enter')
  await dialog.getByTestId('sweep-count').fill('4')
  // The preview is the log-spaced grid main will train: one rate per decade.
  await expect(dialog.getByTestId('sweep-rate')).toHaveText(['0.001', '0.01', '0.1', '1'])
  await expect(dialog.getByTestId('sweep-launch')).toHaveText('Start 4 runs')
  await expect(dialog.getByTestId('sweep-uses')).toContainText('tutorial.csv')
  await dialog.getByTestId('sweep-launch').click()
  await expect(dialog).toBeHidden()

  // The table shows the new group (filtered to it) and the comparison selects its four runs.
  await allFinished(app, 4)
  await expect(app.getByTestId('filter-group').locator('option:checked')).toContainText('(4 runs)')
  const groupLabels = await app.locator('[data-testid^="run-group-"]').allTextContents()
  expect(groupLabels).toHaveLength(4)
  expect(new Set(groupLabels).size).toBe(1)
  await expect(row(app, 'sweep lr=1')).toHaveAttribute('data-status', 'diverged')
  await expect(row(app, 'sweep lr=1').locator('[data-testid^="run-status-"]')).toHaveText('diverged')
  await expect(row(app, 'sweep lr=0.1')).toHaveAttribute('data-status', 'diverged')
  for (const name of ['sweep lr=0.001', 'sweep lr=0.01']) await expect(row(app, name)).toHaveAttribute('data-status', 'completed')
  // The sweep was not named: it is labelled by its rates.
  expect(groupLabels[0]).toBe('lr sweep 1e\u22123…1, 4 rates')
  // lr = 0.01 after 100 epochs from w = b = 0: the CLI (and PyTorch) give 0.2070640 (README, same data and settings).
  await expect(row(app, 'sweep lr=0.01').locator('[data-testid^="run-final-"]')).toHaveText('0.2071')
  // The loss at w = b = 0 (epoch 0) is mean(y²) = 5.9467032: the best a diverging run ever had.
  await expect(row(app, 'sweep lr=1').locator('[data-testid^="run-best-"]')).toHaveText('5.947')

  const compare = app.getByTestId('run-compare')
  await expect(compare.getByTestId('legend-entry')).toHaveCount(4)
  await expect(compare.getByTestId('legend-entry')).toContainText(['sweep lr=0.001', 'sweep lr=0.01', 'sweep lr=0.1', 'sweep lr=1'])
  const points = compare.getByTestId('rate-point')
  await expect(points).toHaveCount(4)
  await expect(compare.locator('[data-testid="rate-point"][data-diverged="true"]')).toHaveCount(2)
  await expect(compare.locator('[data-testid="rate-point"][data-diverged="true"]')).toContainText(['sweep lr=0.1', 'sweep lr=1'])
  // The oracle's lines: one sweep, one optimizer, the same data and settings but the rate.
  await expect(compare.getByTestId('oracle-lines')).toContainText('0.0231')

  // Settings: everything but the learning rate is shared.
  const diff = compare.getByTestId('config-diff')
  await expect(diff.locator('[data-testid^="diff-row-"]')).not.toHaveCount(1)
  await expect(diff.getByTestId('diff-row-standardize')).toHaveAttribute('data-differs', 'false')
  await diff.getByTestId('diff-only').check()
  await expect(diff.locator('[data-testid^="diff-row-"]')).toHaveCount(1)
  await expect(diff.getByTestId('diff-row-learningRate')).toContainText(['0.001', '0.01', '0.1', '1'].join(''))

  // Pinning a baseline marks it in the legend and the table.
  const diverged = compare.locator('[data-testid="legend-entry"]').filter({ hasText: 'sweep lr=1' })
  await diverged.getByRole('button', { name: 'Baseline' }).click()
  await expect(diverged.getByRole('button', { name: 'Baseline' })).toHaveAttribute('aria-pressed', 'true')
  await expect(row(app, 'sweep lr=1')).toContainText('Baseline')
  await compare.scrollIntoViewIfNeeded()
  await screenshot(app, 'compare')
  // The same view in Chinese and the dark theme (for looking at, like the other screenshots).
  await app.getByTestId('language').selectOption('zh-CN')
  await app.getByTestId('theme').click()
  await expect(app.locator('[data-testid^="run-row-"][data-status="diverged"] [data-testid^="run-status-"]')).toHaveText(['已发散', '已发散'])
  await screenshot(app, 'compare-zh-dark')
})

test('rename, star, tag, sort, filter and delete runs; a run still training is refused with main’s sentence', async ({ app }) => {
  await openTutorial(app)
  await sweep(app, '0.01', '1', 3, 'edit')
  await allFinished(app, 3)

  // Rename in place: click the name, type, Enter.
  await row(app, 'edit lr=0.1').getByRole('button', { name: 'Rename edit lr=0.1' }).click()
  await app.getByTestId('run-name-input').fill('my favourite')
  await app.getByTestId('run-name-input').press('Enter')
  await expect(row(app, 'my favourite')).toHaveCount(1)
  await expect(row(app, 'edit lr=0.1')).toHaveCount(0)
  // Escape leaves the name alone.
  await row(app, 'my favourite').getByRole('button', { name: 'Rename my favourite' }).click()
  await app.getByTestId('run-name-input').fill('not this')
  await app.getByTestId('run-name-input').press('Escape')
  await expect(row(app, 'my favourite')).toHaveCount(1)

  // Star and tag (keyboard: focus the tag button, Enter, type, Enter).
  const fav = row(app, 'my favourite')
  await fav.locator('[data-testid^="run-star-"]').click()
  await expect(fav.locator('[data-testid^="run-star-"]')).toHaveAttribute('aria-pressed', 'true')
  await fav.locator('[data-testid^="run-tags-"]').focus()
  await app.keyboard.press('Enter')
  await app.getByTestId('run-tags-input').fill('keep, good ,keep')
  await app.keyboard.press('Enter')
  await expect(fav.locator('.chip')).toHaveText(['good', 'keep']) // main stores tags sorted

  // Sort by learning rate, both ways.
  const names = async () => (await rows(app).locator('[data-testid^="run-name-"]').allTextContents()).map((s) => s.replace('Baseline', '').trim())
  await app.getByTestId('sort-learningRate').click()
  await expect.poll(names).toEqual(['edit lr=0.01', 'my favourite', 'edit lr=1'])
  await expect(app.getByTestId('sort-learningRate').locator('..')).toHaveAttribute('aria-sort', 'ascending')
  await app.getByTestId('sort-learningRate').click()
  await expect.poll(names).toEqual(['edit lr=1', 'my favourite', 'edit lr=0.01'])

  // Filters: they combine, and Clear brings every run back.
  await app.getByTestId('clear-filters').click()
  // Counted from the header: the table only puts the rows in view into the page.
  const total = Number(/of (\d+) runs/.exec((await app.getByTestId('runs-count').textContent())!)![1])
  expect(total).toBeGreaterThanOrEqual(3)
  await expect(app.getByTestId('runs-count')).toHaveText(`${total} of ${total} runs`)
  await app.getByTestId('filter-starred').check()
  await expect.poll(names).toEqual(['my favourite'])
  await app.getByTestId('filter-starred').uncheck()
  await app.getByTestId('filter-tag').selectOption('good')
  await expect.poll(names).toEqual(['my favourite'])
  await app.getByTestId('filter-tag').selectOption('')
  await app.getByTestId('runs-search').fill('EDIT LR')
  await expect(rows(app)).toHaveCount(2)
  await app.getByTestId('runs-search').fill('no such run')
  await expect(app.getByTestId('runs-no-match')).toBeVisible()
  await app.getByTestId('clear-filters').click()
  await expect(app.getByTestId('runs-count')).toHaveText(`${total} of ${total} runs`)
  await screenshot(app, 'runs')

  // Delete asks first; "Keep them" keeps the run.
  await app.getByTestId('clear-selection').click()
  await row(app, 'edit lr=1').locator('[data-testid^="run-select-"]').check()
  // One run selected: its detail, with notes that are saved when the box loses focus and are searchable.
  await expect(app.getByTestId('run-detail')).toContainText('edit lr=1')
  await app.getByTestId('run-notes').fill('Oscillates: the rate is too large')
  await app.getByTestId('runs-search').fill('oscillates')
  await expect.poll(names).toEqual(['edit lr=1'])
  await screenshot(app, 'run-detail')
  await app.getByTestId('runs-search').fill('')
  await app.getByTestId('delete-selected').click()
  await expect(app.getByTestId('delete-dialog')).toContainText('edit lr=1')
  await app.getByTestId('delete-cancel').click()
  await expect(app.getByTestId('delete-dialog')).toBeHidden()
  await expect(row(app, 'edit lr=1')).toHaveCount(1)
  await app.getByTestId('delete-selected').click()
  await app.getByTestId('delete-confirm').click()
  await expect(row(app, 'edit lr=1')).toHaveCount(0)
  await expect(app.getByTestId('runs-count')).toHaveText(`${total - 1} of ${total - 1} runs`)

  // Runs that are training cannot be deleted: main says so, and Stop then Delete works.
  await app.getByTestId('tab-train').click()
  await app.getByTestId('full-batch').uncheck()
  await app.getByTestId('batch-size').fill('1')
  await app.getByTestId('epochs').fill('10000000')
  await sweep(app, '0.0001', '0.001', 2, 'long')
  await expect(row(app, 'long lr=0.0001')).toHaveAttribute('data-status', /running|queued/)
  // The comparison follows the running run live: its epoch count grows between two looks.
  const entry = app.getByTestId('legend-entry').filter({ hasText: 'long lr=0.0001' })
  const epochs = async () => Number(/([\d,]+) epochs/.exec((await entry.textContent()) ?? '')?.[1]?.replaceAll(',', '') ?? 0)
  await expect.poll(epochs).toBeGreaterThan(0)
  const first = await epochs()
  await expect.poll(epochs).toBeGreaterThan(first)
  // Delete key on the table asks to delete the selection.
  await row(app, 'long lr=0.0001').locator('[data-testid^="run-select-"]').focus()
  await app.keyboard.press('Delete')
  await app.getByTestId('delete-confirm').click()
  await expect(app.getByTestId('notice').last()).toContainText('is still training. Stop it first, then delete it.')
  await expect(row(app, 'long lr=0.0001')).toHaveCount(1)
  await app.getByTestId('stop-selected').click()
  await expect(row(app, 'long lr=0.0001')).toHaveAttribute('data-status', 'cancelled')
  await expect(row(app, 'long lr=0.001')).toHaveAttribute('data-status', 'cancelled')
  await app.getByTestId('delete-selected').click()
  await app.getByTestId('delete-confirm').click()
  await expect(rows(app)).toHaveCount(0)
  await app.getByTestId('clear-filters').click()
  await expect(app.getByTestId('runs-count')).toHaveText(`${total - 1} of ${total - 1} runs`)
})

test('the learning-rate finder’s suggestion seeds the sweep range, one decade either side', async ({ app }) => {
  await openTutorial(app)
  await app.getByTestId('tab-runs').click()
  await app.getByTestId('open-sweep').click()
  const dialog = app.getByTestId('sweep-dialog')
  await dialog.getByTestId('sweep-lr-finder').click()
  await expect(dialog.getByTestId('lr-suggestion')).toBeVisible({ timeout: 60_000 })
  const suggested = Number(/([\d.e+-]+)$/.exec((await dialog.getByTestId('lr-suggestion').textContent())!.trim())![1])
  expect(suggested).toBeGreaterThan(0)
  await dialog.getByTestId('use-suggestion').click()
  const twoDigits = (x: number) => String(Number(x.toPrecision(2)))
  await expect(dialog.getByTestId('sweep-min').getByTestId('lr')).toHaveValue(twoDigits(suggested / 10))
  await expect(dialog.getByTestId('sweep-max').getByTestId('lr')).toHaveValue(twoDigits(suggested * 10))
  await screenshot(app, 'sweep')
  // Bad input stops the launch with a sentence; Escape closes the dialog without starting anything.
  await dialog.getByTestId('sweep-count').fill('1')
  await expect(dialog.getByTestId('sweep-problem')).toHaveText('Choose from 2 to 64 rates.')
  await expect(dialog.getByTestId('sweep-launch')).toBeDisabled()
  await app.keyboard.press('Escape')
  await expect(dialog).toBeHidden()
})

test('a 128-run sweep: only the rows in view are in the page, and scrolling reaches every run in sorted order', async ({ app }) => {
  await openTutorial(app)
  await app.getByTestId('tab-runs').click()
  await app.getByTestId('open-sweep').click()
  const dialog = app.getByTestId('sweep-dialog')
  await setSweepRange(dialog, '0.0001', '1')
  await dialog.getByTestId('sweep-count').fill('64')
  await dialog.getByTestId('sweep-optimizer-adam').check()
  await expect(dialog.getByTestId('sweep-launch')).toHaveText('Start 128 runs')
  await dialog.getByTestId('sweep-launch').click()
  await expect(app.getByTestId('runs-count')).toContainText('128 of')
  // 128 legend entries would say less than a colour bar over the rates: the list folds away.
  await expect(app.getByTestId('color-bar')).toBeVisible()
  await expect(app.getByTestId('legend-entry')).toHaveCount(0)
  await app.getByTestId('filter-status').selectOption('completed')
  await expect(app.getByTestId('runs-count')).toContainText('128 of', { timeout: 120_000 })
  expect(await rows(app).count()).toBeLessThan(40)

  // Ascending rate: the reverse of the default newest-first order (which starts with adam lr=1).
  await app.getByTestId('sort-learningRate').click()
  await expect(rows(app).first().locator('[data-testid^="run-name-"]')).toHaveText(/ lr=0\.0001$/)
  await app.getByTestId('runs-table').evaluate((el) => el.scrollTo(0, el.scrollHeight))
  await expect(rows(app).last().locator('[data-testid^="run-name-"]')).toHaveText(/ lr=1$/)
  expect(await rows(app).count()).toBeLessThan(40)
  await expect(app.getByTestId('rate-point')).toHaveCount(128)
})

test('restart keeps runs: another server on the same database lists them with their statuses and losses', async ({ app }) => {
  // A server of this test's own: the file's `slope` is shared by every spec file this worker runs next.
  const first = await startSlope()
  let again: Awaited<ReturnType<typeof startSlope>> | null = null
  try {
    await app.goto(first.loginUrl)
    await expect(app.getByTestId('tab-data')).toBeVisible()
    await openTutorial(app)
    await app.getByTestId('standardize').uncheck()
    await sweep(app, '0.001', '1', 4, 'kept')
    await allFinished(app, 4)
    const read = async () =>
      Promise.all(
        ['kept lr=0.001', 'kept lr=0.01', 'kept lr=0.1', 'kept lr=1'].map(async (name) => ({
          name,
          status: await row(app, name).getAttribute('data-status'),
          final: await row(app, name).locator('[data-testid^="run-final-"]').textContent(),
          best: await row(app, name).locator('[data-testid^="run-best-"]').textContent(),
        })),
      )
    const before = await read()
    expect(before.map((r) => r.status)).toEqual(['completed', 'completed', 'diverged', 'diverged'])

    await first.stop()
    again = await startSlope(first.database)
    await app.goto(again.loginUrl)
    await app.getByTestId('tab-runs').click()
    await expect(rows(app)).toHaveCount(4)
    expect(await read()).toEqual(before)
    // The stored histories come back too: the group compares with four curves.
    await row(app, 'kept lr=1').locator('[data-testid^="run-group-"]').click()
    await expect(app.getByTestId('legend-entry')).toHaveCount(4)
    await expect(app.getByTestId('rate-point')).toHaveCount(4)
  } finally {
    await first.stop()
    await again?.stop()
  }
})
