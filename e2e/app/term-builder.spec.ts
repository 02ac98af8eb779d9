import AxeBuilder from '@axe-core/playwright'
import { expect, test as base, type Locator, type Page } from '@playwright/test'
import { screenshot, trainRun } from './fixtures'
import type { SlopeServer } from './slope-server'
import { privateSlope } from './private-slope'

/**
 * The Data tab's term builder (issue #15): a formula built with the buttons, checked as typed (a
 * misspelt column's sentence with its position and did-you-mean), kept with the dataset and
 * restored on reload, then trained: per-term coefficients against the normal equations solved
 * here, independently of the app. One private server: the reload must find what was stored.
 */
const test = base.extend<{}, { slope: SlopeServer }>({
  slope: privateSlope(),
})
test.describe.configure({ mode: 'serial' })

const dose = [1, 2, 3, 4, 5, 6, 7, 8]
const grp = [1, 2, 3, 1, 2, 3, 1, 2]
const noise = [0.3, -0.2, 0.1, -0.4, 0.2, 0, -0.1, 0.25]
const y = dose.map((d, i) => 1 + 2 * d + 0.5 * d * d + noise[i]!)
const csv = `dose,grp,y\n${dose.map((d, i) => `${d},${grp[i]},${y[i]}`).join('\n')}\n`

/** Least squares by the normal equations (XᵀX)β = Xᵀy, Gauss–Jordan with partial pivoting. */
function leastSquares(X: number[][], ys: number[]): number[] {
  const p = X[0]!.length
  const A = Array.from({ length: p }, (_, i) => [...Array.from({ length: p }, (_, j) => X.reduce((s, r) => s + r[i]! * r[j]!, 0)), X.reduce((s, r, k) => s + r[i]! * ys[k]!, 0)])
  for (let c = 0; c < p; c++) {
    const pivot = A.slice(c).reduce((best, row, k) => (Math.abs(row[c]!) > Math.abs(A[best]![c]!) ? c + k : best), c)
    ;[A[c], A[pivot]] = [A[pivot]!, A[c]!]
    for (let r = 0; r < p; r++) {
      if (r === c) continue
      const f = A[r]![c]! / A[c]![c]!
      for (let k = c; k <= p; k++) A[r]![k]! -= f * A[c]![k]!
    }
  }
  return A.map((row, i) => row[p]! / row[i]!)
}

async function numberIn(cell: Locator): Promise<number> {
  const text = (await cell.textContent())!.trim().replaceAll('\u2212', '-').replaceAll(',', '')
  const value = Number(text)
  expect(Number.isFinite(value), `"${text}" is a number`).toBe(true)
  return value
}

async function expectShown(cell: Locator, reference: number): Promise<void> {
  expect(Math.abs((await numberIn(cell)) - reference)).toBeLessThanOrEqual(Math.abs(reference) * 1e-5)
}

async function open(page: Page, slope: SlopeServer): Promise<void> {
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto(slope.loginUrl)
  await expect(page.getByTestId('tab-data')).toBeVisible()
}

const formula = (page: Page) => page.getByTestId('formula-text')
const verdict = (page: Page) => page.getByTestId('formula-check')

test('the builder writes the formula, checks it as typed and the dataset keeps it', async ({ page, slope }) => {
  await open(page, slope)
  await page.getByTestId('file-input').setInputFiles({ name: 'dose.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
  await expect(page.getByTestId('selection')).toHaveText('Predict “y” from 2 features.')
  const builder = page.getByTestId('term-builder')

  // It starts from the current picks.
  await builder.getByLabel('Write the model as a formula').check()
  await expect(formula(page)).toHaveValue('y ~ dose + grp')
  await expect(verdict(page)).toHaveText('Terms: dose, grp')

  // A misspelt column: the parser's sentence with the position and the nearest name.
  await formula(page).fill('y ~ dos')
  await expect(verdict(page)).toContainText('Formula "y ~ dos" at 5: unknown column `dos`; did you mean `dose`?')
  await expect(formula(page)).toHaveAttribute('aria-invalid', 'true')

  // y ~ dose + I(dose ^ 2) from the buttons (labelled native controls, reachable by keyboard).
  await formula(page).fill('y ~ dose')
  await builder.getByTestId('term-column').selectOption('dose')
  await builder.getByTestId('term-transform').selectOption('square')
  await builder.getByRole('button', { name: 'Add transformed' }).click()
  await expect(formula(page)).toHaveValue('y ~ dose + I(dose ^ 2)')
  await expect(verdict(page)).toHaveText('Terms: dose, I(dose ^ 2)')
  // Target and features mirror the columns the formula reads.
  await expect(page.getByTestId('selection')).toHaveText('Predict “y” from 1 feature.')

  // A numeric column as a factor with a chosen reference level, and the intercept off and on.
  await builder.getByTestId('term-column').selectOption('grp')
  await expect(builder.getByTestId('term-second')).toHaveValue('dose')
  await expect(builder.getByTestId('term-reference').locator('option')).toHaveText(['(first level)', '1', '2', '3'])
  await builder.getByTestId('term-reference').selectOption('2')
  await builder.getByRole('button', { name: 'Add as factor C(x)' }).click()
  await expect(formula(page)).toHaveValue('y ~ dose + I(dose ^ 2) + C(grp, Treatment(2))')
  await expect(verdict(page)).toHaveText('Terms: dose, I(dose ^ 2), C(grp, Treatment(2))')
  await builder.getByLabel('Fit an intercept').uncheck()
  await expect(formula(page)).toHaveValue('y ~ dose + I(dose ^ 2) + C(grp, Treatment(2)) - 1')
  // The Preparation panel's intercept says the same, both ways.
  await expect(page.getByTestId('data-options').getByTestId('intercept')).not.toBeChecked()
  await page.getByTestId('data-options').getByTestId('intercept').check()
  await expect(formula(page)).toHaveValue('y ~ dose + I(dose ^ 2) + C(grp, Treatment(2))')
  await builder.getByLabel('Fit an intercept').uncheck()
  await builder.getByLabel('Fit an intercept').check()
  await expect(formula(page)).toHaveValue('y ~ dose + I(dose ^ 2) + C(grp, Treatment(2))')
  await screenshot(page, 'term-builder')
  // Every control of the open builder labelled and in contrast (axe: no serious or critical finding).
  const axe = await new AxeBuilder({ page }).include('[data-testid="term-builder"]').analyze()
  expect(axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([])

  // Kept with the dataset's preparation: a reload restores it.
  await formula(page).fill('y ~ dose + I(dose ^ 2)')
  await expect(verdict(page)).toHaveText('Terms: dose, I(dose ^ 2)')
  await page.reload()
  await expect(page.getByTestId('current-dataset')).toContainText('dose.csv')
  await expect(formula(page)).toHaveValue('y ~ dose + I(dose ^ 2)')

  // Unticking goes back to plain picks.
  await page.getByTestId('use-formula').uncheck()
  await expect(formula(page)).toHaveCount(0)
  await page.getByTestId('use-formula').check()
  await expect(formula(page)).toHaveValue('y ~ dose')
  await formula(page).fill('y ~ dose + I(dose ^ 2)')
})

test('a formula run reports each term, as the normal equations give them, and draws the curve', async ({ page, slope }) => {
  await open(page, slope)
  await expect(page.getByTestId('current-dataset')).toContainText('dose.csv')
  await expect(formula(page)).toHaveValue('y ~ dose + I(dose ^ 2)')
  await trainRun(page, 'lstsq')
  const [b0, b1, b2] = leastSquares(dose.map((d) => [1, d, d * d]), y)
  await page.getByTestId('tab-fit').click()
  await expectShown(page.getByTestId('coef-dose').getByTestId('estimate'), b1!)
  await expectShown(page.getByTestId('coef-I(dose ^ 2)').getByTestId('estimate'), b2!)
  await expectShown(page.getByTestId('coef-intercept').getByTestId('estimate'), b0!)
  await expect(page.getByTestId('fit-scatter')).toHaveAttribute('data-curve', 'formula')
  await screenshot(page, 'term-builder-curve')
})

test('a text factor with the reference picked in the builder trains per level against the normal equations', async ({ page, slope }) => {
  const cities = ['北京', '上海', '广州']
  const effect: Record<string, number> = { 北京: 0, 上海: 1.5, 广州: -0.7 }
  const rows = Array.from({ length: 9 }, (_, i) => ({ dose: i + 1, city: cities[i % 3]!, y: 1 + 2 * (i + 1) + effect[cities[i % 3]!]! + [0.2, -0.1, 0.15, -0.3, 0.05, 0.1, -0.2, 0.25, -0.05][i]! }))
  const text = `dose,city,y\n${rows.map((r) => `${r.dose},${r.city},${r.y}`).join('\n')}\n`
  await open(page, slope)
  await page.getByTestId('file-input').setInputFiles({ name: 'cities.csv', mimeType: 'text/csv', buffer: Buffer.from(text) })
  await expect(page.getByTestId('current-dataset')).toContainText('cities.csv')
  await expect(page.getByTestId('selection')).toHaveText('Predict “y” from 1 feature.')
  const builder = page.getByTestId('term-builder')
  await builder.getByLabel('Write the model as a formula').check()
  await expect(formula(page)).toHaveValue('y ~ dose')
  await builder.getByTestId('term-column').selectOption('city')
  // Levels in code-point order (上海 before 北京), as patsy and the one-hot encoding sort them.
  await expect(builder.getByTestId('term-reference').locator('option')).toHaveText(['(first level)', '上海', '北京', '广州'])
  await builder.getByTestId('term-reference').selectOption('北京')
  await builder.getByRole('button', { name: 'Add as factor C(x)' }).click()
  await expect(formula(page)).toHaveValue('y ~ dose + C(city, Treatment("北京"))')
  await expect(verdict(page)).toHaveText('Terms: dose, C(city, Treatment("北京"))')

  await trainRun(page, 'lstsq')
  // patsy's column order: intercept, the factor's levels but the reference, then dose.
  const [b0, shanghai, guangzhou, slopeDose] = leastSquares(rows.map((r) => [1, r.city === '上海' ? 1 : 0, r.city === '广州' ? 1 : 0, r.dose]), rows.map((r) => r.y))
  await page.getByTestId('tab-fit').click()
  await expectShown(page.getByTestId('coef-C(city, Treatment("北京"))[T.上海]').getByTestId('estimate'), shanghai!)
  await expectShown(page.getByTestId('coef-C(city, Treatment("北京"))[T.广州]').getByTestId('estimate'), guangzhou!)
  await expectShown(page.getByTestId('coef-dose').getByTestId('estimate'), slopeDose!)
  await expectShown(page.getByTestId('coef-intercept').getByTestId('estimate'), b0!)
  // A factor is no curve over one column.
  await expect(page.getByTestId('fit-scatter')).toHaveCount(0)

  // The Fit tab's rows are the factor run's design, rebuilt from the dataset's text codes: each row's
  // fitted value is the coefficients applied by hand to its city and dose.
  await expect(page.getByTestId('fit-data-problem')).toHaveCount(0)
  await expect(page.getByTestId('predicted-actual')).toHaveAttribute('data-points', '9')
  await expect(page.getByTestId('residuals')).toHaveAttribute('data-points', '9')
  await page.getByTestId('fit-rows').locator('summary').click()
  for (const i of [0, 1, 2, 7]) {
    const r = rows[i]!
    const row = page.getByTestId('fit-rows').locator(`[data-testid="fit-row"][data-row="${i + 2}"]`)
    await expectShown(row.getByTestId('actual'), r.y)
    await expectShown(row.getByTestId('fitted'), b0! + (r.city === '上海' ? shanghai! : r.city === '广州' ? guangzhou! : 0) + slopeDose! * r.dose)
  }
})

test('“Open this run’s settings” of a formula run restores its formula, the target and features it reads, and its settings', async ({ page, slope }) => {
  await open(page, slope)
  await expect(page.getByTestId('current-dataset')).toContainText('cities.csv')
  const selection = page.getByTestId('selection')
  // Its response (log(dose)) and design columns (I(y ^ 2), the city levels) are no columns of the file.
  const runFormula = 'log(dose) ~ I(y ^ 2) + C(city)'
  await formula(page).fill(runFormula)
  await expect(verdict(page)).toHaveText('Terms: I(y ^ 2), C(city)')
  await expect(selection).toHaveText('Predict “dose” from 1 feature.')
  await trainRun(page, 'lstsq')

  // Something else meanwhile: plain picks, y as the target, gradient descent.
  await page.getByTestId('tab-data').click()
  await page.getByTestId('use-formula').uncheck()
  await page.getByTestId('column-y').getByRole('radio').check()
  await expect(selection).toHaveText('Predict “y” from 1 feature.')
  await page.getByTestId('tab-train').click()
  await page.getByTestId('solver').selectOption('gd')

  // From a fresh page on the Fit tab: the Data tab (and its term builder) not shown yet.
  await page.getByTestId('tab-fit').click()
  await page.reload()
  await expect(page.getByTestId('tab-fit')).toHaveAttribute('aria-selected', 'true')
  await page.getByTestId('open-run-settings').click()
  await expect(page.getByTestId('tab-train')).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByTestId('solver')).toHaveValue('lstsq')
  await page.getByTestId('tab-data').click()
  await expect(formula(page)).toHaveValue(runFormula)
  await expect(verdict(page)).toHaveText('Terms: I(y ^ 2), C(city)')
  await expect(selection).toHaveText('Predict “dose” from 1 feature.')
  await expect(page.getByTestId('column-dose').getByRole('radio')).toBeChecked()
  await expect(page.getByTestId('column-y').getByRole('checkbox')).toBeChecked()
})
