import { expect, openTutorial, test } from './fixtures'

// References: statsmodels 0.13 on resources/examples/tutorial.csv (y ~ 1 + x): durbin_watson 2.3815,
// jarque_bera p 0.9065, HC3_se of x 0.02890194.
test('exact least squares: the Fit tab shows the regression report: residual tests, HC3 errors and the readings', async ({ app }) => {
  await openTutorial(app)
  await app.getByTestId('tab-train').click()
  await app.getByTestId('solver').selectOption('lstsq')
  await app.getByTestId('start').click()
  await expect(app.getByTestId('run-status')).toContainText('completed')
  await app.getByTestId('tab-fit').click()
  const report = app.getByTestId('regression-report')
  await expect(report).toBeVisible()
  await expect(report.getByTestId('report-test-dw')).toContainText('2.382')
  await expect(report.getByTestId('report-test-jb')).toContainText('0.907')
  await expect(report.getByTestId('report-x')).toContainText('0.0289')
  await expect(report.getByTestId('report-test-white')).toBeVisible()
  await expect(report.getByTestId('reading-normal')).toContainText('Residuals look normal (Jarque–Bera p = 0.91).')
})
