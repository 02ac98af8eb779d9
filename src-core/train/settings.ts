import * as z from 'zod'
import type { OptimizerHyperparameters } from './optimizers/optimizer'
import { optimizerNames } from './optimizers/registry'
import { covarianceTypes } from '../model/covariance-type'

/**
 * Every training and data-preparation setting, declared once: its schema (with the sentences a
 * wrong value gets), its default, its group, its CLI flag and how the app edits it. The config
 * schema (config.ts), `slope train`'s parser and --help, the Train and Data tabs' fields, the
 * comparison's settings table and the model file's documentation of `training.config` are derived
 * from this table. Labels and help texts are in setting-text.ts, keyed by the same names.
 */

const finite = (what: string) => z.number({ error: `${what} must be a number` }).refine(Number.isFinite, `${what} must be a finite number`)
const positive = (what: string) => finite(what).refine((v) => v > 0, `${what} must be greater than 0`)
const nonNegative = (what: string) => finite(what).refine((v) => v >= 0, `${what} must be 0 or more`)
const unitInterval = (what: string) => finite(what).refine((v) => v >= 0 && v < 1, `${what} must be at least 0 and below 1`)
/**
 * An integer with thousands separators, as `toLocaleString('en-US')` writes it, without ICU: its
 * first use costs 25–40 ms, and these sentences are built whenever the settings load (`slope train`).
 */
const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+$)/g, ',')
const count = (what: string, max: number) =>
  z
    .number({ error: `${what} must be a whole number` })
    .int(`${what} must be a whole number`)
    .min(1, `${what} must be at least 1`)
    .max(max, `${what} must be at most ${grouped(max)}`)
const choice = <T extends readonly [string, ...string[]]>(what: string, values: T) =>
  z.enum(values, { error: `${what} must be ${values.map((v) => `"${v}"`).join(', ').replace(/, ([^,]*)$/, ' or $1')}` })

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

/** The kinds of schedule and of initial parameters, in display order, read from their schemas. */
export const scheduleKinds = scheduleSchema.options.map((o) => o.shape.kind.value)
export const initKinds = initSchema.options.map((o) => o.shape.kind.value)

export const earlyStoppingSchema = z
  .object({
    patience: count('patience', MAX_EPOCHS),
    minDelta: nonNegative('min_delta').default(0),
    restoreBest: z.boolean().default(true),
  })
  .nullable()

export type SettingGroup = 'data' | 'solver' | 'optimizer' | 'schedule' | 'start' | 'compute'

/** The order of the CLI's --help sections and of the settings table. */
export const settingGroups: readonly SettingGroup[] = ['data', 'solver', 'optimizer', 'schedule', 'start', 'compute']

/**
 * How `slope train` reads a setting. Simple kinds are parsed by the CLI's typed option readers;
 * `composite` settings (a schedule, early stopping, initial parameters) own several flags and say how
 * they combine. `usage` is the flag part of a --help line; the help text follows it.
 */
export type CliSpec =
  | { kind: 'number' | 'integer'; flag: string; value: string }
  | { kind: 'choice'; flag: string }
  /** `--flag` sets true. */
  | { kind: 'switch'; flag: string }
  /** `--flag` sets false (`--no-intercept`). */
  | { kind: 'off'; flag: string }
  /** `--flag` / `--no-flag`. */
  | { kind: 'toggle'; flag: string }
  | { kind: 'composite'; flags: Record<string, { type: 'string' | 'boolean' }>; usage: string; read(values: CliValues, read: CliReaders): unknown }

export type CliValues = Record<string, string | boolean | undefined>

/** The CLI's typed readers, passed in so that their errors stay the CLI's (usage errors, exit 2). */
export interface CliReaders {
  number(flag: string, raw: string | undefined): number | undefined
  integer(flag: string, raw: string | undefined): number | undefined
  choice<T extends string>(flag: string, raw: string | undefined, choices: readonly T[]): T | undefined
  numberList(flag: string, raw: string | undefined): number[] | undefined
  /** Wrong usage of a composite flag: the sentence, thrown as the CLI's usage error. */
  usage(message: string): never
}

/** How the app edits a setting; `custom` ones have their own component (learning-rate slider, schedule…). */
export type UiSpec =
  | { control: 'number'; min?: number; max?: number; step: number; testId?: string }
  | { control: 'checkbox'; testId?: string }
  | { control: 'select'; testId?: string }
  | { control: 'custom' }

export interface SettingDescriptor<S extends z.ZodType = z.ZodType> {
  schema: S
  /** The general default; an optimizer module may declare its own (Adagrad's ε). */
  default: z.output<S>
  group: SettingGroup
  cli: CliSpec
  ui: UiSpec
  /** Choices of an enum setting, in display order. */
  choices?: readonly string[]
}

/**
 * A setting's schema is written as a function and built when first read: constructing all of them
 * costs ~10 ms, and a run's settings are checked by the schemas of those it names (config.ts), so
 * `slope train --lr 0.01` builds one (issue #16). Built once, then the same schema every time.
 */
const setting = <S extends z.ZodType>(d: Omit<SettingDescriptor<S>, 'schema'> & { schema: () => S }): SettingDescriptor<S> => {
  const build = d.schema
  let built: S | undefined
  return Object.defineProperty({ ...d }, 'schema', { get: () => (built ??= build()), enumerable: true, configurable: true }) as unknown as SettingDescriptor<S>
}

const solvers = ['gd', 'lstsq'] as const
const precisions = ['f64', 'f32'] as const
const missingPolicies = ['error', 'drop', 'mean'] as const
const backends = ['cpu', 'webgl'] as const

export const settings = {
  // ---- data preparation (Data tab) ----
  missing: setting({
    schema: () => choice('the missing-value policy', missingPolicies),
    default: 'error',
    group: 'data',
    cli: { kind: 'choice', flag: 'missing' },
    ui: { control: 'select', testId: 'missing-policy' },
    choices: missingPolicies,
  }),
  validationFraction: setting({
    schema: () => finite('the validation fraction').refine((v) => v >= 0 && v < 1, 'the validation fraction must be at least 0 and below 1'),
    default: 0,
    group: 'data',
    cli: { kind: 'number', flag: 'validation', value: 'FRACTION' },
    ui: { control: 'custom' },
  }),
  standardize: setting({
    schema: () => z.boolean({ error: 'standardize must be true or false' }),
    default: true,
    group: 'data',
    cli: { kind: 'toggle', flag: 'standardize' },
    ui: { control: 'checkbox', testId: 'standardize' },
  }),
  intercept: setting({
    schema: () => z.boolean({ error: 'intercept must be true or false' }),
    default: true,
    group: 'data',
    cli: { kind: 'off', flag: 'no-intercept' },
    ui: { control: 'checkbox', testId: 'intercept' },
  }),
  // ---- solver (Train tab) ----
  solver: setting({
    schema: () => choice('solver', solvers),
    default: 'gd',
    group: 'solver',
    cli: { kind: 'choice', flag: 'solver' },
    ui: { control: 'select', testId: 'solver' },
    choices: solvers,
  }),
  optimizer: setting({
    schema: () => choice('optimizer', optimizerNames),
    default: 'sgd',
    group: 'solver',
    cli: { kind: 'choice', flag: 'optimizer' },
    ui: { control: 'select', testId: 'optimizer' },
    choices: optimizerNames,
  }),
  learningRate: setting({
    schema: () => positive('the learning rate'),
    default: 0.01,
    group: 'solver',
    cli: { kind: 'number', flag: 'lr', value: 'RATE' },
    ui: { control: 'custom' },
  }),
  epochs: setting({
    schema: () => count('epochs', MAX_EPOCHS),
    default: 100,
    group: 'solver',
    cli: { kind: 'integer', flag: 'epochs', value: 'N' },
    ui: { control: 'number', min: 1, step: 1, testId: 'epochs' },
  }),
  /** Rows per mini-batch; null = full batch. */
  batchSize: setting({
    schema: () => count('the batch size', 2 ** 31).nullable(),
    default: null,
    group: 'solver',
    cli: {
      kind: 'composite',
      flags: { 'batch-size': { type: 'string' } },
      usage: '--batch-size N|full',
      read: (v, read) => (v['batch-size'] === undefined ? undefined : v['batch-size'] === 'full' ? null : read.integer('batch-size', v['batch-size'] as string)),
    },
    ui: { control: 'custom' },
  }),
  /** The exact fit's inference (model/regression-report.ts); gradient descent has none. */
  covariance: setting({
    schema: () => choice('the covariance estimator', covarianceTypes),
    default: 'nonrobust',
    group: 'solver',
    cli: { kind: 'choice', flag: 'cov' },
    ui: { control: 'select', testId: 'covariance' },
    choices: covarianceTypes,
  }),
  ciLevel: setting({
    schema: () => finite('the confidence level').refine((v) => v > 0 && v < 1, 'the confidence level must be above 0 and below 1'),
    default: 0.95,
    group: 'solver',
    cli: { kind: 'number', flag: 'ci-level', value: 'LEVEL' },
    ui: { control: 'number', min: 0.5, max: 0.999, step: 0.01, testId: 'ci-level' },
  }),
  // ---- optimizer hyperparameters (which optimizer reads which: optimizers/registry.ts) ----
  momentum: setting({
    schema: () => unitInterval('momentum'),
    default: 0,
    group: 'optimizer',
    cli: { kind: 'number', flag: 'momentum', value: 'M' },
    ui: { control: 'number', min: 0, max: 0.999, step: 0.05, testId: 'momentum' },
  }),
  dampening: setting({
    schema: () => finite('dampening').refine((v) => v >= 0 && v <= 1, 'dampening must be between 0 and 1'),
    default: 0,
    group: 'optimizer',
    cli: { kind: 'number', flag: 'dampening', value: 'D' },
    ui: { control: 'number', min: 0, max: 1, step: 0.05, testId: 'dampening' },
  }),
  nesterov: setting({
    schema: () => z.boolean({ error: 'nesterov must be true or false' }),
    default: false,
    group: 'optimizer',
    cli: { kind: 'switch', flag: 'nesterov' },
    ui: { control: 'checkbox', testId: 'nesterov' },
  }),
  beta1: setting({
    schema: () => unitInterval('beta1'),
    default: 0.9,
    group: 'optimizer',
    cli: { kind: 'number', flag: 'beta1', value: 'B' },
    ui: { control: 'number', min: 0, max: 0.999, step: 0.01, testId: 'beta1' },
  }),
  beta2: setting({
    schema: () => unitInterval('beta2'),
    default: 0.999,
    group: 'optimizer',
    cli: { kind: 'number', flag: 'beta2', value: 'B' },
    ui: { control: 'number', min: 0, max: 0.9999, step: 0.001, testId: 'beta2' },
  }),
  alpha: setting({
    schema: () => unitInterval('alpha'),
    default: 0.99,
    group: 'optimizer',
    cli: { kind: 'number', flag: 'alpha', value: 'A' },
    ui: { control: 'number', min: 0, max: 0.9999, step: 0.01, testId: 'alpha' },
  }),
  eps: setting({
    schema: () => positive('eps'),
    default: 1e-8,
    group: 'optimizer',
    cli: { kind: 'number', flag: 'eps', value: 'E' },
    ui: { control: 'number', min: 0, step: 1e-8, testId: 'eps' },
  }),
  centered: setting({
    schema: () => z.boolean({ error: 'centered must be true or false' }),
    default: false,
    group: 'optimizer',
    cli: { kind: 'switch', flag: 'centered' },
    ui: { control: 'checkbox', testId: 'centered' },
  }),
  amsgrad: setting({
    schema: () => z.boolean({ error: 'amsgrad must be true or false' }),
    default: false,
    group: 'optimizer',
    cli: { kind: 'switch', flag: 'amsgrad' },
    ui: { control: 'checkbox', testId: 'amsgrad' },
  }),
  lrDecay: setting({
    schema: () => nonNegative('the learning-rate decay'),
    default: 0,
    group: 'optimizer',
    cli: { kind: 'number', flag: 'lr-decay', value: 'D' },
    ui: { control: 'number', min: 0, step: 0.001, testId: 'lr-decay' },
  }),
  initialAccumulator: setting({
    schema: () => nonNegative('the initial accumulator value'),
    default: 0,
    group: 'optimizer',
    cli: { kind: 'number', flag: 'initial-accumulator', value: 'V' },
    ui: { control: 'number', min: 0, step: 0.1, testId: 'initial-accumulator' },
  }),
  weightDecay: setting({
    schema: () => nonNegative('weight decay'),
    default: 0,
    group: 'optimizer',
    cli: { kind: 'number', flag: 'weight-decay', value: 'L' },
    ui: { control: 'number', min: 0, step: 0.001, testId: 'weight-decay' },
  }),
  // ---- schedule and stopping ----
  schedule: setting({
    schema: () => scheduleSchema,
    default: { kind: 'constant' },
    group: 'schedule',
    cli: {
      kind: 'composite',
      flags: { schedule: { type: 'string' } },
      usage: '--schedule constant | step:SIZE:GAMMA | exponential:GAMMA | cosine[:T_MAX[:ETA_MIN]]',
      read: (v, read) => (v.schedule === undefined ? undefined : parseSchedule(v.schedule as string, read)),
    },
    ui: { control: 'custom' },
  }),
  earlyStopping: setting({
    schema: () => earlyStoppingSchema,
    default: null,
    group: 'schedule',
    cli: {
      kind: 'composite',
      flags: { 'early-stopping': { type: 'string' }, 'min-delta': { type: 'string' }, 'no-restore-best': { type: 'boolean' } },
      usage: '--early-stopping PATIENCE [--min-delta D] [--no-restore-best]',
      read: (v, read) => {
        const patience = read.integer('early-stopping', v['early-stopping'] as string | undefined)
        if (patience === undefined) {
          if (v['min-delta'] !== undefined || v['no-restore-best']) read.usage('--min-delta and --no-restore-best go with --early-stopping PATIENCE.')
          return undefined
        }
        return { patience, minDelta: read.number('min-delta', v['min-delta'] as string | undefined), restoreBest: !v['no-restore-best'] }
      },
    },
    ui: { control: 'custom' },
  }),
  // ---- where the run starts ----
  seed: setting({
    schema: () => z.number({ error: 'the seed must be a whole number' }).int('the seed must be a whole number').min(0, 'the seed must be 0 or more').max(Number.MAX_SAFE_INTEGER),
    default: 0,
    group: 'start',
    cli: { kind: 'integer', flag: 'seed', value: 'N' },
    ui: { control: 'number', min: 0, step: 1, testId: 'seed' },
  }),
  init: setting({
    schema: () => initSchema,
    default: { kind: 'zeros' },
    group: 'start',
    cli: {
      kind: 'composite',
      flags: { init: { type: 'string' }, 'init-weights': { type: 'string' }, 'init-bias': { type: 'string' } },
      usage: '--init zeros|random | --init-weights v1,v2,… [--init-bias v]',
      read: (v, read) => {
        const weights = read.numberList('init-weights', v['init-weights'] as string | undefined)
        const bias = read.number('init-bias', v['init-bias'] as string | undefined)
        if (weights !== undefined || bias !== undefined) {
          if (v.init !== undefined && v.init !== 'explicit') read.usage('--init-weights/--init-bias give the initial parameters: leave out --init.')
          return { kind: 'explicit', weights: weights ?? [], bias }
        }
        return v.init === undefined ? undefined : { kind: read.choice('init', v.init as string, ['zeros', 'random'] as const)! }
      },
    },
    ui: { control: 'custom' },
  }),
  // ---- compute ----
  precision: setting({
    schema: () => choice('precision', precisions),
    default: 'f64',
    group: 'compute',
    cli: { kind: 'choice', flag: 'precision' },
    ui: { control: 'select', testId: 'precision' },
    choices: precisions,
  }),
  backend: setting({
    schema: () => choice('backend', backends),
    default: 'cpu',
    group: 'compute',
    cli: { kind: 'choice', flag: 'backend' },
    ui: { control: 'custom' },
    choices: backends,
  }),
}

export type Settings = typeof settings
export type SettingName = keyof Settings
export const settingNames = Object.keys(settings) as SettingName[]

/** The hyperparameters optimizer modules read are settings of the same types; the compiler keeps the two in step. */
type SettingValues = { [K in SettingName]: z.output<Settings[K]['schema']> }
export const optimizerSettingsAreSettings: SettingValues extends OptimizerHyperparameters ? true : never = true

export function settingDescriptor(name: SettingName): SettingDescriptor {
  return settings[name] as SettingDescriptor
}

/** The CLI flag that sets a setting, for messages: "--lr", "--early-stopping". */
export function settingFlag(name: SettingName): string {
  const cli = settingDescriptor(name).cli
  return `--${cli.kind === 'composite' ? Object.keys(cli.flags)[0]! : cli.flag}`
}

function parseSchedule(raw: string, read: CliReaders): unknown {
  const [kind, ...args] = raw.split(':')
  const num = (i: number, what: string) => read.number(`schedule (${what})`, args[i])
  switch (kind) {
    case 'constant':
      return { kind: 'constant' }
    case 'step':
      if (args.length !== 2) read.usage('--schedule step needs step:SIZE:GAMMA, e.g. step:30:0.1.')
      return { kind: 'step', stepSize: num(0, 'SIZE'), gamma: num(1, 'GAMMA') }
    case 'exponential':
      if (args.length !== 1) read.usage('--schedule exponential needs exponential:GAMMA, e.g. exponential:0.95.')
      return { kind: 'exponential', gamma: num(0, 'GAMMA') }
    case 'cosine':
      if (args.length > 2) read.usage('--schedule cosine takes at most cosine:T_MAX:ETA_MIN.')
      return { kind: 'cosine', tMax: num(0, 'T_MAX'), etaMin: num(1, 'ETA_MIN') ?? 0 }
    default:
      return read.usage(`--schedule must be constant, step:SIZE:GAMMA, exponential:GAMMA or cosine[:T_MAX[:ETA_MIN]]; got "${raw}".`)
  }
}
