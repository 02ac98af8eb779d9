import type { ComputeBackend } from '../../../src-core/backends/backend'
import { CpuBackend } from '../../../src-core/backends/cpu/cpu-backend'
import { probeWebgl } from '../../../src-core/backends/webgl/device'
import { WebglBackend } from '../../../src-core/backends/webgl/webgl-backend'
import { Random } from '../../../src-core/random'
import { parseTrainConfig } from '../../../src-core/train/config'
import { runTrainingLoop } from '../../../src-core/train/train-loop'
import type { BenchCase, BenchLine, BenchReply } from '../bench-api'

/**
 * Web Worker: trains the same data with the CPU backend and the WebGL backend through the one
 * training loop, in this browser, and reports time per epoch and the loss parity. f32 for both
 * (the CPU backend stores f32 and accumulates in double).
 */
const scope = globalThis as unknown as { onmessage: (e: MessageEvent<BenchCase>) => void; postMessage(reply: BenchReply): void }

/** Well-conditioned data: independent features of unit variance (U(−√3, √3)), y linear plus noise. */
function benchData(rows: number, features: number, seed: number) {
  const rng = new Random(seed)
  const X = new Float32Array(rows * features)
  const y = new Float32Array(rows)
  const half = Math.sqrt(3)
  for (let i = 0; i < rows; i++) {
    let t = 0.5
    for (let j = 0; j < features; j++) {
      const v = rng.uniform(-half, half)
      X[i * features + j] = v
      t += ((j % 3) - 1) * 0.7 * v
    }
    y[i] = t + rng.uniform(-1, 1)
  }
  return { X, y, rows, features }
}

async function measure(backend: ComputeBackend, c: BenchCase, data: ReturnType<typeof benchData>) {
  const config = parseTrainConfig({ precision: 'f32', learningRate: 0.1, epochs: c.epochs, batchSize: c.batchSize, seed: c.seed })
  const dims = { features: c.features, trainRows: c.rows, hasValidation: false }
  try {
    const t0 = performance.now()
    await backend.load(data, null)
    const loadMs = performance.now() - t0
    // One untimed epoch compiles the shaders and warms the JIT.
    runTrainingLoop(backend, { ...config, epochs: 1 }, dims, new Float64Array(c.features + 1))
    const result = runTrainingLoop(backend, config, dims, new Float64Array(c.features + 1))
    return { loadMs, result }
  } finally {
    backend.dispose()
  }
}

scope.onmessage = async ({ data: c }) => {
  try {
    const data = benchData(c.rows, c.features, c.seed)
    const cpuRun = await measure(new CpuBackend('f32'), c, data)
    const capability = probeWebgl()
    if (!capability.available) throw new Error(`${capability.message} ${capability.hint}`)
    const webgl = new WebglBackend()
    const webglRun = await measure(webgl, c, data)
    const { traffic } = webgl

    let worst = 0
    for (let k = 0; k < cpuRun.result.loss.length; k++) {
      worst = Math.max(worst, Math.abs(webglRun.result.loss[k]! - cpuRun.result.loss[k]!) / Math.abs(cpuRun.result.loss[k]!))
    }
    const chromium = /Chrome\/(\d+)/.exec(navigator.userAgent)?.[1] ?? 'unknown'
    const epochsMeasured = c.epochs + 1 // the warm-up epoch's readbacks are in the traffic too
    const line = (backend: 'cpu' | 'webgl', run: typeof cpuRun, renderer: string, diff: number, readbacks: number, bytes: number): BenchLine => ({
      backend,
      rows: c.rows,
      features: c.features,
      ms_per_epoch: run.result.trainMs / run.result.epochsRun,
      max_rel_loss_diff_vs_cpu: diff,
      renderer,
      epochs: run.result.epochsRun,
      batch_size: c.batchSize,
      load_ms: run.loadMs,
      readbacks_per_epoch: readbacks,
      bytes_read_per_epoch: bytes,
    })
    scope.postMessage({
      ok: true,
      lines: [
        line('cpu', cpuRun, `CPU (JavaScript in Chromium ${chromium})`, 0, 0, 0),
        line('webgl', webglRun, capability.info.renderer, worst, traffic.readbacks / epochsMeasured, traffic.bytesRead / epochsMeasured),
      ],
    })
  } catch (e) {
    scope.postMessage({ ok: false, message: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) })
  }
}
