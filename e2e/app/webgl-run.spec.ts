import { expect, openTutorial, test } from './fixtures'

test('a run on the WebGL backend trains in the page’s GPU worker and matches the CPU in f32', async ({ app }) => {
  await openTutorial(app)
  await app.getByTestId('tab-train').click()
  await expect(app.getByTestId('webgl-status')).toContainText(/SwiftShader|ANGLE|GPU/i)
  await expect(app.getByTestId('backend').locator('option[value="webgl"]')).toBeEnabled()
  await app.getByTestId('epochs').fill('300')
  await app.getByTestId('precision').selectOption('f32')
  await app.getByTestId('start').click()
  await expect(app.getByTestId('run-status')).toContainText('completed')
  const cpuLoss = Number(await app.getByTestId('current-loss').textContent())
  await app.getByTestId('backend').selectOption('webgl')
  await expect(app.getByTestId('precision')).toHaveValue('f32')
  await app.getByTestId('start').click()
  await expect(app.getByTestId('run-status')).toContainText('completed', { timeout: 60_000 })
  const gpuLoss = Number(await app.getByTestId('current-loss').textContent())
  expect(Math.abs(gpuLoss - cpuLoss) / cpuLoss).toBeLessThan(1e-5)
})
