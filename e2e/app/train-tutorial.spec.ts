import { expect, openTutorial, screenshot, test } from './fixtures'

test('first start: open the tutorial, train, the loss falls and the chart updates live; Stop keeps the run', async ({ app }) => {
  await openTutorial(app)
  await expect(app.getByTestId('selection')).toHaveText('Predict “y” from 1 feature.')
  await screenshot(app, 'data')
  await app.getByTestId('tab-train').click()
  // One row per step, a small learning rate, ten million epochs: slow enough to watch it stream in.
  await app.getByTestId('lr').fill('0.0001')
  await app.getByTestId('lr').press('Enter')
  await app.getByTestId('full-batch').uncheck()
  await app.getByTestId('batch-size').fill('1')
  await app.getByTestId('epochs').fill('10000000')
  await app.getByTestId('start').click()
  await expect(app.getByTestId('run-status')).toContainText('running')
  const seen: { epochs: number; loss: number }[] = []
  for (let i = 0; i < 400 && seen.length < 4; i++) {
    const status = (await app.getByTestId('run-status').textContent())!
    const loss = Number(await app.getByTestId('current-loss').textContent())
    const epochs = Number(/\(([\d,]+) of/.exec(status)![1]!.replaceAll(',', ''))
    if (epochs > 0 && !Number.isNaN(loss) && epochs !== seen.at(-1)?.epochs) seen.push({ epochs, loss })
    await app.waitForTimeout(50)
  }
  // Several updates arrived while it trained, each further along, and the loss fell.
  expect(seen.length).toBe(4)
  for (let i = 1; i < seen.length; i++) expect(seen[i]!.epochs).toBeGreaterThan(seen[i - 1]!.epochs)
  expect(seen.at(-1)!.loss).toBeLessThan(5.9467032) // below the loss at w = b = 0, where it started
  await screenshot(app, 'train')
  await app.getByTestId('stop').click()
  await expect(app.getByTestId('run-status')).toContainText('cancelled')
})
