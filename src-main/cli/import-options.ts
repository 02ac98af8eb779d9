import { optionScope, readersWithoutOptions } from '../../src-core/table/formats/registry'
import type { ImportFileOptions } from '../services/import-file'
import { choiceOption } from './options'

/** The options every command that reads a table file takes, for node:util parseArgs. */
export const importOptionSpecs = {
  sheet: { type: 'string' },
  encoding: { type: 'string' },
  delimiter: { type: 'string' },
  decimal: { type: 'string' },
} as const

const none = readersWithoutOptions().map((r) => r.label)

// Which formats take each option comes from the format registry; the texts are the options' own.
export const importOptionsUsage = `File (the format is found from the file's bytes, not its name)
  --sheet NAME             ${optionScope('sheet')}: the sheet to read, by name or number
                           from 1 (default: the first visible sheet)
  --encoding E             ${optionScope('encoding')}: utf-8, utf-16le, gb18030 (gbk),
                           windows-1252, … (default: detected)
  --delimiter D            ${optionScope('delimiter')}: , ; tab | or any one character
                           (default: sniffed)
  --decimal . | ,          ${optionScope('decimal')}: decimal separator (default: detected per file)${
  none.length ? `
                           ${none.join(' and ')} take none of these options.` : ''
}`

export function importOptionsFrom(values: { sheet?: string; encoding?: string; delimiter?: string; decimal?: string }): ImportFileOptions {
  return {
    sheet: values.sheet ?? null,
    encoding: values.encoding ?? null,
    delimiter: values.delimiter ?? null,
    decimal: choiceOption('decimal', values.decimal, ['.', ','] as const) ?? null,
  }
}
