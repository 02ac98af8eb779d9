import { parseArgs } from 'node:util'
import { chromium } from '@playwright/test'
import { serveBundles } from '../../e2e/webgl/bundle-server'
import { chromiumArgs, chromiumPath } from '../../playwright.config'
import type { BenchCase, BenchReply } from './bench-api'

/**
 * `npm run bench:webgl`: trains the same f32 data with the CPU and the WebGL backend in Chromium
 * (a Web Worker each time, via Playwright) and prints one JSON line per backend and size:
 * {"backend","rows","features","ms_per_epoch","max_rel_loss_diff_vs_cpu","renderer", …}.
 * Speed means something only against the CPU line of the same run, and only on a real GPU: on
 * SwiftShader (no GPU) the WebGL backend runs on the CPU too and only the parity column counts.
 *
 *   npm run bench:webgl                                   # 100k×16 and 1M×32, 10 epochs
 *   npm run bench:webgl -- --sizes 20000x8 --epochs 50    # quicker
 *   npm run bench:webgl -- --gpu                          # ask Chromium for the hardware GPU
 */
const usage = `usage: npm run bench:webgl -- [--sizes ROWSxFEATURES,…] [--epochs N] [--batch-size N] [--gpu] [--headed] [--chromium-arg=FLAG …]
`

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000x16,1000000x32' },
    epochs: { type: 'string', default: '10' },
    'batch-size': { type: 'string' },
    gpu: { type: 'boolean', default: false },
    headed: { type: 'boolean', default: false },
    'chromium-arg': { type: 'string', multiple: true, default: [] },
    help: { type: 'boolean', default: false },
  },
})
if (values.help) {
  process.stdout.write(usage)
  process.exit(0)
}

function wholeNumber(text: string, what: string): number {
  const n = Number(text)
  if (!Number.isSafeInteger(n) || n < 1) {
    process.stderr.write(`error: ${what} must be a whole number above 0, got "${text}".\n${usage}`)
    process.exit(2)
  }
  return n
}

const epochs = wholeNumber(values.epochs, '--epochs')
const batchSize = values['batch-size'] === undefined ? null : wholeNumber(values['batch-size'], '--batch-size')
const cases: BenchCase[] = values.sizes.split(',').map((size) => {
  const [rows, features] = size.split('x')
  return { rows: wholeNumber(rows ?? '', 'rows in --sizes'), features: wholeNumber(features ?? '', 'features in --sizes'), epochs, batchSize, seed: 1 }
})

// Headless Chromium renders WebGL with SwiftShader; these ask it for the hardware GPU instead
// (ANGLE over the system's OpenGL). The `renderer` field shows what was actually used.
const gpuArgs = ['--ignore-gpu-blocklist', '--enable-gpu', '--use-angle=gl']
const args = [...chromiumArgs.filter((a) => !(values.headed && a === '--headless')), ...(values.gpu ? gpuArgs : []), ...values['chromium-arg']]

const server = await serveBundles({ 'bench-page': 'bench/webgl/browser/bench-page.ts', 'bench-worker': 'bench/webgl/browser/bench-worker.ts' }, 'bench-page')
const browser = await chromium.launch({ executablePath: chromiumPath, args, headless: !values.headed })
let failed = false
try {
  const page = await browser.newPage()
  await page.goto(server.url)
  await page.waitForFunction(() => 'runBenchCase' in globalThis)
  for (const c of cases) {
    const reply = await page.evaluate((request) => (globalThis as unknown as { runBenchCase(c: BenchCase): Promise<BenchReply> }).runBenchCase(request), c)
    if (!reply.ok) {
      process.stderr.write(`error: ${c.rows}×${c.features}: ${reply.message}\n`)
      failed = true
      continue
    }
    for (const line of reply.lines) process.stdout.write(`${JSON.stringify(line)}\n`)
    if (values.gpu && reply.lines.some((l) => l.backend === 'webgl' && /swiftshader|llvmpipe/i.test(l.renderer))) {
      process.stderr.write('note: --gpu asked for the hardware GPU but Chromium fell back to a software renderer (see "renderer").\n')
    }
  }
} finally {
  await browser.close()
  await server.close()
}
process.exit(failed ? 1 : 0)
