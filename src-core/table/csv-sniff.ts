import Papa from 'papaparse'
import { InputError } from '../errors'
import type { DecimalSeparator } from './cell-value'

export const DELIMITERS = [',', '\t', ';', '|'] as const

/** Names people can type for a delimiter (`--delimiter tab`). */
const DELIMITER_NAMES = new Map<string, string>([
  ['tab', '\t'],
  ['\\t', '\t'],
  ['comma', ','],
  ['semicolon', ';'],
  ['pipe', '|'],
  ['space', ' '],
])

export function normalizeDelimiter(raw: string): string {
  const d = DELIMITER_NAMES.get(raw.toLowerCase()) ?? raw
  if ([...d].length !== 1 || d === '"' || d === '\n' || d === '\r') {
    throw new InputError(`The delimiter must be one character (or tab, comma, semicolon, pipe, space); got "${raw}".`, 'For example {0} or {1}.', {}, [{ setting: 'delimiter', value: '";"' }, { setting: 'delimiter', value: 'tab' }])
  }
  return d
}

/** How a delimiter is shown in reports: tab is invisible. */
export function delimiterName(d: string): string {
  return d === '\t' ? 'tab' : d === ' ' ? 'space' : d
}

/**
 * The delimiter of a text table, from its first rows. papaparse tries each candidate and keeps
 * the one that splits the rows into the same number (> 1) of fields; blank lines are skipped for
 * the guess because its guesser counts them against every candidate.
 */
export function sniffDelimiter(sampleText: string): string {
  const guess = Papa.parse<string[]>(sampleText, { preview: 100, skipEmptyLines: 'greedy', delimitersToGuess: [...DELIMITERS] })
  return guess.meta.delimiter
}

const DOT_DECIMAL = /^[+-]?\d*\.\d+$/ // 2.5
const COMMA_DECIMAL = /^[+-]?\d*,\d+$/ // 2,5 (or 1,234 — ambiguous when three digits follow)
const DOT_GROUPS_COMMA_DECIMAL = /^[+-]?\d{1,3}(?:\.\d{3})+,\d*$/ // 1.234,5
const COMMA_GROUPS_DOT_DECIMAL = /^[+-]?\d{1,3}(?:,\d{3})+\.\d*$/ // 1,234.5
const THREE_AFTER = /^[+-]?\d{1,3}[.,]\d{3}$/ // 1.234 / 1,234: could be grouping or decimals

/**
 * Decimal separator of a file, from the cells of its first rows. A comma-delimited file uses
 * '.', necessarily. Otherwise each cell votes: "2,5" and "1.234,5" for ',', "2.5" and
 * "1,234.5" for '.'; "1.234" and "1,234" are ambiguous and do not vote. Ties go to ',' in a
 * ';'-delimited file (that is why Excel switches to ';' in decimal-comma locales), else '.'.
 */
export function sniffDecimal(records: readonly (readonly string[])[], delimiter: string): DecimalSeparator {
  if (delimiter === ',') return '.'
  let comma = 0
  let dot = 0
  for (const record of records) {
    for (const raw of record) {
      const cell = raw.trim()
      if (cell.length === 0 || cell.length > 40) continue
      if (THREE_AFTER.test(cell)) continue
      if (COMMA_DECIMAL.test(cell) || DOT_GROUPS_COMMA_DECIMAL.test(cell)) comma++
      else if (DOT_DECIMAL.test(cell) || COMMA_GROUPS_DOT_DECIMAL.test(cell)) dot++
    }
  }
  if (comma !== dot) return comma > dot ? ',' : '.'
  return delimiter === ';' ? ',' : '.'
}
