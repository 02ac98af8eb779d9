import { parseTrainConfig } from '../../src-core/train/config'
import type { TrainRequest } from './harness-api'
import { callHarness, expect, test } from './fixtures'
import { launchOwnBrowser } from './own-browser'

const tiny = (epochs: number): TrainRequest => ({
  names: ['x', 'y'],
  columns: [
    [1, 2, 3, 4],
    [2, 4, 6, 8.5],
  ],
  target: 'y',
  config: parseTrainConfig({ precision: 'f32', backend: 'webgl', epochs }),
})

test.describe('WebGL unavailable', () => {
  test('without WebGL2 the probe says why and offers the CPU, and a run fails with that sentence', async ({ bundles }) => {
    // No GPU and no software fallback: what a machine with a blocklisted GPU and SwiftShader off sees.
    const browser = await launchOwnBrowser(bundles, ['--disable-gpu', '--disable-software-rasterizer'])
    try {
      const capability = await callHarness(browser.page, 'probe')
      expect(capability).toMatchObject({ available: false, reason: 'no-webgl2' })
      if (capability.available) return
      expect(capability.message).toContain('WebGL2 is not available')
      expect(capability.hint).toContain('CPU backend')

      const report = await callHarness(browser.page, 'train', tiny(10))
      expect(report.events.at(-1)).toBe('failed')
      expect(report.events).not.toContain('progress')
      expect(report.failed).toEqual({ inputError: true, message: capability.message, hint: capability.hint })
    } finally {
      await browser.close()
    }
  })

  test('losing the GPU mid-run (GPU process killed) fails the run cleanly with the reason', async ({ bundles }) => {
    test.skip(process.platform !== 'linux', 'finds the GPU process through /proc')
    const browser = await launchOwnBrowser(bundles)
    try {
      const running = callHarness(browser.page, 'train', tiny(2_000_000))
      await browser.page.waitForFunction(() => (globalThis as unknown as { harness: { progressSeen(): boolean } }).harness.progressSeen())
      const gpu = browser.gpuProcesses()
      expect(gpu.length).toBeGreaterThan(0)
      for (const pid of gpu) process.kill(pid, 'SIGKILL')
      const report = await running
      expect(report.done).toBeNull()
      expect(report.events.at(-1)).toBe('failed')
      expect(report.failed?.inputError).toBe(true)
      expect(report.failed?.message).toContain('dropped the WebGL context during the computation')
      expect(report.failed?.hint).toContain('CPU backend')
      // Chromium restarts its GPU process; a new worker gets a working context again.
      expect(await callHarness(browser.page, 'probe')).toMatchObject({ available: true })
    } finally {
      await browser.close()
    }
  })
})
