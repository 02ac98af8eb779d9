import * as z from 'zod'
import { InputError } from '../errors'
import type { OptimizerSetting } from './optimizers/optimizer'
import { optimizerModule, optimizersUsing, type OptimizerName } from './optimizers/registry'
import { settingTexts } from './setting-text'
import { earlyStoppingSchema, initSchema, scheduleSchema, settingNames, settings, type SettingName, type Settings } from './settings'

export { MAX_EPOCHS, scheduleSchema, initSchema } from './settings'

/**
 * Everything that determines a run. One schema serves the CLI, the IPC boundary and the model
 * file, so a setting cannot be valid in one place and rejected in another. It is built from the
 * settings table (settings.ts); defaults follow the tutorial (plain SGD, full batch) and
 * torch.optim's own defaults, per optimizer where they differ (AdamW's weight decay, Adagrad's ε).
 */

type Shape = { [K in SettingName]: z.ZodOptional<Settings[K]['schema']> }

/**
 * Each setting optional: a missing one gets its default, the chosen optimizer's where it has one.
 * Built for the settings an input names, in the table's order (so its first issue is the one the whole
 * table's object would report first): a setting's schema is constructed when first checked, and
 * `slope train --lr 0.01` need not build the other 26 at start (issue #16).
 */
type PartialSchema = z.ZodObject<Shape, z.core.$strip>
const partialSchemas = new Map<string, PartialSchema>()
function partialSchemaFor(input: unknown): PartialSchema {
  const given = typeof input === 'object' && input !== null ? settingNames.filter((name) => (input as Record<string, unknown>)[name] !== undefined) : []
  const key = given.join(' ')
  let schema = partialSchemas.get(key)
  if (!schema) {
    schema = z.object(Object.fromEntries(given.map((name) => [name, settings[name].schema.optional()])) as unknown as Shape)
    partialSchemas.set(key, schema)
  }
  return schema
}

export type TrainConfig = { [K in SettingName]: z.output<Settings[K]['schema']> }
export type TrainConfigInput = z.input<PartialSchema>
export type Schedule = z.output<typeof scheduleSchema>
export type InitConfig = z.output<typeof initSchema>
export type EarlyStopping = NonNullable<z.output<typeof earlyStoppingSchema>>

/** Documented, complete config schema (every field present), for the model file's JSON Schema; built on first use. */
export const trainConfigSchema = z.lazy(() => z.object(Object.fromEntries(settingNames.map((name) => [name, settings[name].schema])) as unknown as { [K in SettingName]: Settings[K]['schema'] }))

/**
 * `training.config` of the model file, documented field by field from the settings' texts. Every field
 * is optional for reading: files written before a setting existed (e.g. RMSprop's α) stay valid.
 */
export const documentedConfigSchema = z.lazy(() =>
  z
    .object(
      Object.fromEntries(
        settingNames.map((name) => {
          const text = settingTexts.en.fields[name]
          const owners = settings[name].group === 'optimizer' ? ` Read by: ${optimizersUsing(name as OptimizerSetting).map((m) => m.torchClass).join(', ')}.` : ''
          return [name, settings[name].schema.optional().describe(`${text.label}: ${text.help}.${owners}`)]
        }),
      ),
    )
    .describe('Every setting of the run (Slope’s TrainConfig, the same names as the app and `slope train --json`).'),
)

function defaultOf<K extends SettingName>(name: K, optimizer: OptimizerName): TrainConfig[K] {
  const own = optimizerModule(optimizer).defaults as Partial<TrainConfig>
  const value = Object.hasOwn(own, name) ? own[name] : settings[name].default
  // Defaults are shared objects: a copy, so that editing one config never edits another.
  return (typeof value === 'object' && value !== null ? structuredClone(value) : value) as TrainConfig[K]
}

/** The rules that tie settings together (torch.optim's own checks, and what early stopping watches). */
function crossCheck(c: TrainConfig): { setting: SettingName; message: string } | null {
  if (c.nesterov && c.optimizer === 'sgd' && (c.momentum <= 0 || c.dampening !== 0)) {
    return { setting: 'nesterov', message: 'Nesterov momentum needs a momentum above 0 and dampening 0 (as in torch.optim.SGD)' }
  }
  if (c.earlyStopping && c.validationFraction === 0) {
    return { setting: 'earlyStopping', message: 'early stopping watches the validation loss, so it needs a validation split' }
  }
  return null
}

function sentence(message: string): string {
  return `${message.charAt(0).toUpperCase()}${message.slice(1)}.`
}

/**
 * Validates and completes a configuration; the first problem becomes an InputError whose `where.setting`
 * names the setting, so the CLI can add its flag and the app its control's label.
 */
export function parseTrainConfig(input: unknown): TrainConfig {
  const result = partialSchemaFor(input ?? {}).safeParse(input ?? {})
  if (!result.success) {
    const issue = result.error.issues[0]!
    const key = String(issue.path[0] ?? '')
    const setting = Object.hasOwn(settings, key) ? (key as SettingName) : undefined
    throw new InputError(sentence(issue.message), 'Change that setting and try again.', { setting })
  }
  const given = result.data as Partial<TrainConfig>
  const optimizer = given.optimizer ?? settings.optimizer.default
  const config = Object.fromEntries(settingNames.map((name) => [name, given[name] === undefined ? defaultOf(name, optimizer) : given[name]])) as TrainConfig
  const problem = crossCheck(config)
  if (problem) throw new InputError(sentence(problem.message), 'Change that setting and try again.', { setting: problem.setting })
  return config
}

/** The complete default config. */
export function defaultTrainConfig(): TrainConfig {
  return parseTrainConfig({})
}

/**
 * The config with another optimizer: its hyperparameters take the new optimizer's defaults, except
 * those both optimizers read where the value was changed from the old one's default (a momentum of
 * 0.9 stays 0.9 from SGD to RMSprop). Settings other optimizers read are left as they are. Used by
 * the Train tab's optimizer choice and by sweeps over optimizers, so both behave the same.
 */
export function switchOptimizer(config: TrainConfig, to: OptimizerName): TrainConfig {
  if (config.optimizer === to) return config
  const from = optimizerModule(config.optimizer)
  const next: TrainConfig = { ...config, optimizer: to }
  for (const name of optimizerModule(to).settings) {
    const changed = from.settings.includes(name) && config[name] !== defaultOf(name, from.name)
    if (!changed) (next as Record<SettingName, unknown>)[name] = defaultOf(name, to)
  }
  return next
}

/** The settings a run actually uses: the optimizer's own hyperparameters only, none for least squares. */
export function settingsInEffect(config: Pick<TrainConfig, 'solver' | 'optimizer'>): SettingName[] {
  const inference = (name: SettingName) => name === 'covariance' || name === 'ciLevel' // the exact fit's only
  if (config.solver === 'lstsq') return settingNames.filter((name) => settings[name].group === 'data' || name === 'solver' || inference(name))
  const used = new Set<SettingName>(optimizerModule(config.optimizer).settings)
  return settingNames.filter((name) => (settings[name].group !== 'optimizer' || used.has(name)) && !inference(name))
}
