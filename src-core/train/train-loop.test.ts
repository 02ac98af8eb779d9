import { describe, expect, it } from 'vitest'
import { CpuBackend } from '../backends/cpu/cpu-backend'
import { Random, identityPermutation } from '../random'
import { tutorialX, tutorialY } from '../testing/tutorial'
import { parseTrainConfig, type TrainConfigInput } from './config'
import { EXPLOSION_FACTOR, UNSTABLE_GROWTH_EPOCHS, runTrainingLoop, type LoopHooks } from './train-loop'
import { naiveTutorialLosses } from '../testing/tutorial'

async function tutorialRun(overrides: TrainConfigInput, hooks?: LoopHooks, init = new Float64Array(2), unstableRate = false) {
  const config = parseTrainConfig({ standardize: false, ...overrides })
  const backend = new CpuBackend(config.precision)
  await backend.load({ X: Float64Array.from(tutorialX), y: Float64Array.from(tutorialY), rows: 15, features: 1 }, null)
  return runTrainingLoop(backend, config, { features: 1, trainRows: 15, hasValidation: false, unstableRate }, init, hooks)
}


describe('training loop semantics', () => {
  it('full batch reproduces the tutorial loop: loss of epoch k at the parameters that start it', async () => {
    const result = await tutorialRun({ learningRate: 0.01, epochs: 50 })
    const reference = naiveTutorialLosses(0.01, 50)
    expect(result.status).toBe('completed')
    expect(result.epochsRun).toBe(50)
    expect(result.loss[0]).toBeCloseTo(5.9467032, 12) // mean(y²) at w = b = 0
    result.loss.forEach((l, k) => expect(l).toBeCloseTo(reference[k]!, 12))
  })

  it('same seed ⇒ bit-identical mini-batch runs; another seed ⇒ another run', async () => {
    const a = await tutorialRun({ learningRate: 0.01, epochs: 30, batchSize: 4, seed: 7, init: { kind: 'random' } }, undefined)
    const b = await tutorialRun({ learningRate: 0.01, epochs: 30, batchSize: 4, seed: 7, init: { kind: 'random' } }, undefined)
    const c = await tutorialRun({ learningRate: 0.01, epochs: 30, batchSize: 4, seed: 8, init: { kind: 'random' } }, undefined)
    expect(Array.from(a.loss)).toEqual(Array.from(b.loss))
    expect(Array.from(a.params)).toEqual(Array.from(b.params))
    expect(Array.from(a.loss)).not.toEqual(Array.from(c.loss))
  })

  it('mini-batch epoch loss is the mean of that epoch’s batch losses, rows shuffled by the seeded permutation', async () => {
    const result = await tutorialRun({ learningRate: 0.02, epochs: 3, batchSize: 4, seed: 3 })
    // Replay independently: shuffle with Random(seed + 1), batches of 4 (last one 3 rows), SGD steps.
    const rng = new Random(3 + 1)
    const order = identityPermutation(15)
    let w = 0
    let b = 0
    for (let e = 0; e < 3; e++) {
      rng.shuffle(order)
      const batchLosses: number[] = []
      for (let s = 0; s < 15; s += 4) {
        const rows = Array.from(order.subarray(s, Math.min(15, s + 4)))
        let loss = 0
        let gw = 0
        let gb = 0
        for (const i of rows) {
          const r = w * tutorialX[i]! + b - tutorialY[i]!
          loss += r * r
          gw += 2 * r * tutorialX[i]!
          gb += 2 * r
        }
        batchLosses.push(loss / rows.length)
        w -= (0.02 * gw) / rows.length
        b -= (0.02 * gb) / rows.length
      }
      expect(result.loss[e]).toBeCloseTo(batchLosses.reduce((x, y) => x + y) / batchLosses.length, 12)
    }
    expect(result.params[0]).toBeCloseTo(w, 12)
    expect(result.params[1]).toBeCloseTo(b, 12)
  })

  it('a run whose loss overflows stops as diverged at the first epoch without a finite loss, keeping the finite history', async () => {
    // lr 1e200: one step from 0 puts w near 1e201, and the next loss overflows to Infinity.
    const result = await tutorialRun({ learningRate: 1e200, epochs: 100 })
    expect(result.status).toBe('diverged')
    expect(result.divergedAt).toBe(1)
    expect(result.epochsRun).toBe(1)
    expect(result.loss.length).toBe(1)
    expect(result.loss[0]).toBeCloseTo(5.9467032, 12) // mean(y²) at w = b = 0
  })

  it(`a finite loss past ${EXPLOSION_FACTOR.toExponential()}× the first is diverged at that epoch; just below it is not`, async () => {
    // lr = 1 on unscaled x (mean x² ≈ 45) multiplies the loss by ~8,000 per epoch.
    const result = await tutorialRun({ learningRate: 1, epochs: 10_000 })
    expect(result.status).toBe('diverged')
    const k = result.divergedAt!
    expect(result.loss.length).toBe(k + 1) // the epoch that fired the rule is kept
    expect(result.loss[k]!).toBeGreaterThan(EXPLOSION_FACTOR * result.loss[0]!)
    expect(result.loss[k - 1]!).toBeLessThanOrEqual(EXPLOSION_FACTOR * result.loss[0]!)
    expect(result.loss.every(Number.isFinite)).toBe(true)
    // The same run stopped one epoch before the rule fires is a completed run.
    const before = await tutorialRun({ learningRate: 1, epochs: k })
    expect(before.status).toBe('completed')
  })

  it(`a rate the oracle proves unstable is diverged after ${UNSTABLE_GROWTH_EPOCHS} epochs of growth; without the proof the run goes on`, async () => {
    // 2/λmax ≈ 0.0231 on the raw tutorial data: lr 0.025 grows the loss slowly (×~1.4 per epoch).
    const proven = await tutorialRun({ learningRate: 0.025, epochs: 200 }, undefined, undefined, true)
    expect(proven.status).toBe('diverged')
    const k = proven.divergedAt!
    for (let j = k - UNSTABLE_GROWTH_EPOCHS + 1; j <= k; j++) expect(proven.loss[j]!, `epoch ${j}`).toBeGreaterThan(proven.loss[j - 1]!)
    expect(proven.loss[k]!).toBeLessThan(EXPLOSION_FACTOR * proven.loss[0]!)
    const unproven = await tutorialRun({ learningRate: 0.025, epochs: k + 1 })
    expect(unproven.status).toBe('completed')
    expect(Array.from(unproven.loss)).toEqual(Array.from(proven.loss))
  })

  it('cancellation stops between epochs and keeps what ran', async () => {
    let checks = 0
    const result = await tutorialRun({ epochs: 100 }, { control: { cancelled: () => ++checks > 3 } })
    expect(result.status).toBe('cancelled')
    expect(result.epochsRun).toBe(3)
    expect(result.loss.length).toBe(3)
  })

  it('f32 keeps every parameter representable in single precision', async () => {
    const result = await tutorialRun({ epochs: 20, precision: 'f32', learningRate: 0.01 })
    for (const p of result.params) expect(Math.fround(p)).toBe(p)
    expect(result.loss[19]).toBeCloseTo(naiveTutorialLosses(0.01, 20)[19]!, 5)
  })

  it('reports progress as contiguous epoch ranges covering the whole run', async () => {
    let now = 0
    const ranges: [number, number][] = []
    const result = await tutorialRun(
      { epochs: 1000 },
      { clock: () => (now += 1), progressEveryMs: 40, onProgress: (from, to) => ranges.push([from, to]) },
    )
    expect(ranges[0]![0]).toBe(0)
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0]).toBe(ranges[i - 1]![1])
    expect(ranges.at(-1)![1]).toBe(result.epochsRun)
    expect(ranges.length).toBeGreaterThan(10) // throttled, not once per epoch
    expect(ranges.length).toBeLessThan(100)
  })

  it('explicit initial parameters are where the run starts', async () => {
    const result = await tutorialRun({ epochs: 1 }, undefined, Float64Array.from([0.5, 0.25]))
    let loss = 0
    for (let i = 0; i < 15; i++) loss += (0.5 * tutorialX[i]! + 0.25 - tutorialY[i]!) ** 2
    expect(result.loss[0]).toBeCloseTo(loss / 15, 13)
  })
})

describe('early stopping', () => {
  async function run(earlyStopping: TrainConfigInput['earlyStopping']) {
    const config = parseTrainConfig({ epochs: 200, learningRate: 0.01, validationFraction: 0.2, earlyStopping, standardize: false })
    const backend = new CpuBackend()
    const X = Float64Array.from(tutorialX)
    const y = Float64Array.from(tutorialY)
    await backend.load({ X: X.subarray(0, 12), y: y.subarray(0, 12), rows: 12, features: 1 }, { X: X.subarray(12), y: y.subarray(12), rows: 3, features: 1 })
    return runTrainingLoop(backend, config, { features: 1, trainRows: 12, hasValidation: true }, new Float64Array(2))
  }

  it('stops after `patience` epochs without an improvement larger than min_delta', async () => {
    // An unreachable min_delta: epoch 0 sets the best, epochs 1…5 fail to beat it by 1e9.
    const result = await run({ patience: 5, minDelta: 1e9, restoreBest: false })
    expect(result.stoppedEarly).toBe(true)
    expect(result.bestEpoch).toBe(0)
    expect(result.epochsRun).toBe(6)
    expect(result.valLoss!.length).toBe(6)
  })

  it('restores the parameters of the best epoch', async () => {
    const restored = await run({ patience: 5, minDelta: 1e9, restoreBest: true })
    const oneEpoch = await run({ patience: 1, minDelta: 0, restoreBest: false })
    // After epoch 0 the parameters are those of a single step from zero.
    const reference = parseTrainConfig({ epochs: 1, learningRate: 0.01, standardize: false })
    const backend = new CpuBackend()
    await backend.load({ X: Float64Array.from(tutorialX.slice(0, 12)), y: Float64Array.from(tutorialY.slice(0, 12)), rows: 12, features: 1 }, null)
    const single = runTrainingLoop(backend, reference, { features: 1, trainRows: 12, hasValidation: false }, new Float64Array(2))
    expect(Array.from(restored.params)).toEqual(Array.from(single.params))
    expect(oneEpoch.epochsRun).toBeGreaterThan(1)
  })
})
