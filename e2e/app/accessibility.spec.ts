import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'
import { expect, openTutorial, setSweepRange, test } from './fixtures'

/*
 * axe-core on every tab with data and runs present, and with the sweep dialog open, in the light
 * and the dark theme: no violation of serious or critical impact (unnamed controls, contrast,
 * scroll areas a keyboard cannot reach, names that do not match the visible text…).
 */
async function serious(page: Page, where: string): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze()
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${where}: ${v.id} at ${n.target.join(' ')}`))
}

test('every tab and the sweep dialog, light and dark: no serious or critical axe violation', async ({ app }) => {
  test.setTimeout(240_000) // eleven axe passes over the whole page
  await openTutorial(app)
  // Runs to show: a sweep of three rates (completed), and the last one opened on the Fit tab.
  await app.getByTestId('tab-runs').click()
  await app.getByTestId('open-sweep').click()
  const dialog = app.getByTestId('sweep-dialog')
  await setSweepRange(dialog, '0.001', '0.1')
  await dialog.getByTestId('sweep-count').fill('3')
  await expect(dialog.getByTestId('sweep-rate')).toHaveCount(3)
  const found = await serious(app, 'sweep dialog (light)')
  await dialog.getByTestId('sweep-launch').click()
  await expect(dialog).toBeHidden()
  await expect(app.locator('[data-testid="rate-point"][data-training="false"]')).toHaveCount(3, { timeout: 60_000 })
  await app.getByTestId('tab-train').click()
  await app.getByTestId('start').click()
  await expect(app.getByTestId('run-status')).toContainText('completed')

  for (const theme of ['light', 'dark'] as const) {
    if (theme === 'dark') await app.getByTestId('theme').click()
    await expect(app.locator('html')).toHaveAttribute('data-theme', theme)
    for (const tab of ['data', 'train', 'fit', 'runs', 'export'] as const) {
      await app.getByTestId(`tab-${tab}`).click()
      await expect(app.getByTestId(`tab-${tab}`)).toHaveAttribute('aria-selected', 'true')
      found.push(...(await serious(app, `${tab} (${theme})`)))
    }
    if (theme === 'dark') {
      await app.getByTestId('tab-runs').click()
      await app.getByTestId('open-sweep').click()
      await expect(app.getByTestId('sweep-dialog')).toBeVisible()
      found.push(...(await serious(app, 'sweep dialog (dark)')))
      await app.keyboard.press('Escape')
    }
  }
  expect(found).toEqual([])
})
