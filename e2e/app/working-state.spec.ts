import { expect, test as base, type Page } from '@playwright/test'
import type { SlopeServer } from './slope-server'
import { privateSlope } from './private-slope'

/**
 * The analyst's place (issue #12): each dataset keeps its preparation in the database, one entry
 * per file in Recent datasets, and a reload returns to the tab, dataset, run (live) and Runs-tab
 * checks and filters it left. One private server and database for the whole file: the reloads
 * must find what the earlier steps stored.
 */
const test = base.extend<{}, { slope: SlopeServer }>({
  slope: privateSlope(),
})
test.describe.configure({ mode: 'serial' })

const regions = '地区,a,b,y\n华北,1,2,3.5\n华南,2,1,4\n华北,3,5,9\n华东,4,3,8.5\n华南,5,4,10\n华东,6,2,9.5\n'

async function open(page: Page, slope: SlopeServer): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto(slope.loginUrl)
  await expect(page.getByTestId('tab-data')).toBeVisible()
}

const recent = (page: Page) => page.locator('.recent > li')
const feature = (page: Page, name: string) => page.getByTestId(`column-${name}`).getByRole('checkbox')

test('each dataset keeps its preparation; one-hot is one entry per file with its true column count; the target is never a dummy', async ({ page, slope }) => {
  await open(page, slope)
  await page.getByTestId('file-input').setInputFiles({ name: 'regions.csv', mimeType: 'text/csv', buffer: Buffer.from(regions) })
  await expect(page.getByTestId('selection')).toHaveText('Predict “y” from 2 features.')
  await expect(recent(page)).toHaveCount(1)
  await expect(recent(page).first()).toContainText('6 rows, 4 columns')
  await feature(page, 'b').uncheck()
  await page.getByTestId('standardize').uncheck()
  await expect(page.getByTestId('selection')).toHaveText('Predict “y” from 1 feature.')

  await page.getByTestId('one-hot-地区').check()
  await page.getByTestId('one-hot-apply').click()
  await expect(page.getByTestId('column-地区=华南')).toBeVisible()
  // Still "y" (the last numeric column is now a dummy), a, and the two dummies just asked for.
  await expect(page.getByTestId('selection')).toHaveText('Predict “y” from 3 features.')
  await expect(recent(page)).toHaveCount(1)
  await expect(recent(page).first()).toContainText('6 rows, 4 columns')

  // Another dataset, then back: everything as it was left.
  await page.getByTestId('example-longley').click()
  await expect(page.getByTestId('selection')).toHaveText('Predict “employment” from 6 features.')
  await expect(recent(page)).toHaveCount(2)
  await recent(page).filter({ hasText: 'regions.csv' }).getByRole('button', { name: 'regions.csv', exact: true }).click()
  await expect(page.getByTestId('selection')).toHaveText('Predict “y” from 3 features.')
  await expect(feature(page, 'b')).not.toBeChecked()
  await expect(page.getByTestId('standardize')).not.toBeChecked()

  // A reload reopens this dataset (not the newest one), prepared the same way.
  await page.reload()
  await expect(page.getByTestId('current-dataset')).toContainText('regions.csv')
  await expect(page.getByTestId('selection')).toHaveText('Predict “y” from 3 features.')
  await expect(feature(page, 'b')).not.toBeChecked()
  await expect(page.getByTestId('standardize')).not.toBeChecked()
})

test('a reload returns to the Train tab and the run still training, live, under its own dataset', async ({ page, slope }) => {
  await open(page, slope)
  await page.getByTestId('example-tutorial').click()
  await expect(page.getByTestId('selection')).toHaveText('Predict “y” from 1 feature.')
  await page.getByTestId('tab-train').click()
  await page.getByTestId('lr').fill('0.0001')
  await page.getByTestId('lr').press('Enter')
  await page.getByTestId('full-batch').uncheck()
  await page.getByTestId('batch-size').fill('1')
  await page.getByTestId('epochs').fill('10000000')
  await page.getByTestId('start').click()
  await expect(page.getByTestId('run-status')).toContainText('running')

  await page.reload()
  await expect(page.getByTestId('tab-train')).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByTestId('run-status')).toContainText('running')
  await expect(page.getByText('Press Start (Ctrl+Enter)')).toHaveCount(0)
  await expect(page.locator('.target-line')).toHaveText('Predict “y” from 1 feature.')
  // Live: the epoch count keeps moving after the reload.
  const epochs = async () => Number(/\(([\d,]+) of/.exec((await page.getByTestId('run-status').textContent())!)?.[1]?.replaceAll(',', '') ?? 0)
  const first = await epochs()
  await expect.poll(epochs).toBeGreaterThan(first)
  await page.getByTestId('stop').click()
  await expect(page.getByTestId('run-status')).toContainText('cancelled')
  await page.getByTestId('tab-data').click()
  await expect(page.getByTestId('current-dataset')).toContainText('tutorial.csv')
})

test('the Runs tab’s checked runs and filters survive a reload; a run’s dataset and settings reopen from Runs and Fit', async ({ page, slope }) => {
  await open(page, slope)
  await page.getByTestId('tab-runs').click()
  const row = page.locator('[data-testid^="run-row-"]').first()
  const id = (await row.getAttribute('data-testid'))!.replace('run-row-', '')
  const name = (await page.getByTestId(`run-name-${id}`).textContent())!.trim()
  await page.getByTestId('runs-search').fill(name)
  await page.getByTestId(`run-select-${id}`).check()
  await expect(page.getByTestId('run-detail')).toBeVisible()

  await page.reload()
  await expect(page.getByTestId('tab-runs')).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByTestId('runs-search')).toHaveValue(name)
  await expect(page.getByTestId(`run-select-${id}`)).toBeChecked()

  // Other settings in the form, then the run's own back from its detail panel.
  await page.getByTestId('tab-train').click()
  await page.getByTestId('lr').fill('0.5')
  await page.getByTestId('lr').press('Enter')
  await page.getByTestId('epochs').fill('7')
  await page.getByTestId('full-batch').check()
  await page.getByTestId('tab-runs').click()
  await page.getByTestId('run-detail').getByTestId('open-run-settings').click()
  await expect(page.getByTestId('tab-train')).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByTestId('lr')).toHaveValue('0.0001')
  await expect(page.getByTestId('epochs')).toHaveValue('10000000')
  await expect(page.getByTestId('batch-size')).toHaveValue('1')

  // And from the Fit tab.
  await page.getByTestId('epochs').fill('7')
  await page.getByTestId('tab-fit').click()
  await page.getByTestId('open-run-settings').click()
  await expect(page.getByTestId('tab-train')).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByTestId('epochs')).toHaveValue('10000000')
})

test('each tab opens at its top, not at the previous tab’s scroll position', async ({ page, slope }) => {
  await open(page, slope)
  await page.setViewportSize({ width: 1280, height: 360 })
  await page.getByTestId('tab-data').click()
  await page.getByTestId('example-longley').click() // a long column table: the Data tab scrolls
  await expect(page.getByTestId('column-employment')).toBeVisible()
  const main = page.locator('main')
  await main.evaluate((m) => m.scrollTo(0, m.scrollHeight))
  expect(await main.evaluate((m) => m.scrollTop)).toBeGreaterThan(100)
  await page.getByTestId('tab-train').click()
  await expect.poll(() => main.evaluate((m) => m.scrollTop)).toBe(0)
})
