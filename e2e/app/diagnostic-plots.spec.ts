import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, openTutorial, screenshot, test, trainRun } from './fixtures'

const root = join(import.meta.dirname, '..', '..')
const tutorial = join(root, 'resources/examples/tutorial.csv')

/** The CLI's --diagnostics file for the tutorial's exact fit: the reference the app's save must match. */
function cliDiagnostics(): string[][] {
  const out = join(mkdtempSync(join(tmpdir(), 'slope-diag-')), 'd.csv')
  const r = spawnSync(process.execPath, [join(root, 'bin/slope.mjs'), 'train', tutorial, '--target', 'y', '--solver', 'lstsq', '--no-db', '--diagnostics', out, '--dfbetas'], { encoding: 'utf8' })
  expect(r.status, r.stderr).toBe(0)
  return readFileSync(out, 'utf8').trim().split('\n').map((l) => l.split(','))
}

test('exact fit: the diagnostic plots draw every row with the flagged ones labelled and clickable; the saved CSV is the CLI’s', async ({ app }) => {
  const reference = cliDiagnostics()
  const header = reference[0]!
  const rows = reference.slice(1)
  const flagged = rows.filter((r) => r[header.indexOf('flags')] !== '')
  await openTutorial(app)
  await app.getByTestId('standardize').uncheck()
  await trainRun(app, 'lstsq')
  await app.getByTestId('tab-fit').click()
  const section = app.getByTestId('diagnostic-plots')
  await expect(section).toHaveAttribute('data-rows', String(rows.length))
  for (const plot of ['residuals-fitted', 'qq', 'scale-location', 'leverage', 'added-variable']) {
    await section.getByTestId('diagnostics-plot').selectOption(plot)
    await expect(section).toHaveAttribute('data-points', String(rows.length))
    await expect(section).toHaveAttribute('data-flags', String(flagged.length))
  }
  await section.getByTestId('diagnostics-plot').selectOption('leverage')
  await screenshot(app, 'fit-diagnostics-leverage')

  // Click the first labelled point: its row's figures appear.
  expect(flagged.length).toBeGreaterThan(0)
  const canvas = section.getByTestId('diagnostics-canvas')
  await expect(canvas).toHaveAttribute('data-flag-positions', /\[\[/)
  const [row, x, y] = (JSON.parse((await canvas.getAttribute('data-flag-positions'))!) as [number, number, number][])[0]!
  await canvas.click({ position: { x: x!, y: y! } })
  const picked = section.getByTestId('diagnostics-row')
  await expect(picked).toHaveAttribute('data-row', String(row))
  const cook = Number(rows.find((r) => r[0] === String(row))![header.indexOf('cooks_d')])
  await expect(picked).toContainText(cook.toPrecision(3).slice(0, 4))
  await screenshot(app, 'fit-diagnostics-row')

  const [download] = await Promise.all([app.waitForEvent('download'), section.getByTestId('diagnostics-save-csv').click()])
  const saved = readFileSync((await download.path())!, 'utf8').trim().split(/\r\n/).map((l) => l.split(','))
  expect(saved[0]).toEqual(header)
  expect(saved.length).toBe(reference.length)
  saved.slice(1).forEach((r, i) => {
    r.forEach((cell, k) => {
      const ref = rows[i]![k]!
      if (k === header.length - 1) expect(cell).toBe(ref)
      else expect(Math.abs(Number(cell) - Number(ref))).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(Number(ref))))
    })
  })
})

test('a gradient-descent run: the Diagnostics section says they need the exact fit', async ({ app }) => {
  await openTutorial(app)
  await trainRun(app, 'gd', { lr: '0.01', epochs: '20' })
  await app.getByTestId('tab-fit').click()
  await expect(app.getByTestId('diagnostics-error')).toContainText('assume the least-squares estimate')
})
