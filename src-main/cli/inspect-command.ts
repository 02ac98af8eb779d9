import { parseArgs } from 'node:util'
import { nameNoteFixes } from '../../src-core/errors'
import { formatKinds } from '../../src-core/table/formats/registry'
import { describeImport } from '../../src-core/table/import-table'
import { serialToIso, type ColumnReport } from '../../src-core/table/table-builder'
import { importFile, type ImportedFile } from '../services/import-file'
import { flagName } from './fix-flags'
import { formatNumber } from './format'
import { importOptionSpecs, importOptionsFrom, importOptionsUsage } from './import-options'
import { formatTextTable } from './text-table'
import { UsageError } from './usage-error'

export const inspectUsage = `Usage: slope inspect FILE [--sheet NAME] [--encoding E] [--delimiter D] [--decimal . | ,] [--json]

Show what Slope reads from FILE (${formatKinds().join(', ')}):
rows, how it was read (encoding, delimiter and decimal separator; sheets; row groups), and per
column its type (number, text, date, empty), missing and non-numeric cells (with the first one's
row), and min, max, mean, std.

${importOptionsUsage}

Output
  --json                   one JSON document instead of the table
`

export async function inspectCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...importOptionSpecs, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  })
  if (values.help) {
    process.stdout.write(inspectUsage)
    return 0
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'slope inspect needs a FILE.' : `slope inspect takes one FILE, got ${positionals.length}.`)
  const started = performance.now()
  const file = await importFile(positionals[0]!, importOptionsFrom(values))
  const ms = performance.now() - started
  process.stdout.write(values.json ? `${JSON.stringify(inspectDocument(file, ms))}\n` : inspectText(file))
  return 0
}

const finite = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : null)

/** The `--json` document: stable field names in snake_case, as `slope train --json`. */
export function inspectDocument(file: ImportedFile, ms: number) {
  return {
    file: file.fileName,
    format: file.format,
    rows: file.rows,
    encoding: file.encoding,
    encoding_source: file.encodingSource,
    delimiter: file.delimiter,
    decimal: file.decimal,
    sheet: file.sheet,
    sheets: file.sheets,
    header_row: file.headerRow,
    details: file.details,
    notes: file.notes.map((note) => nameNoteFixes(note, flagName)),
    columns: file.columns.map((c) => ({
      name: c.name,
      type: c.type,
      missing: c.missing,
      non_numeric: c.type === 'number' || c.type === 'date' ? c.nonNumeric : null,
      first_non_numeric: c.firstNonNumeric ? { row: c.firstNonNumeric.row, column: c.name, text: c.firstNonNumeric.text } : null,
      min: finite(c.stats?.min),
      max: finite(c.stats?.max),
      mean: finite(c.stats?.mean),
      std: finite(c.stats?.std),
      ...(c.type === 'date' && c.stats && c.stats.count > 0 ? { min_date: serialToIso(c.stats.min), max_date: serialToIso(c.stats.max) } : {}),
      distinct: c.distinct,
      renamed_from: c.renamedFrom,
    })),
    timing: { import_ms: Math.round(ms * 1000) / 1000, fast_path: file.fastPath },
  }
}

function inspectText(file: ImportedFile): string {
  const lines: string[] = []
  // Each format says how it was read (encoding and delimiter, sheets, row groups).
  const described = describeImport(file)
  lines.push(`${file.fileName}: ${described.kind}, ${file.rows.toLocaleString('en-US')} rows, ${file.columns.length} columns`)
  lines.push(...described.lines)
  for (const note of file.notes) lines.push(`note: ${nameNoteFixes(note, flagName)}`)
  lines.push('')
  const header = ['column', 'type', 'missing', 'non-numeric', 'min', 'max', 'mean', 'std', 'first non-numeric']
  const rows = file.columns.map((c) => columnRow(c))
  lines.push(formatTextTable([header, ...rows], [false, false, true, true, true, true, true, true, false]))
  return `${lines.join('\n')}\n`
}

function columnRow(c: ColumnReport): string[] {
  const s = c.stats
  const value = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? '' : c.type === 'date' ? serialToIso(x) : formatNumber(x))
  const typed = c.type === 'number' || c.type === 'date'
  const type = c.type === 'text' ? `text (${c.distinct === null ? 'many' : c.distinct} distinct)` : c.type
  return [
    c.name,
    type,
    c.missing.toLocaleString('en-US'),
    typed ? c.nonNumeric.toLocaleString('en-US') : '',
    typed ? value(s?.min) : '',
    typed ? value(s?.max) : '',
    c.type === 'number' ? value(s?.mean) : '',
    c.type === 'number' ? value(s?.std) : '',
    c.firstNonNumeric ? `row ${c.firstNonNumeric.row.toLocaleString('en-US')}: "${clip(c.firstNonNumeric.text)}"` : '',
  ]
}

function clip(s: string): string {
  return s.length > 30 ? `${s.slice(0, 30)}…` : s
}
