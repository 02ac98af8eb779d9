import { settingsInEffect, type TrainConfig } from '../../../src-core/train/config'
import { optimizerModule, type OptimizerName } from '../../../src-core/train/optimizers/registry'
import { settingDescriptor, settings, type SettingName } from '../../../src-core/train/settings'
import { flattenConfig, type FlatRecord } from './config-diff'

/**
 * The settings table's words for a run's config, for the comparison: which settings the run used
 * (an SGD run has no β₁; a least-squares run no learning rate), their labels ("Schedule: γ") and
 * the names of their values ("Drop those rows", "RMSprop").
 */
type Translate = (key: string) => string

function isSetting(name: string): name is SettingName {
  return Object.hasOwn(settings, name)
}

/** The settings in effect, flattened to one entry per leaf ("schedule.gamma"), in the table's order. */
export function configRecord(config: TrainConfig): FlatRecord {
  const used = Object.fromEntries(settingsInEffect(config).map((name) => [name, config[name]]))
  return flattenConfig(used)
}

/** "Learning rate", "Schedule" for schedule.kind, "Schedule: γ" for schedule.gamma; null for a path that is no setting. */
export function settingPathLabel(path: string, t: Translate): string | null {
  const [name, part] = path.split('.') as [string, string | undefined]
  if (!isSetting(name)) return null
  const label = t(`settings.fields.${name}.label`)
  return part === undefined || part === 'kind' ? label : `${label}: ${t(`settings.fields.${name}.parts.${part}`)}`
}

export function settingPathHelp(path: string, t: Translate): string | null {
  const name = path.split('.')[0]!
  return isSetting(name) ? t(`settings.fields.${name}.help`) : null
}

/** The display name of an enum value (a choice or a composite's kind); null where the value is shown as it is. */
export function settingValueName(path: string, value: unknown, t: Translate): string | null {
  if (typeof value !== 'string') return null
  const [name, part] = path.split('.') as [string, string | undefined]
  if (!isSetting(name)) return null
  if (name === 'optimizer') return optimizerModule(value as OptimizerName).label
  if (part === undefined && settingDescriptor(name).choices) return t(`settings.fields.${name}.choices.${value}`)
  if (part === 'kind') return t(`settings.fields.${name}.choices.${value}`)
  return null
}
