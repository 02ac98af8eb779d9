import { conformanceCases, type ConformanceOptions } from '../../src-core/backends/conformance'
import { callHarness, expect, test } from './fixtures'

// The suite the CPU backend passes in vitest (src-core/backends/cpu/cpu-backend.test.ts), here
// against the WebGL backend in a real Web Worker's OffscreenCanvas. f32 only; the tolerance is the
// f32 accuracy bound of webgl-backend.ts for these shapes (relative to the double reference).
const options: ConformanceOptions = { precisions: ['f32'], tolerance: { f64: 0, f32: 1e-5 } }

test.describe('webgl backend conformance', () => {
  for (const [index, c] of conformanceCases.entries()) {
    test(c.name, async ({ page }) => {
      const result = await callHarness(page, 'conformance', index, options)
      expect(result.message).toBe('')
      expect(result.ok).toBe(true)
    })
  }
})
