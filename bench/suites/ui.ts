import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { chromium } from '@playwright/test'
import { startSlope } from '../../e2e/app/slope-server'

/**
 * Starts recording every animation frame's interval in the page (and forgets earlier chart timings).
 * A string: tsx would wrap inner functions in a __name() helper the page lacks.
 */
const RECORD_FRAMES = `(() => {
  window.frames_ = []
  let last = performance.now()
  const tick = (now) => { window.frames_.push(now - last); last = now; requestAnimationFrame(tick) }
  requestAnimationFrame(tick)
  performance.clearMeasures('loss-chart-render')
})()`
import type { BenchContext, BenchRow, BenchSuite } from '../bench-suite'

/**
 * Does the app keep up? In Chromium through browser mode (real server, workers, SQLite):
 * (1) frame intervals of the page while the tutorial trains with every progress batch drawn live,
 * against the 16.7 ms budget of a 60 Hz frame; (2) the loss chart's redraw time for a finished
 * million-epoch run (its full history stored and loaded, drawing min/max-decimated), full view and
 * zoomed, against the same budget; (3) a 64-run learning-rate sweep compared while it trains
 * (frame intervals, every curve growing live) and finished (the comparison's redraw: 64 curves,
 * bounded axis, diverged runs cut and marked, colour scale).
 */
const root = fileURLToPath(new URL('../../', import.meta.url))
const FRAME_MS = 1000 / 60

const suite: BenchSuite = {
  name: 'ui',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium'
    if (!existsSync(chromiumPath)) {
      ctx.log(`ui: skipped (no Chromium at ${chromiumPath}; apt-get install chromium)`)
      return []
    }
    if (!existsSync(join(root, 'out/renderer/index.html'))) {
      spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build'], { cwd: root, stdio: 'ignore' })
    }
    const epochs = ctx.quick ? 200_000 : 1_000_000
    const server = await startSlope()
    const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox'] })
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
      await page.goto(server.loginUrl)
      await page.getByTestId('example-tutorial').click()
      await page.getByTestId('preview').waitFor()
      await page.getByTestId('tab-train').click()

      // (1) Live: a long mini-batch run (batch 1: 15 steps an epoch) streams for a few seconds.
      await page.getByTestId('full-batch').uncheck()
      await page.getByTestId('batch-size').fill('1')
      await page.getByTestId('lr').fill('0.0001')
      await page.getByTestId('lr').press('Enter')
      await page.getByTestId('epochs').fill('10000000')
      await page.evaluate(RECORD_FRAMES)
      await page.getByTestId('start').click()
      await page.waitForTimeout(ctx.quick ? 2000 : 5000)
      const live = (await page.evaluate(`({
        frames: window.frames_.slice(5),
        renders: performance.getEntriesByName('loss-chart-render').map((e) => e.duration),
        status: document.querySelector('[data-testid="run-status"]')?.textContent ?? '',
      })`)) as { frames: number[]; renders: number[]; status: string }
      const epochsSeen = Number(/\(([\d,]+) of/.exec(live.status)?.[1]?.replaceAll(',', '') ?? 'NaN')
      await page.getByTestId('stop').click()
      await page.getByTestId('run-status').filter({ hasText: 'cancelled' }).waitFor()

      // (2) A finished million-epoch full-batch run, drawn whole and zoomed.
      await page.getByTestId('full-batch').check()
      await page.getByTestId('lr').fill('0.01')
      await page.getByTestId('lr').press('Enter')
      await page.getByTestId('epochs').fill(String(epochs))
      await page.getByTestId('start').click()
      await page.getByTestId('run-status').filter({ hasText: 'completed' }).waitFor({ timeout: 120_000 })
      await page.waitForTimeout(500)
      const redraw = (await page.evaluate(`(async () => {
        performance.clearMeasures('loss-chart-render')
        const toggle = document.querySelector('[data-testid="log-scale"]')
        for (let i = 0; i < 10; i++) {
          toggle.click() // each toggle redraws the whole history
          await new Promise((r) => requestAnimationFrame(() => r(null)))
        }
        return performance.getEntriesByName('loss-chart-render').map((e) => e.duration)
      })()`)) as number[]
      const stored = (await page.getByTestId('run-status').textContent()) ?? ''

      // (3) A 64-run sweep, 1e-4…1 on raw x (a third of the rates diverge), compared as it trains.
      const sweepEpochs = ctx.quick ? 5_000 : 20_000
      await page.getByTestId('tab-data').click()
      await page.getByTestId('standardize').uncheck()
      await page.getByTestId('tab-train').click()
      await page.getByTestId('epochs').fill(String(sweepEpochs))
      await page.getByTestId('tab-runs').click()
      await page.getByTestId('open-sweep').click()
      for (const [box, value] of [['sweep-min', '0.0001'], ['sweep-max', '1']] as const) {
        await page.getByTestId(box).getByTestId('lr').fill(value)
        await page.getByTestId(box).getByTestId('lr').press('Enter')
      }
      await page.getByTestId('sweep-count').fill('64')
      await page.evaluate(RECORD_FRAMES)
      const sweepStart = Date.now()
      await page.getByTestId('sweep-launch').click()
      await page.getByTestId('rate-point').nth(63).waitFor({ state: 'attached' })
      await page.locator('[data-testid="rate-point"][data-training="true"]').first().waitFor({ state: 'detached', timeout: 300_000 })
      const sweepMs = Date.now() - sweepStart
      const sweepLive = (await page.evaluate(`({
        frames: window.frames_.slice(5),
        renders: performance.getEntriesByName('loss-chart-render').map((e) => e.duration),
      })`)) as { frames: number[]; renders: number[] }
      await page.waitForTimeout(500)
      const compareRedraw = (await page.evaluate(`(async () => {
        performance.clearMeasures('loss-chart-render')
        const toggle = document.querySelector('[data-testid="run-compare"] [data-testid="log-scale"]')
        for (let i = 0; i < 10; i++) {
          toggle.click()
          await new Promise((r) => requestAnimationFrame(() => r(null)))
        }
        return performance.getEntriesByName('loss-chart-render').map((e) => e.duration)
      })()`)) as number[]
      const markers = await page.getByTestId('left-plot-marker').count()

      const frames = sorted(live.frames)
      const p95 = quantile(frames, 0.95)
      const renderMedian = quantile(sorted(redraw), 0.5)
      const sweepFrames = sorted(sweepLive.frames)
      const sweepP95 = quantile(sweepFrames, 0.95)
      const compareMedian = quantile(sorted(compareRedraw), 0.5)
      ctx.log(`ui: 64-run sweep of ${sweepEpochs.toLocaleString('en-US')} epochs each trained and compared live in ${(sweepMs / 1000).toFixed(1)} s (${sweepLive.frames.length} frames, ${sweepLive.renders.length} comparison redraws; ${markers} diverged runs cut at the top)`)
      ctx.log(`ui: ${live.frames.length} frames in the live run (${epochsSeen.toLocaleString('en-US')} epochs streamed, ${live.renders.length} chart redraws); finished run: ${stored}`)
      return [
        {
          suite: 'ui',
          case: 'live training: frame interval p95 while the chart redraws every batch',
          ms: p95,
          baselines: { '60 Hz frame': FRAME_MS },
          ratios: { '60 Hz frame': p95 / FRAME_MS },
          notes: `median ${quantile(frames, 0.5).toFixed(1)} ms, max ${frames.at(-1)?.toFixed(1)} ms; chart redraw median ${quantile(sorted(live.renders), 0.5).toFixed(2)} ms`,
          extra: { frames: live.frames.length, redraws: live.renders.length, epochsStreamed: epochsSeen },
        },
        {
          suite: 'ui',
          case: `loss chart redraw of a stored ${epochs.toLocaleString('en-US')}-epoch history (min/max decimated)`,
          ms: renderMedian,
          baselines: { '60 Hz frame': FRAME_MS },
          ratios: { '60 Hz frame': renderMedian / FRAME_MS },
          extra: { epochs, redraws: redraw.length },
        },
        {
          suite: 'ui',
          case: 'live 64-run sweep compared: frame interval p95 while 64 curves grow',
          ms: sweepP95,
          baselines: { '60 Hz frame': FRAME_MS },
          ratios: { '60 Hz frame': sweepP95 / FRAME_MS },
          notes: `median ${quantile(sweepFrames, 0.5).toFixed(1)} ms, max ${sweepFrames.at(-1)?.toFixed(1)} ms; comparison redraw median ${quantile(sorted(sweepLive.renders), 0.5).toFixed(2)} ms over ${sweepLive.renders.length} redraws`,
          extra: { frames: sweepLive.frames.length, redraws: sweepLive.renders.length, sweepMs, epochsPerRun: sweepEpochs, diverged: markers },
        },
        {
          suite: 'ui',
          case: `comparison redraw of 64 finished runs (${sweepEpochs.toLocaleString('en-US')} epochs each, bounded log axis)`,
          ms: compareMedian,
          baselines: { '60 Hz frame': FRAME_MS },
          ratios: { '60 Hz frame': compareMedian / FRAME_MS },
          extra: { runs: 64, redraws: compareRedraw.length },
        },
      ]
    } finally {
      await browser.close()
      await server.stop()
    }
  },
}

function sorted(a: number[]): number[] {
  return [...a].sort((x, y) => x - y)
}

function quantile(s: number[], q: number): number {
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN
}

export default suite

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await suite.run({ quick: process.argv.includes('--quick'), log: (l) => console.log(l) })
  for (const r of rows) console.log(JSON.stringify(r))
}
