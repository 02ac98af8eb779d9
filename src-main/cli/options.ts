import { parseCell } from '../../src-core/table/parse-number'
import { UsageError } from './usage-error'

/** Typed readers for option values: a wrong value is a UsageError naming the option. */
export function numberOption(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined
  const cell = parseCell(raw)
  if (cell.kind !== 'number') throw new UsageError(`--${name} needs a number, got "${raw}".`)
  return cell.value
}

export function integerOption(name: string, raw: string | undefined): number | undefined {
  const v = numberOption(name, raw)
  if (v !== undefined && !Number.isInteger(v)) throw new UsageError(`--${name} needs a whole number, got "${raw}".`)
  return v
}

export function choiceOption<T extends string>(name: string, raw: string | undefined, choices: readonly T[]): T | undefined {
  if (raw === undefined) return undefined
  if (!(choices as readonly string[]).includes(raw)) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}; got "${raw}".`)
  }
  return raw as T
}

export function numberListOption(name: string, raw: string | undefined): number[] | undefined {
  if (raw === undefined) return undefined
  return raw.split(',').map((part) => numberOption(name, part.trim())!)
}
