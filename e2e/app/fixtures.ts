import { test as base, expect, type Locator, type Page } from '@playwright/test'
import { privateSlope } from './private-slope'
import type { SlopeServer } from './slope-server'

/**
 * `slope`: browser mode started once per Playwright worker (worker-scoped: with `workers: 1` every
 * spec file shares it and its database — a spec extends it with its own `privateSlope()` for a database of its own, or calls `startSlope` to stop or restart one),
 * and `app`: a page logged in with the printed link, at 1280×800. Screenshots go to e2e/screenshots/.
 */
export const test = base.extend<{ app: Page }, { slope: SlopeServer }>({
  slope: privateSlope(),
  app: async ({ page, slope }, use) => {
    await page.setViewportSize({ width: 1280, height: 800 })
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    await page.goto(slope.loginUrl)
    await expect(page.getByTestId('tab-data')).toBeVisible()
    await use(page)
    expect(errors, 'uncaught errors in the page').toEqual([])
  },
})

export { expect }

/**
 * Opens the bundled tutorial data on the Data tab with Slope's default settings: the example itself
 * applies the tutorial's exact experiment (tutorial-exact.spec.ts), which specs about other
 * behaviour reset here so their numbers stay those of the defaults.
 */
export async function openTutorial(page: Page): Promise<void> {
  await page.getByTestId('tab-data').click()
  await page.getByTestId('example-tutorial').click()
  await expect(page.getByTestId('preview')).toContainText('tutorial.csv')
  await page.getByTestId('tab-train').click()
  // The example sets the tutorial's experiment (w starts at 0.618956938) once its import lands; the
  // preview may already show a tutorial.csv the window reopened, so wait for the experiment itself
  // before going back to the defaults the specs assume.
  await expect(page.getByTestId('init')).toHaveValue('explicit')
  await page.getByTestId('reset-settings').click()
  await expect(page.getByTestId('init')).toHaveValue('zeros')
  await page.getByTestId('tab-data').click()
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `e2e/screenshots/${name}.png`, fullPage: true })
}

/** Trains one run on the Train tab with the current settings and waits for it to finish. */
export async function trainRun(page: Page, solver: 'gd' | 'lstsq', settings: { lr?: string; epochs?: string } = {}): Promise<void> {
  await page.getByTestId('tab-train').click()
  await page.getByTestId('solver').selectOption(solver)
  if (settings.lr) {
    await page.getByTestId('lr').fill(settings.lr)
    await page.getByTestId('lr').press('Enter')
  }
  if (settings.epochs) await page.getByTestId('epochs').fill(settings.epochs)
  // The status line shows the previous run until the new one is created: wait for it to change.
  const status = page.getByTestId('run-status')
  const before = (await status.count()) ? await status.textContent() : null
  await page.getByTestId('start').click()
  await expect.poll(async () => ((await status.count()) ? await status.textContent() : null)).not.toBe(before)
  await expect(status).toContainText('completed')
}

/** Types a learning-rate range into the open sweep dialog (each box commits on Enter). */
export async function setSweepRange(dialog: Locator, min: string, max: string): Promise<void> {
  for (const [box, value] of [['sweep-min', min], ['sweep-max', max]] as const) {
    await dialog.getByTestId(box).getByTestId('lr').fill(value)
    await dialog.getByTestId(box).getByTestId('lr').press('Enter')
  }
}
