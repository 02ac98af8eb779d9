import type { ParseArgsConfig } from 'node:util'
import { optimizerModules, optimizersUsing } from '../../src-core/train/optimizers/registry'
import type { OptimizerSetting } from '../../src-core/train/optimizers/optimizer'
import { settingTexts } from '../../src-core/train/setting-text'
import { settingDescriptor, settingGroups, settingNames, type CliReaders, type CliValues, type SettingName } from '../../src-core/train/settings'
import type { TrainConfigInput } from '../../src-core/train/config'
import { choiceOption, integerOption, numberListOption, numberOption } from './options'
import { UsageError } from './usage-error'

/**
 * `slope train`'s training and data-preparation flags, generated from the settings table: the
 * parseArgs options, the reading of their values into a config, and the --help sections. A new
 * setting or optimizer appears here without an edit.
 */

type OptionSpecs = NonNullable<ParseArgsConfig['options']>

const text = settingTexts.en

export function settingOptionSpecs(): OptionSpecs {
  const specs: OptionSpecs = {}
  for (const name of settingNames) {
    const cli = settingDescriptor(name).cli
    if (cli.kind === 'composite') Object.assign(specs, cli.flags)
    else if (cli.kind === 'toggle') Object.assign(specs, { [cli.flag]: { type: 'boolean' }, [`no-${cli.flag}`]: { type: 'boolean' } })
    else specs[cli.flag] = { type: cli.kind === 'switch' || cli.kind === 'off' ? 'boolean' : 'string' }
  }
  return specs
}

const readers: CliReaders = {
  number: numberOption,
  integer: integerOption,
  choice: choiceOption,
  numberList: numberListOption,
  usage: (message) => {
    throw new UsageError(message)
  },
}

/** The settings given on the command line; the rest are left out, for parseTrainConfig's defaults. */
export function readSettingFlags(values: CliValues): TrainConfigInput {
  const input: Record<string, unknown> = {}
  for (const name of settingNames) {
    const descriptor = settingDescriptor(name)
    const cli = descriptor.cli
    let value: unknown
    switch (cli.kind) {
      case 'number':
        value = numberOption(cli.flag, values[cli.flag] as string | undefined)
        break
      case 'integer':
        value = integerOption(cli.flag, values[cli.flag] as string | undefined)
        break
      case 'choice':
        value = choiceOption(cli.flag, values[cli.flag] as string | undefined, descriptor.choices ?? [])
        break
      case 'switch':
        value = values[cli.flag] === true ? true : undefined
        break
      case 'off':
        value = values[cli.flag] === true ? false : undefined
        break
      case 'toggle':
        if (values[cli.flag] && values[`no-${cli.flag}`]) throw new UsageError(`--${cli.flag} and --no-${cli.flag} contradict each other.`)
        value = values[cli.flag] ? true : values[`no-${cli.flag}`] ? false : undefined
        break
      case 'composite':
        value = cli.read(values, readers)
        break
    }
    if (value !== undefined) input[name] = value
  }
  return input as TrainConfigInput
}

function flagsOf(name: SettingName): string {
  const descriptor = settingDescriptor(name)
  const cli = descriptor.cli
  switch (cli.kind) {
    case 'number':
    case 'integer':
      return `--${cli.flag} ${cli.value}`
    case 'choice':
      return `--${cli.flag} ${(descriptor.choices ?? []).join('|')}`
    case 'toggle':
      return `--${cli.flag} | --no-${cli.flag}`
    case 'switch':
    case 'off':
      return `--${cli.flag}`
    case 'composite':
      return cli.usage
  }
}

function formatDefault(value: unknown): string {
  if (value === null) return 'off'
  if (typeof value === 'boolean') return value ? 'on' : 'off'
  if (typeof value === 'object') return String((value as { kind?: unknown }).kind ?? JSON.stringify(value))
  return String(value)
}

function defaultNote(name: SettingName): string {
  const descriptor = settingDescriptor(name)
  const cli = descriptor.cli
  if (cli.kind === 'switch' || cli.kind === 'off') return ''
  const special = optimizerModules.filter((m) => Object.hasOwn(m.defaults, name))
  const general = name === 'batchSize' ? 'full' : formatDefault(descriptor.default)
  const others = special.map((m) => `; ${m.label} ${formatDefault((m.defaults as Record<string, unknown>)[name])}`).join('')
  return `default ${general}${others}`
}

/** "help (default 0.01)", or "help (… ; default 0.01)" when the help already ends in parentheses. */
function withDefault(help: string, note: string): string {
  if (!note) return help
  return help.endsWith(')') ? `${help.slice(0, -1)}; ${note})` : `${help} (${note})`
}

/** Help text wrapped to `width` columns, continuation lines indented under the help column. */
function helpLine(flags: string, help: string, width = 100): string {
  const column = 27
  const lead = `  ${flags}`
  const words = help.split(' ')
  const lines: string[] = []
  let line = lead.length + 1 > column ? `${lead}\n${' '.repeat(column)}` : lead.padEnd(column)
  let lineLength = line.length - line.lastIndexOf('\n') - 1
  for (const word of words) {
    if (lineLength + word.length > width && lineLength > column) {
      lines.push(line.trimEnd())
      line = ' '.repeat(column)
      lineLength = column
    }
    line += `${word} `
    lineLength += word.length + 1
  }
  lines.push(line.trimEnd())
  return lines.join('\n')
}

/** The --help sections of every setting, by group, in the settings table's order. */
export function settingsUsage(): string {
  return settingGroups
    .map((group) => {
      const lines = settingNames
        .filter((name) => settingDescriptor(name).group === group)
        .map((name) => {
          const users = group === 'optimizer' ? ` [${optimizersUsing(name as OptimizerSetting).map((m) => m.label).join(', ')}]` : ''
          const help = settingDescriptor(name).cli.kind === 'off' ? `turn off: ${text.fields[name].help}` : text.fields[name].help
          return helpLine(flagsOf(name), `${withDefault(help, defaultNote(name))}${users}`)
        })
      const heading = group === 'optimizer' ? `${text.groups[group]} (each optimizer reads the settings in brackets; as torch.optim)` : text.groups[group]
      return `${heading}\n${lines.join('\n')}`
    })
    .join('\n\n')
}
