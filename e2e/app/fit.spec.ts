import type { Locator, Page } from '@playwright/test'
import { expect, openTutorial, screenshot, test } from './fixtures'

// The tutorial's 15 points (resources/examples/tutorial.csv), for references computed here.
const xs = [3.3, 4.4, 5.5, 6.71, 6.93, 4.168, 9.779, 6.182, 7.59, 2.167, 7.042, 10.791, 5.313, 7.997, 3.1]
const ys = [1.7, 2.76, 2.09, 3.19, 1.694, 1.573, 3.366, 2.596, 2.53, 1.221, 2.827, 3.465, 1.65, 2.904, 1.3]
const n = xs.length
const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length
const mx = mean(xs)
const my = mean(ys)
const sxx = xs.reduce((s, x) => s + (x - mx) ** 2, 0)
const sxy = xs.reduce((s, x, i) => s + (x - mx) * (ys[i]! - my), 0)

/** Simple regression in closed form: w = Sxy/Sxx, b = ȳ − w·x̄, with the textbook standard errors. */
function simpleRegression() {
  const w = sxy / sxx
  const b = my - w * mx
  const rss = xs.reduce((s, x, i) => s + (ys[i]! - (w * x + b)) ** 2, 0)
  const s = Math.sqrt(rss / (n - 2))
  return { w, b, seW: s / Math.sqrt(sxx), seB: s * Math.sqrt(1 / n + mx ** 2 / sxx), r2: 1 - rss / ys.reduce((t, y) => t + (y - my) ** 2, 0) }
}

/**
 * The app's default run, replayed by hand: x standardized with the population SD, θ = 0, 100
 * full-batch steps of plain gradient descent at lr 0.01 on MSE (no ½), then the MSE at the final θ.
 */
function defaultGradientDescent() {
  const sd = Math.sqrt(sxx / n)
  const z = xs.map((x) => (x - mx) / sd)
  let w = 0
  let b = 0
  for (let epoch = 0; epoch < 100; epoch++) {
    let gw = 0
    let gb = 0
    for (let i = 0; i < n; i++) {
      const r = w * z[i]! + b - ys[i]!
      gw += (2 / n) * r * z[i]!
      gb += (2 / n) * r
    }
    w -= 0.01 * gw
    b -= 0.01 * gb
  }
  const mse = z.reduce((s, zi, i) => s + (w * zi + b - ys[i]!) ** 2, 0) / n
  return { mse, w: w / sd, b: b - (w * mx) / sd }
}

async function numberIn(cell: Locator): Promise<number> {
  const text = (await cell.textContent())!.trim().replaceAll('\u2212', '-').replaceAll(',', '') // the app writes U+2212 and groups digits
  const value = Number(text)
  expect(Number.isFinite(value), `"${text}" is a number`).toBe(true)
  return value
}

/** Shown to `digits` significant digits: equal to the reference within that rounding. */
async function expectShown(cell: Locator, reference: number, digits = 6): Promise<void> {
  const shown = await numberIn(cell)
  expect(Math.abs(shown - reference)).toBeLessThanOrEqual(Math.abs(reference) * 10 ** (1 - digits))
}

async function train(app: Page, solver: 'gd' | 'lstsq'): Promise<void> {
  await app.getByTestId('tab-train').click()
  await app.getByTestId('solver').selectOption(solver)
  await app.getByTestId('start').click()
  await expect(app.getByTestId('run-status')).toContainText('completed')
  await app.getByTestId('tab-fit').click()
}

test('exact least squares: the coefficient table shows the closed-form slope, intercept and standard errors', async ({ app }) => {
  await openTutorial(app)
  await train(app, 'lstsq')
  const ref = simpleRegression()
  const slope = app.getByTestId('coef-x')
  const intercept = app.getByTestId('coef-intercept')
  await expect(slope.getByTestId('estimate')).not.toHaveText('—')
  await expectShown(slope.getByTestId('estimate'), ref.w)
  await expectShown(intercept.getByTestId('estimate'), ref.b)
  await expectShown(slope.getByTestId('se'), ref.seW)
  await expectShown(intercept.getByTestId('se'), ref.seB)
  await expectShown(slope.getByTestId('t'), ref.w / ref.seW, 4)
  await expectShown(app.getByTestId('r2'), ref.r2)
  await expect(app.getByTestId('df-residual')).toHaveText('13')
  // One feature: the data with the line; the loss surface of (w, b) around θ*, no path for a solve.
  await expect(app.getByTestId('fit-scatter')).toHaveAttribute('data-points', '15')
  await expect(app.getByTestId('fit-scatter').locator('canvas')).toBeVisible()
  await expect(app.getByTestId('residuals').locator('canvas')).toBeVisible()
  await expect(app.getByTestId('loss-surface')).toHaveAttribute('data-optimum', 'yes')
  await expect(app.getByTestId('loss-surface')).toHaveAttribute('data-path-points', '0')
  await expectShown(app.getByTestId('metric-r2').getByTestId('train'), ref.r2)
  await screenshot(app, 'fit-one-feature')
})

test('gradient descent: scatter, the loss surface with the whole path, metrics and the exact fit beside the run', async ({ app }) => {
  await openTutorial(app)
  await train(app, 'gd')
  const run = defaultGradientDescent()
  const ref = simpleRegression()
  // The start and one point per epoch: 100 epochs, nothing thinned.
  await expect(app.getByTestId('loss-surface')).toHaveAttribute('data-path-points', '101')
  await expect(app.getByTestId('loss-surface').locator('canvas')).toBeVisible()
  await expect(app.getByTestId('fit-scatter')).toHaveAttribute('data-points', '15')
  await expectShown(app.getByTestId('metric-mse').getByTestId('train'), run.mse)
  await expectShown(app.getByTestId('metric-rmse').getByTestId('train'), Math.sqrt(run.mse))
  // The exact fit's training MSE: the lowest any run can reach.
  const lowest = xs.reduce((s, x, i) => s + (ys[i]! - (ref.w * x + ref.b)) ** 2, 0) / n
  await expectShown(app.getByTestId('metric-mse').getByTestId('exact'), lowest)
  // Coefficients in original units: the run's (converted from standardized units) and the exact ones.
  await expectShown(app.getByTestId('coef-x').getByTestId('fitted'), run.w)
  await expectShown(app.getByTestId('coef-intercept').getByTestId('fitted'), run.b)
  await expectShown(app.getByTestId('coef-x').getByTestId('exact'), ref.w)
  await expectShown(app.getByTestId('coef-intercept').getByTestId('exact'), ref.b)
  // Hovering the surface reads the loss under the pointer.
  const box = (await app.getByTestId('loss-surface').locator('canvas').boundingBox())!
  await app.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
  await expect(app.getByTestId('surface-readout')).toContainText('loss')
  await screenshot(app, 'fit-surface')
})

test('a run in progress: the path on the loss surface grows live; another run can be picked', async ({ app }) => {
  await openTutorial(app)
  await app.getByTestId('tab-train').click()
  await app.getByTestId('lr').fill('0.0001')
  await app.getByTestId('lr').press('Enter')
  await app.getByTestId('full-batch').uncheck()
  await app.getByTestId('batch-size').fill('1')
  await app.getByTestId('epochs').fill('10000000')
  await app.getByTestId('start').click()
  await expect(app.getByTestId('run-status')).toContainText('running')
  await app.getByTestId('tab-fit').click()
  const surface = app.getByTestId('loss-surface')
  await expect(surface).toBeVisible()
  const count = async () => Number(await surface.getAttribute('data-path-points'))
  await expect.poll(count).toBeGreaterThan(2)
  const first = await count()
  await expect.poll(count).toBeGreaterThan(first)
  await expect(app.getByTestId('fit-summary')).toContainText('updates live')
  await expect(app.getByTestId('metric-mse').getByTestId('train')).not.toHaveText('—')
  await app.getByTestId('tab-train').click()
  await app.getByTestId('stop').click()
  await expect(app.getByTestId('run-status')).toContainText('cancelled')

  // A new run on the Train tab is what the Fit tab shows next: a solve has no path, and full statistics.
  await app.getByTestId('solver').selectOption('lstsq')
  await app.getByTestId('start').click()
  await expect(app.getByTestId('run-status')).toContainText('completed')
  await app.getByTestId('tab-fit').click()
  await expect(app.getByTestId('fit-statistics')).toBeVisible()
  await expect(surface).toHaveAttribute('data-path-points', '0')
  // The cancelled run is still there to pick: its stored path and its model.
  const picker = app.getByTestId('fit-run')
  const cancelled = (await picker.locator('option', { hasText: 'cancelled' }).first().getAttribute('value'))!
  await picker.selectOption(cancelled)
  await expect(app.getByTestId('fit-statistics')).toHaveCount(0)
  await expect.poll(count).toBeGreaterThan(2)
  await expect(app.getByTestId('coef-x').getByTestId('fitted')).not.toHaveText('—')
})

test('large data: a seeded sample of 4,000 points is plotted, and the view says so', async ({ app }) => {
  // y = 2x + 1 + a deterministic wiggle, 5,000 rows, chosen as a file.
  const rows = Array.from({ length: 5000 }, (_, i) => `${i},${2 * i + 1 + Math.sin(i)}`)
  await app.getByTestId('tab-data').click()
  await app.getByTestId('file-input').setInputFiles({ name: 'large.csv', mimeType: 'text/csv', buffer: Buffer.from(`x,y\n${rows.join('\n')}\n`) })
  await expect(app.getByTestId('preview')).toContainText('large.csv')
  await expect(app.getByTestId('selection')).toContainText('1 feature')
  await train(app, 'lstsq')
  await expect(app.getByTestId('sampled-note')).toContainText('4,000 of 5,000')
  await expect(app.getByTestId('fit-scatter')).toHaveAttribute('data-points', '4000')
  await expect(app.getByTestId('metric-mse').getByTestId('train')).not.toHaveText('—')
  await expect(app.getByTestId('metrics').getByTestId('train-rows')).toHaveText('5,000')
})

test('Longley (6 features): predicted vs actual, NIST’s certified coefficients, no surface; dark mode', async ({ app }) => {
  await app.getByTestId('tab-data').click()
  await app.getByTestId('example-longley').click()
  await expect(app.getByTestId('preview')).toContainText('longley.csv')
  await app.getByTestId('select-all').click()
  await expect(app.getByTestId('selection')).toContainText('6 features')
  if ((await app.locator('html').getAttribute('data-theme')) !== 'dark') await app.getByTestId('theme').click()
  await expect(app.locator('html')).toHaveAttribute('data-theme', 'dark')
  await train(app, 'lstsq')
  await expect(app.getByTestId('predicted-actual')).toHaveAttribute('data-points', '16')
  await expect(app.getByTestId('predicted-actual').locator('canvas')).toBeVisible()
  await expect(app.getByTestId('fit-scatter')).toHaveCount(0)
  await expect(app.getByTestId('loss-surface')).toHaveCount(0)
  await expect(app.getByTestId('surface-not-drawn')).toContainText('7')
  // NIST StRD Longley, certified values.
  await expectShown(app.getByTestId('coef-intercept').getByTestId('estimate'), -3482258.63459582)
  await expectShown(app.getByTestId('coef-year').getByTestId('estimate'), 1829.15146461355)
  await expectShown(app.getByTestId('coef-intercept').getByTestId('se'), 890420.383607373)
  await expectShown(app.getByTestId('r2'), 0.995479004577296)
  await screenshot(app, 'fit-many')
})
