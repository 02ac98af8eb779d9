import type { ImportFileOptions } from '../services/import-file'
import { choiceOption } from './options'

/** The options every command that reads a table file takes, for node:util parseArgs. */
export const importOptionSpecs = {
  sheet: { type: 'string' },
  encoding: { type: 'string' },
  delimiter: { type: 'string' },
  decimal: { type: 'string' },
} as const

export const importOptionsUsage = `File
  --sheet NAME             workbooks (XLSX, XLS, ODS): the sheet to read, by name or number
                           from 1 (default: the first visible sheet)
  --encoding E             text files: utf-8, utf-16le, gb18030 (gbk), windows-1252, …
                           (default: detected)
  --delimiter D            text files: , ; tab | or any one character (default: sniffed)
  --decimal . | ,          text files: decimal separator (default: detected per file)`

export function importOptionsFrom(values: { sheet?: string; encoding?: string; delimiter?: string; decimal?: string }): ImportFileOptions {
  return {
    sheet: values.sheet ?? null,
    encoding: values.encoding ?? null,
    delimiter: values.delimiter ?? null,
    decimal: choiceOption('decimal', values.decimal, ['.', ','] as const) ?? null,
  }
}
