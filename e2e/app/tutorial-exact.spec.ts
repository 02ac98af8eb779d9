import { readFileSync } from 'node:fs'
import { expect, test } from './fixtures'

// The tutorial's printed losses, as committed with their provenance (not read from the app).
const experiment = JSON.parse(readFileSync(new URL('../../resources/examples/tutorial-experiment.json', import.meta.url), 'utf8')) as { losses: number[] }

test('the Tutorial example is one click to the tutorial’s exact experiment, and Train shows its losses beside Slope’s', async ({ app }) => {
  await app.getByTestId('example-tutorial').click() // the one click
  await expect(app.getByTestId('preview')).toContainText('tutorial.csv')
  await expect(app.getByTestId('standardize')).not.toBeChecked() // the tutorial feeds x as it is
  await app.getByTestId('tab-train').click()
  await expect(app.getByTestId('lr')).toHaveValue('0.01')
  await expect(app.getByTestId('epochs')).toHaveValue('50')
  await expect(app.getByTestId('init')).toHaveValue('explicit')
  await expect(app.getByTestId('full-batch')).toBeChecked()
  await app.getByTestId('start').click()
  await expect(app.getByTestId('run-status')).toContainText('completed')
  const table = app.getByTestId('tutorial-table')
  await expect(table.locator('tbody tr')).toHaveCount(50)
  const tutorial = (await table.getByTestId('tutorial-loss').allTextContents()).map(Number)
  const slope = (await table.getByTestId('slope-loss').allTextContents()).map(Number)
  expect(tutorial).toEqual(experiment.losses)
  expect(Math.abs(slope[0]! - 2.9266694)).toBeLessThan(1e-6) // the first loss the tutorial prints
  for (let epoch = 0; epoch < 50; epoch++) expect(Math.abs(slope[epoch]! - experiment.losses[epoch]!), `epoch ${epoch}`).toBeLessThan(1.5e-6)
})
