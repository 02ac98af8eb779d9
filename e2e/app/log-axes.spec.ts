import type { Locator } from '@playwright/test'
import { expect, openTutorial, test } from './fixtures'

/**
 * Every log axis ticks at powers of ten (1-2-5 under two decades) and labels them with the app's one
 * formatter (issue #12: never "1E184, 1E168, 1E155"). The ticks are canvas pixels; each chart writes
 * the labels it drew to its canvas's `data-log-ticks` (lib/use-chart.ts).
 */
type Axes = Record<string, string[]>

async function logTicksOf(canvas: Locator): Promise<Axes> {
  await expect(canvas).toHaveAttribute('data-log-ticks', /\[/)
  return JSON.parse((await canvas.getAttribute('data-log-ticks'))!) as Axes
}

/** A label back to its number: the app writes U+2212 for minus and groups thousands with commas (en). */
const valueOf = (label: string) => Number(label.replace(/\u2212/g, '-').replace(/,/g, ''))

function expectPowersOfTen(labels: string[], where: string): void {
  expect(labels.length, `${where}: ticks`).toBeGreaterThanOrEqual(2)
  const exponents = labels.map((label) => {
    const v = valueOf(label)
    expect(Number.isFinite(v), `${where}: "${label}" is a number`).toBe(true)
    expect(label, `${where}: no chart.js "1E" form`).not.toMatch(/E/)
    return Math.log10(v)
  })
  for (const e of exponents) expect(Math.abs(e - Math.round(e)), `${where}: 10^${e}`).toBeLessThan(1e-9)
  // Evenly spaced decades: 1e0, 1e2, 1e4… never 184, 168, 155.
  const steps = new Set(exponents.slice(1).map((e, i) => Math.round(e - exponents[i]!)))
  expect([...steps], `${where}: one step between ticks`).toHaveLength(1)
}

test('log axes tick at powers of ten, evenly, labelled alike: a diverged run’s loss and the learning-rate finder', async ({ app }) => {
  await openTutorial(app)
  await app.getByTestId('standardize').uncheck()
  await app.getByTestId('tab-train').click()
  // Ten times past the stable rate: the loss grows by many decades before the run is stopped.
  await app.getByTestId('lr').fill('0.3')
  await app.getByTestId('lr').press('Enter')
  await app.getByTestId('start').click()
  await expect(app.getByTestId('run-status')).toContainText('diverged', { timeout: 60_000 })
  const loss = app.getByTestId('loss-chart').locator('canvas')
  await expect(app.getByTestId('log-scale')).toBeChecked()
  const lossAxes = await logTicksOf(loss)
  const [lossAxis] = Object.values(lossAxes)
  expectPowersOfTen(lossAxis!, 'loss chart')
  expect(valueOf(lossAxis!.at(-1)!) / valueOf(lossAxis![0]!), 'the diverged run spans many decades').toBeGreaterThan(1e4)

  // The log epoch axis: powers of ten too.
  await app.getByTestId('log-epochs').check()
  await expect.poll(async () => Object.keys(await logTicksOf(loss)).length).toBe(2)
  for (const [id, labels] of Object.entries(await logTicksOf(loss))) expect(labels.length, id).toBeGreaterThanOrEqual(2)

  await app.getByTestId('lr-finder').click()
  const finder = app.getByTestId('lr-finder-result').locator('canvas')
  const finderAxes = await logTicksOf(finder)
  expect(Object.keys(finderAxes).length, 'the finder’s rate axis is logarithmic').toBeGreaterThanOrEqual(1)
  for (const [id, labels] of Object.entries(finderAxes)) expectPowersOfTen(labels, `finder ${id}`)
})
