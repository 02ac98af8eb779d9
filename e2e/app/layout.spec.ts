import type { Page } from '@playwright/test'
import { expect, openTutorial, screenshot, setSweepRange, test } from './fixtures'

/*
 * The layout from 1024×640 up (issue #12): nothing in the header is cut or wraps out of line, the
 * column table shows every column, no tab scrolls sideways, and text kept for screen readers takes
 * no room. Measured in the real page (bounding boxes, scroll sizes), in both languages where text
 * width matters.
 */
const sizes = [
  [1024, 640],
  [1280, 800],
  [1920, 1080],
] as const
const tabs = ['data', 'train', 'fit', 'runs', 'export'] as const

/** Header facts: the tagline's overflow, its box against the tabs' box, and each tab label's line count. */
async function header(page: Page) {
  return page.evaluate(() => {
    const tagline = document.querySelector<HTMLElement>('.tagline')!
    const tabBox = document.querySelector('[role=tablist]')!.getBoundingClientRect()
    const box = tagline.getBoundingClientRect()
    const lines = Array.from(document.querySelectorAll<HTMLElement>('[role=tab]')).map((b) => {
      const lineHeight = parseFloat(getComputedStyle(b).lineHeight)
      const range = document.createRange()
      range.selectNodeContents(b)
      return { text: b.textContent!.trim(), lines: Math.round(range.getBoundingClientRect().height / lineHeight) }
    })
    return { overflow: tagline.scrollWidth - tagline.clientWidth, right: box.right, tabsLeft: tabBox.left, bottom: box.bottom, viewport: window.innerWidth, lines }
  })
}

/** How far the page scrolls sideways (the document and the tab's own scroll area). */
const sideways = (page: Page) =>
  page.evaluate(() => {
    const main = document.querySelector('.app-main')!
    return Math.max(document.documentElement.scrollWidth - document.documentElement.clientWidth, main.scrollWidth - main.clientWidth)
  })

test('header, tabs and the column table fit at 1024×640, 1280×800 and 1920×1080, in English and Chinese', async ({ app }) => {
  await openTutorial(app)
  for (const locale of ['en', 'zh-CN'] as const) {
    await app.getByTestId('language').selectOption(locale)
    for (const example of ['tutorial', 'longley'] as const) {
      await app.getByTestId(`example-${example}`).click()
      await expect(app.getByTestId('preview')).toContainText(`${example}.csv`)
      for (const [width, height] of sizes) {
        await app.setViewportSize({ width, height })
        const where = `${locale} ${example} ${width}×${height}`
        // The tagline is whole (it wraps when it must), beside the tabs, never under them.
        const h = await header(app)
        expect(h.overflow, `${where}: tagline cut`).toBeLessThanOrEqual(0)
        expect(h.right, `${where}: tagline runs into the tabs`).toBeLessThanOrEqual(h.tabsLeft)
        for (const tab of h.lines) expect(tab.lines, `${where}: tab "${tab.text}" wraps`).toBe(1)
        // Every column header, sd and Distribution included, lies inside the table's scroll box.
        const table = await app.getByTestId('columns').evaluate((panel) => {
          const scroll = panel.querySelector('.scroll')!
          const box = scroll.getBoundingClientRect()
          const headers = Array.from(panel.querySelectorAll('th')).map((th) => ({ text: th.textContent!.trim(), left: th.getBoundingClientRect().left, right: th.getBoundingClientRect().right }))
          return { left: box.left, right: box.right, sideways: scroll.scrollWidth - scroll.clientWidth, headers }
        })
        expect(table.headers).toHaveLength(10)
        expect(table.sideways, `${where}: the column table scrolls sideways`).toBeLessThanOrEqual(0)
        for (const th of table.headers) {
          expect(th.left, `${where}: header "${th.text}"`).toBeGreaterThanOrEqual(table.left - 0.5)
          expect(th.right, `${where}: header "${th.text}"`).toBeLessThanOrEqual(Math.min(table.right, width) + 0.5)
        }
        expect(await sideways(app), `${where}: the Data tab scrolls sideways`).toBeLessThanOrEqual(0)
        if (width === 1024 && example === 'longley') await screenshot(app, `layout-data-1024-${locale}`)
      }
    }
  }
})

test('the runs comparison ends where its content ends, and no tab scrolls sideways at 1024×640', async ({ app }) => {
  await openTutorial(app)
  // A 24-run sweep: the loss-vs-rate chart's screen-reader table has 24 rows (~500 px if it took room).
  await app.getByTestId('tab-runs').click()
  await app.getByTestId('open-sweep').click()
  const dialog = app.getByTestId('sweep-dialog')
  await setSweepRange(dialog, '0.001', '0.1')
  await dialog.getByTestId('sweep-count').fill('24')
  await dialog.getByTestId('sweep-launch').click()
  await expect(dialog).toBeHidden()
  await expect(app.locator('[data-testid="rate-point"][data-training="false"]')).toHaveCount(24, { timeout: 120_000 })
  for (const [width, height] of sizes) {
    await app.setViewportSize({ width, height })
    // The tab's scroll height is its content's bottom plus the area's padding: no blank space after.
    const blank = await app.evaluate(() => {
      const main = document.querySelector<HTMLElement>('.app-main')!
      const view = main.firstElementChild!
      const contentBottom = view.getBoundingClientRect().bottom - main.getBoundingClientRect().top + main.scrollTop + parseFloat(getComputedStyle(main).paddingBottom)
      return main.scrollHeight - contentBottom
    })
    expect(blank, `${width}×${height}: blank scroll area below the comparison`).toBeLessThanOrEqual(2)
  }
  await app.setViewportSize({ width: 1024, height: 640 })
  for (const tab of tabs) {
    await app.getByTestId(`tab-${tab}`).click()
    expect(await sideways(app), `${tab} at 1024×640`).toBeLessThanOrEqual(0)
  }
})

test('the loss surface has a colour scale: its labelled levels rise from the exact fit’s loss, darker below', async ({ app }) => {
  await openTutorial(app)
  await app.getByTestId('tab-train').click()
  await app.getByTestId('solver').selectOption('lstsq')
  await app.getByTestId('start').click()
  await expect(app.getByTestId('run-status')).toContainText('completed')
  await app.getByTestId('tab-fit').click()
  const scale = app.getByTestId('loss-surface').getByTestId('surface-scale')
  await expect(scale).toBeVisible()
  await expect(scale).toContainText('Loss at the contour lines')
  const bands = await scale.getByTestId('surface-band').count()
  expect(bands).toBe(Number(await scale.getAttribute('data-levels')))
  expect(bands).toBeGreaterThan(4)
  const levels = scale.getByTestId('surface-level')
  expect(await levels.count()).toBeGreaterThanOrEqual(3)
  // Each label is its level to 4 significant digits (the app's number formatter), and they rise.
  const shown = await levels.evaluateAll((els) => els.map((e) => ({ text: e.textContent!, level: Number(e.getAttribute('data-level')) })))
  for (const { text, level } of shown) expect(Math.abs(Number(text.replace(/[,\s]/g, '')) - level)).toBeLessThanOrEqual(level * 1e-3)
  for (let i = 1; i < shown.length; i++) expect(shown[i]!.level).toBeGreaterThan(shown[i - 1]!.level)
  // Every label is whole and clear of the next one (the Fit tab's three columns make the plot narrow).
  const boxes = await levels.evaluateAll((els) => els.map((e) => ({ left: e.getBoundingClientRect().left, textRight: e.getBoundingClientRect().left + e.scrollWidth, right: e.getBoundingClientRect().right })))
  for (const [i, b] of boxes.entries()) {
    expect(b.textRight, `label ${i} cut`).toBeLessThanOrEqual(b.right + 0.5)
    if (i > 0) expect(b.left, `label ${i} overlaps the one before`).toBeGreaterThanOrEqual(boxes[i - 1]!.right - 0.5)
  }
  // Levels lie above the minimum of the loss: the least-squares fit's training MSE (shown in the metrics).
  const lowest = Number(await app.getByTestId('metric-mse').getByTestId('train').textContent())
  expect(lowest).toBeGreaterThan(0)
  expect(shown[0]!.level).toBeGreaterThan(lowest * (1 - 1e-6))
  // Lighter as the loss rises: the first band is darker than the last (relative luminance, light theme).
  const luminance = await scale.getByTestId('surface-band').evaluateAll((els) =>
    els.map((e) => {
      const [r, g, b] = getComputedStyle(e).backgroundColor.match(/[\d.]+/g)!.map(Number)
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!
    }),
  )
  expect(luminance[0]!).toBeLessThan(luminance.at(-1)!)
  await screenshot(app, 'fit-surface-scale')
})
