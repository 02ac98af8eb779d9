import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from '@playwright/test'
import type { CurvatureJson } from '../../src-core/model/curvature'
import { formatCount, formatNumber } from '../../src-renderer/src/lib/format'
import { expect, openTutorial, screenshot, test } from './fixtures'

const root = join(import.meta.dirname, '..', '..')
const tutorial = join(root, 'resources/examples/tutorial.csv')

/** What `slope train … --json` reports for the raw (unstandardized) tutorial, as a user would get it. */
function cliCurvature(): CurvatureJson {
  const out = execFileSync(process.execPath, [join(root, 'bin/slope.mjs'), 'train', tutorial, '--target', 'y', '--no-standardize', '--no-db', '--json'], { cwd: root, encoding: 'utf8' })
  return (JSON.parse(out) as { exact: { curvature: CurvatureJson } }).exact.curvature
}

/**
 * The same figures by hand from the 15 points: H = (2/n)·[[Σx², Σx], [Σx, n]] (weight, then intercept),
 * its eigenvalues in closed form; plain gradient descent converges below 2/λmax and is fastest at
 * 2/(λmax + λmin), where every direction shrinks by (κ − 1)/(κ + 1) an epoch.
 */
function byHand() {
  const xs = readFileSync(tutorial, 'utf8').trim().split('\n').slice(1).map((line) => Number(line.split(',')[0]))
  const n = xs.length
  const a = (2 / n) * xs.reduce((s, x) => s + x * x, 0)
  const b = (2 / n) * xs.reduce((s, x) => s + x, 0)
  const d = 2
  const mid = (a + d) / 2
  const radius = Math.hypot((a - d) / 2, b)
  const lambdaMax = mid + radius
  const lambdaMin = mid - radius
  /** Epochs until the loss gap is 1e-6 of its start, contracting the distance by ρ an epoch (the gap by ρ²). */
  const epochsAt = (lr: number) => Math.ceil(Math.log(1e-6) / (2 * Math.log(Math.max(Math.abs(1 - lr * lambdaMin), Math.abs(1 - lr * lambdaMax)))))
  return { lambdaMax, lambdaMin, lrMaxStable: 2 / lambdaMax, lrOptimal: 2 / (lambdaMax + lambdaMin), epochsAt }
}

/** The Train tab with the raw tutorial data: with x up to 10.8 the stable range is narrow (κ ≈ 336). */
async function rawTutorialOnTrainTab(app: Page): Promise<void> {
  await openTutorial(app)
  await app.getByTestId('standardize').uncheck()
  await app.getByTestId('tab-train').click()
}

async function setRate(app: Page, lr: string): Promise<void> {
  await app.getByTestId('lr').fill(lr)
  await app.getByTestId('lr').press('Enter')
}

test('the stable band and its sentence match the CLI and the closed form; past it a warning, "Use the fastest rate" fixes it, and the run completes', async ({ app }) => {
  const cli = cliCurvature()
  const hand = byHand()
  // Two references agree before either is used: the CLI's oracle and the 2 × 2 closed form.
  expect(cli.lr_max_stable! / hand.lrMaxStable).toBeCloseTo(1, 12)
  expect(cli.lr_optimal! / hand.lrOptimal).toBeCloseTo(1, 12)
  expect(cli['epochs_to_1e-6'].predicted).toBe(hand.epochsAt(0.01)) // the default rate, 0.01

  await rawTutorialOnTrainTab(app)
  // Both round to 0.0231 at three digits: the sentence shows four, enough to tell them apart.
  await expect(app.getByTestId('lr-sentence')).toHaveText(
    `Stable up to ${formatNumber(cli.lr_max_stable, 4)} for this data; fastest constant rate ${formatNumber(cli.lr_optimal, 4)}. ` +
      `This rate: about ${formatCount(cli['epochs_to_1e-6'].predicted)} epochs to bring the loss gap to 1e-6 of its start.`,
  )
  expect(formatNumber(cli.lr_max_stable, 4)).toBe('0.02315')
  const band = app.getByTestId('lr-band')
  await expect(band).toHaveAttribute('title', `Stable learning rates: up to ${formatNumber(cli.lr_max_stable, 3)}`)
  // The band reaches the limit's place on the log slider (10⁻⁶ … 10), the mark sits at the fastest rate.
  const track = (await band.boundingBox())!
  const stable = (await band.locator('.stable').boundingBox())!
  const mark = (await app.getByTestId('lr-optimal-mark').boundingBox())!
  const place = (lr: number) => (Math.log10(lr) + 6) / 7
  expect(stable.width / track.width).toBeCloseTo(place(hand.lrMaxStable), 2)
  expect((mark.x + mark.width / 2 - track.x) / track.width).toBeCloseTo(place(hand.lrOptimal), 2)
  await screenshot(app, 'learning-rate-band')

  await setRate(app, '1')
  const ratio = formatNumber(1 / cli.lr_max_stable!, 3)
  await expect(app.getByTestId('lr-warning')).toContainText(`lr 1 is ${ratio}× the largest stable rate ${formatNumber(cli.lr_max_stable, 3)}: this run will diverge.`)
  await expect(app.getByTestId('lr-sentence')).toBeHidden()
  await screenshot(app, 'learning-rate-warning')
  await app.setViewportSize({ width: 1024, height: 640 })
  await screenshot(app, 'learning-rate-warning-1024')
  await app.setViewportSize({ width: 1280, height: 800 })

  await app.getByTestId('lr-use-fastest').click()
  await expect(app.getByTestId('lr')).toHaveValue(String(cli.lr_optimal))
  await expect(app.getByTestId('lr-warning')).toBeHidden()
  // At the fastest rate both extreme directions contract by (κ − 1)/(κ + 1) an epoch.
  await expect(app.getByTestId('lr-sentence')).toContainText(`about ${formatCount(hand.epochsAt(hand.lrOptimal))} epochs`)
  await app.getByTestId('start').click()
  await expect(app.getByTestId('run-status')).toContainText('completed')
})

test('adaptive optimizers: no band, the reason instead; back to SGD brings the band back (and in 简体中文)', async ({ app }) => {
  await rawTutorialOnTrainTab(app)
  await expect(app.getByTestId('lr-band')).toBeVisible()
  await app.getByTestId('optimizer').selectOption('adam')
  await expect(app.getByTestId('lr-band')).toBeHidden()
  await expect(app.getByTestId('lr-sentence')).toBeHidden()
  await expect(app.getByTestId('lr-adaptive')).toHaveText('Adam scales each coordinate’s step by its own gradient history, so no stable range follows from the data’s curvature.')
  await screenshot(app, 'learning-rate-adam')

  await app.getByTestId('language').selectOption('zh-CN')
  await expect(app.getByTestId('lr-adaptive')).toContainText('Adam 按各坐标自身的梯度历史缩放步长')
  await screenshot(app, 'learning-rate-adam-zh')
  await app.getByTestId('optimizer').selectOption('sgd')
  await expect(app.getByTestId('lr-band')).toBeVisible()
  const cli = cliCurvature()
  await expect(app.getByTestId('lr-sentence')).toContainText(`对此数据，学习率不超过 ${formatNumber(cli.lr_max_stable, 4)} 时收敛`)
  await screenshot(app, 'learning-rate-band-zh')
  await setRate(app, '0.5')
  await expect(app.getByTestId('lr-warning')).toContainText(`学习率 0.5 是最大稳定学习率 ${formatNumber(cli.lr_max_stable, 3)} 的 ${formatNumber(0.5 / cli.lr_max_stable!, 3)} 倍`)
  await expect(app.getByTestId('lr-use-fastest')).toHaveText('使用最快学习率')
  await screenshot(app, 'learning-rate-warning-zh')
  await app.setViewportSize({ width: 1024, height: 640 })
  await screenshot(app, 'learning-rate-warning-zh-1024')
})

test('mini-batches: the band is labelled approximate, and so is the sentence', async ({ app }) => {
  await rawTutorialOnTrainTab(app)
  await app.getByTestId('full-batch').uncheck()
  await app.getByTestId('batch-size').fill('4')
  await app.getByTestId('batch-size').blur()
  await expect(app.getByTestId('lr-sentence')).toContainText('Mini-batches, so approximately: Stable up to')
  await expect(app.getByTestId('lr-band')).toHaveAttribute('title', /\(mini-batches: approximate\)$/)
  await setRate(app, '1')
  await expect(app.getByTestId('lr-warning')).toContainText('this run will likely diverge.')
})
