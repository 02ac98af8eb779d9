import { z } from 'zod'
import { InputError } from '../errors'

/**
 * Everything that determines a run. One schema serves the CLI, the IPC boundary and the model
 * file, so a setting cannot be valid in one place and rejected in another. Defaults follow the
 * tutorial (plain SGD, full batch) and torch.optim's own defaults.
 */

const finite = (what: string) => z.number({ error: `${what} must be a number` }).refine(Number.isFinite, `${what} must be a finite number`)
const positive = (what: string) => finite(what).refine((v) => v > 0, `${what} must be greater than 0`)
const nonNegative = (what: string) => finite(what).refine((v) => v >= 0, `${what} must be 0 or more`)
const unitInterval = (what: string) => finite(what).refine((v) => v >= 0 && v < 1, `${what} must be at least 0 and below 1`)
const count = (what: string, max: number) =>
  z
    .number({ error: `${what} must be a whole number` })
    .int(`${what} must be a whole number`)
    .min(1, `${what} must be at least 1`)
    .max(max, `${what} must be at most ${max.toLocaleString('en-US')}`)

/** 10 million epochs keep the loss history (two Float64Arrays) under 200 MB. */
export const MAX_EPOCHS = 10_000_000

export const scheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('constant') }),
  z.object({ kind: z.literal('step'), stepSize: count('the step size', MAX_EPOCHS), gamma: positive('gamma') }),
  z.object({ kind: z.literal('exponential'), gamma: positive('gamma') }),
  z.object({
    kind: z.literal('cosine'),
    /** Epochs of one half cosine; default: all epochs of the run. */
    tMax: count('T_max', MAX_EPOCHS).optional(),
    etaMin: nonNegative('the minimum learning rate').default(0),
  }),
])

export const initSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('zeros') }),
  /** U(−1/√d, 1/√d) for weights and bias, as torch.nn.Linear initializes. */
  z.object({ kind: z.literal('random') }),
  z.object({ kind: z.literal('explicit'), weights: z.array(finite('an initial weight')), bias: finite('the initial bias').default(0) }),
])

export const trainConfigSchema = z
  .object({
    solver: z.enum(['gd', 'lstsq'], { error: 'solver must be "gd" or "lstsq"' }).default('gd'),
    optimizer: z.enum(['sgd', 'adam'], { error: 'optimizer must be "sgd" or "adam"' }).default('sgd'),
    learningRate: positive('the learning rate').default(0.01),
    epochs: count('epochs', MAX_EPOCHS).default(100),
    /** Rows per mini-batch; null = full batch. */
    batchSize: count('the batch size', 2 ** 31).nullable().default(null),
    momentum: unitInterval('momentum').default(0),
    dampening: finite('dampening').refine((v) => v >= 0 && v <= 1, 'dampening must be between 0 and 1').default(0),
    nesterov: z.boolean().default(false),
    weightDecay: nonNegative('weight decay').default(0),
    beta1: unitInterval('beta1').default(0.9),
    beta2: unitInterval('beta2').default(0.999),
    eps: positive('eps').default(1e-8),
    schedule: scheduleSchema.default({ kind: 'constant' }),
    earlyStopping: z
      .object({
        patience: count('patience', MAX_EPOCHS),
        minDelta: nonNegative('min_delta').default(0),
        restoreBest: z.boolean().default(true),
      })
      .nullable()
      .default(null),
    validationFraction: finite('the validation fraction')
      .refine((v) => v >= 0 && v < 1, 'the validation fraction must be at least 0 and below 1')
      .default(0),
    seed: z.number().int('the seed must be a whole number').min(0, 'the seed must be 0 or more').max(Number.MAX_SAFE_INTEGER).default(0),
    init: initSchema.default({ kind: 'zeros' }),
    standardize: z.boolean().default(true),
    intercept: z.boolean().default(true),
    precision: z.enum(['f64', 'f32'], { error: 'precision must be "f64" or "f32"' }).default('f64'),
    missing: z.enum(['error', 'drop', 'mean'], { error: 'the missing-value policy must be "error", "drop" or "mean"' }).default('error'),
    backend: z.enum(['cpu', 'webgl'], { error: 'backend must be "cpu" or "webgl"' }).default('cpu'),
  })
  .superRefine((c, ctx) => {
    if (c.nesterov && (c.momentum <= 0 || c.dampening !== 0)) {
      ctx.addIssue({ code: 'custom', path: ['nesterov'], message: 'Nesterov momentum needs a momentum above 0 and dampening 0 (as in torch.optim.SGD)' })
    }
    if (c.earlyStopping && c.validationFraction === 0) {
      ctx.addIssue({ code: 'custom', path: ['earlyStopping'], message: 'early stopping watches the validation loss, so it needs a validation split' })
    }
  })

export type TrainConfig = z.output<typeof trainConfigSchema>
export type TrainConfigInput = z.input<typeof trainConfigSchema>
export type Schedule = z.output<typeof scheduleSchema>
export type InitConfig = z.output<typeof initSchema>

/** Where each setting is typed by a person, for messages: CLI flags. */
const settingNames: Record<string, string> = {
  learningRate: '--lr',
  epochs: '--epochs',
  batchSize: '--batch-size',
  momentum: '--momentum',
  dampening: '--dampening',
  nesterov: '--nesterov',
  weightDecay: '--weight-decay',
  beta1: '--beta1',
  beta2: '--beta2',
  eps: '--eps',
  schedule: '--schedule',
  earlyStopping: '--early-stopping',
  validationFraction: '--validation',
  seed: '--seed',
  init: '--init',
  precision: '--precision',
  missing: '--missing',
  backend: '--backend',
  solver: '--solver',
  optimizer: '--optimizer',
}

/** Validates and completes a configuration; the first problem becomes an InputError sentence. */
export function parseTrainConfig(input: unknown): TrainConfig {
  const result = trainConfigSchema.safeParse(input)
  if (result.success) return result.data
  const issue = result.error.issues[0]!
  const key = String(issue.path[0] ?? '')
  const setting = Object.hasOwn(settingNames, key) ? settingNames[key] : key
  const message = issue.message.charAt(0).toUpperCase() + issue.message.slice(1)
  throw new InputError(`${message}${setting ? ` (${setting})` : ''}.`, 'Change that setting and try again.')
}
