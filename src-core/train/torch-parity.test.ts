import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { CpuBackend } from '../backends/cpu/cpu-backend'
import { Random, identityPermutation } from '../random'
import { syntheticData } from '../backends/conformance'
import { pythonModuleMissing, runPythonJson } from '../testing/python'
import { parseTrainConfig, type TrainConfigInput } from './config'
import { optimizerModule } from './optimizers/registry'
import { runTrainingLoop } from './train-loop'

/**
 * The same runs in PyTorch (float64) and in Slope must agree to ~1e-10: proof that "as in
 * torch.optim" holds for every optimizer option and schedule. Runs where Debian's python3-torch
 * is installed (.ci/run installs it) and says why it skipped elsewhere.
 */
const missing = pythonModuleMissing('torch')
const script = fileURLToPath(new URL('../../bench/reference/torch_linear.py', import.meta.url))

const cases: [string, TrainConfigInput][] = [
  ['plain SGD', { learningRate: 0.05 }],
  ['SGD momentum + dampening', { learningRate: 0.02, momentum: 0.9, dampening: 0.3 }],
  ['SGD nesterov + weight decay', { learningRate: 0.02, momentum: 0.8, nesterov: true, weightDecay: 0.1 }],
  ['Adam', { optimizer: 'adam', learningRate: 0.05 }],
  ['Adam with betas, eps and weight decay', { optimizer: 'adam', learningRate: 0.03, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.05 }],
  ['StepLR', { learningRate: 0.05, schedule: { kind: 'step', stepSize: 7, gamma: 0.5 } }],
  ['ExponentialLR', { learningRate: 0.05, momentum: 0.5, schedule: { kind: 'exponential', gamma: 0.95 } }],
  ['CosineAnnealingLR', { optimizer: 'adam', learningRate: 0.05, schedule: { kind: 'cosine', tMax: 20, etaMin: 0.001 } }],
  ['mini-batch SGD, shuffled', { learningRate: 0.02, batchSize: 16, momentum: 0.9 }],
  ['mini-batch Adam, shuffled', { optimizer: 'adam', learningRate: 0.02, batchSize: 10 }],
  ['Adam amsgrad + weight decay', { optimizer: 'adam', learningRate: 0.05, amsgrad: true, weightDecay: 0.05 }],
  ['AdamW (default decoupled weight decay 0.01)', { optimizer: 'adamw', learningRate: 0.05 }],
  ['AdamW amsgrad, betas, eps, weight decay 0.2', { optimizer: 'adamw', learningRate: 0.03, amsgrad: true, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.2 }],
  ['AdamW mini-batch, shuffled, cosine', { optimizer: 'adamw', learningRate: 0.02, batchSize: 10, schedule: { kind: 'cosine', tMax: 20 } }],
  ['RMSprop', { optimizer: 'rmsprop', learningRate: 0.01 }],
  ['RMSprop alpha, eps, weight decay', { optimizer: 'rmsprop', learningRate: 0.005, alpha: 0.9, eps: 1e-6, weightDecay: 0.1 }],
  ['RMSprop momentum', { optimizer: 'rmsprop', learningRate: 0.002, momentum: 0.9 }],
  ['RMSprop centered + momentum', { optimizer: 'rmsprop', learningRate: 0.002, momentum: 0.5, centered: true }],
  ['RMSprop centered mini-batch, shuffled', { optimizer: 'rmsprop', learningRate: 0.005, centered: true, batchSize: 16 }],
  ['Adagrad', { optimizer: 'adagrad', learningRate: 0.3 }],
  ['Adagrad lr_decay, initial accumulator, eps, weight decay', { optimizer: 'adagrad', learningRate: 0.3, lrDecay: 0.05, initialAccumulator: 0.5, eps: 1e-6, weightDecay: 0.1 }],
  ['Adagrad mini-batch, shuffled, StepLR', { optimizer: 'adagrad', learningRate: 0.2, batchSize: 10, schedule: { kind: 'step', stepSize: 5, gamma: 0.7 } }],
]

interface Prepared {
  ours: ReturnType<typeof runTrainingLoop>
  job: unknown
}

async function prepare(input: TrainConfigInput): Promise<Prepared> {
  const config = parseTrainConfig({ epochs: 40, seed: 3, ...input })
  const n = 64
  const d = 3
  const data = syntheticData(n, d, 21, 'f64')
  const init = Float64Array.from([0.3, -0.2, 0.1, 0.5])
  const backend = new CpuBackend('f64')
  await backend.load(data, null)
  const ours = runTrainingLoop(backend, config, { features: d, trainRows: n, hasValidation: false }, init)

  // Give PyTorch the same per-epoch permutations (Random(seed + 1), as the loop draws them).
  let orders: number[][] | null = null
  if (config.batchSize !== null) {
    const rng = new Random(config.seed + 1)
    const order = identityPermutation(n)
    orders = Array.from({ length: config.epochs }, () => Array.from(rng.shuffle(order)))
  }
  const s = config.schedule
  const job = {
    x: Array.from({ length: n }, (_, i) => Array.from(data.X.subarray(i * d, i * d + d))),
    y: Array.from(data.y),
    epochs: config.epochs,
    lr: config.learningRate,
    // The registry's own description of the torch.optim call: class and keyword arguments.
    optimizer: optimizerModule(config.optimizer).torchClass.replace('torch.optim.', ''),
    optimizer_kwargs: optimizerModule(config.optimizer).torchKwargs(config),
    weight_decay: config.weightDecay,
    schedule:
      s.kind === 'step'
        ? { kind: 'step', step_size: s.stepSize, gamma: s.gamma }
        : s.kind === 'exponential'
          ? { kind: 'exponential', gamma: s.gamma }
          : s.kind === 'cosine'
            ? { kind: 'cosine', t_max: s.tMax, eta_min: s.etaMin }
            : null,
    orders,
    batch_size: config.batchSize,
    init: Array.from(init),
  }
  return { ours, job }
}

describe.skipIf(missing !== null)(`parity with PyTorch${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const prepared: Prepared[] = []
  let torch: { loss: number[]; params: number[] }[] = []
  beforeAll(async () => {
    for (const [, input] of cases) prepared.push(await prepare(input))
    torch = runPythonJson(script, prepared.map((p) => p.job))
  }, 120_000) // importing torch on a busy 2-core machine can take longer than the default 10 s

  cases.forEach(([name], c) => {
    it(name, () => {
      const { ours } = prepared[c]!
      const reference = torch[c]!
      expect(ours.loss.length).toBe(reference.loss.length)
      ours.loss.forEach((l, k) => expect(Math.abs(l - reference.loss[k]!) / reference.loss[k]!, `epoch ${k}`).toBeLessThan(1e-10))
      ours.params.forEach((p, k) => expect(Math.abs(p - reference.params[k]!), `θ${k}`).toBeLessThan(1e-9))
    })
  })
})
