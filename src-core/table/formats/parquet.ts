import type { AsyncBuffer, ColumnData, FileMetaData, ParquetParsers, SchemaElement, SchemaTree } from 'hyparquet'
import { InputError } from '../../errors'
import type { ByteSource } from '../byte-source'
import { EXCEL_EPOCH_TO_UNIX_DAYS } from '../cell-value'
import { formatBytes } from '../import-limits'
import { fieldTooLong, finishTypedColumns, TypedColumn, type TypedColumnKind } from '../typed-columns'
import type { FileFacts, FormatReader, FormatReadRequest } from './format-reader'
import { NOT_TEXT } from './format-reader'

/** "PAR1": the first and the last four bytes of every (unencrypted) Parquet file. */
const MAGIC = [0x50, 0x41, 0x52, 0x31]

/**
 * The codecs read: hyparquet's own (none, Snappy) and ZSTD through fzstd — Polars' default, pure
 * JavaScript, so it runs in the app's import worker under a CSP without 'wasm-unsafe-eval'. GZIP,
 * Brotli and LZ4 files are refused with how to rewrite them.
 */
const CODECS_READ = new Set(['UNCOMPRESSED', 'SNAPPY', 'ZSTD'])

const MS_PER_DAY = 86_400_000
/** Rows are numbered as in a CSV export of the file: the column names are row 1, the first record row 2. */
const FIRST_DATA_ROW = 2
const TWO_POW_53 = 2n ** 53n

/**
 * Parquet through hyparquet (pure JavaScript, so the CLI and the app's parse worker run the same
 * code). The file is read by position: the footer first, then one row group at a time, each
 * column's values copied from hyparquet's column chunks straight into typed columns — no row
 * objects. The schema decides each column's type; nothing is guessed from the values.
 */
export const parquet: FormatReader<'parquet'> = {
  id: 'parquet',
  formats: ['parquet'],
  label: 'Parquet files',
  kinds: ['Parquet'],
  extensions: ['.parquet', '.pq'],
  options: [],
  detect: (head) => (startsWithMagic(head, 0) ? 'parquet' : null),
  misnamed(file: FileFacts) {
    if (!parquet.extensions.includes(file.extension)) return null
    return new InputError(
      `${file.name} is not a Parquet file (its bytes do not start with "PAR1", as every Parquet file's do).`,
      'If it is a CSV file, rename it to .csv; otherwise write it again with your Parquet writer (an encrypted Parquet file cannot be read).',
      { file: file.name },
    )
  },
  aFile: () => 'a Parquet file',
  read: readParquet,
  describe(result) {
    const d = result.details
    const groups = Number(d.row_groups ?? 0)
    return {
      kind: 'Parquet',
      lines: [
        `${groups.toLocaleString('en-US')} row group${groups === 1 ? '' : 's'}, compression ${d.compression ?? 'none'}${d.created_by ? `; written by ${d.created_by}` : ''}`,
        'column names from the schema (row 1, as in a CSV export; data from row 2)',
      ],
    }
  },
}

function startsWithMagic(bytes: Uint8Array, offset: number): boolean {
  return MAGIC.every((b, i) => bytes[offset + i] === b)
}

/** How one top-level column is read, decided by its schema element. */
type ReadPlan = { read: true; name: string; kind: TypedColumnKind; boolean: boolean; timeUnitsPerDay: number | null }
type ColumnPlan = ReadPlan | { read: false; name: string; why: string }

async function readParquet(request: FormatReadRequest<'parquet'>) {
  const { source, file, limits, hooks } = request
  const fileName = file.name
  if (source.size > limits.maxParquetBytes) {
    throw new InputError(
      `${fileName} is ${formatBytes(source.size)}; Slope reads Parquet files up to ${formatBytes(limits.maxParquetBytes)}.`,
      'Write only the columns you need, or split the rows over several files.',
      { file: fileName },
    )
  }
  const damaged = (why: string) =>
    new InputError(`${fileName} is a damaged or incomplete Parquet file (${why}).`, 'Copy or write the file again; if your Parquet writer reads it, export it as CSV.', { file: fileName })
  if (source.size < 12 || !startsWithMagic(await source.slice(source.size - 4, source.size), 0)) {
    throw damaged('it starts with "PAR1" but does not end with it — truncated?')
  }

  // Loaded on demand, as SheetJS is: a CSV import (and every `slope train` of a CSV, at start-up)
  // never needs hyparquet or fzstd.
  const [{ parquetMetadataAsync, parquetRead, parquetSchema }, { decompress: zstdDecompress }] = await Promise.all([import('hyparquet'), import('fzstd')])
  const compressors = { ZSTD: (input: Uint8Array, outputLength: number) => zstdDecompress(input, new Uint8Array(outputLength)) }
  const buffer = asyncBuffer(source)
  let metadata: FileMetaData
  let schema: SchemaTree
  try {
    metadata = await parquetMetadataAsync(buffer, { parsers: PARSERS, geoparquet: false })
    schema = parquetSchema(metadata)
  } catch (e) {
    throw damaged(`its footer does not parse: ${shortMessage(e)}`)
  }
  hooks.signal?.throwIfAborted()

  const rows = Number(metadata.num_rows)
  const groupRows = metadata.row_groups.map((g) => Number(g.num_rows))
  if (!Number.isSafeInteger(rows) || rows < 0 || groupRows.reduce((a, b) => a + b, 0) !== rows) {
    throw damaged(`its row groups hold ${groupRows.reduce((a, b) => a + b, 0)} rows, its footer says ${String(metadata.num_rows)}`)
  }
  if (schema.children.length > limits.maxColumns) {
    throw new InputError(
      `${fileName} has ${schema.children.length.toLocaleString('en-US')} columns; Slope reads at most ${limits.maxColumns.toLocaleString('en-US')}.`,
      'Keep only the columns you need.',
      { file: fileName },
    )
  }
  const plans = schema.children.map(planColumn)
  const readable = plans.filter((p): p is ReadPlan => p.read)
  const skipped = plans.filter((p): p is Extract<ColumnPlan, { read: false }> => !p.read)
  if (readable.length === 0) {
    throw new InputError(
      `${fileName} has no column Slope can read (${skipped.map((s) => `"${s.name}" ${s.why}`).join(', ')}).`,
      'Write the numbers, dates and text you need as flat columns.',
      { file: fileName },
    )
  }
  if (rows * readable.length > limits.maxCells) {
    throw new InputError(
      `${fileName} has ${rows.toLocaleString('en-US')} rows × ${readable.length} columns, more than ${limits.maxCells.toLocaleString('en-US')} cells.`,
      'Keep only the rows and columns you need, or split the file.',
      { file: fileName },
    )
  }
  const names = new Set(readable.map((p) => p.name))
  metadata.row_groups.forEach((group, g) => {
    let inflated = 0
    for (const chunk of group.columns) {
      const meta = chunk.meta_data
      if (!meta || !names.has(meta.path_in_schema[0]!)) continue
      if (!CODECS_READ.has(meta.codec)) {
        throw new InputError(
          `${fileName} is compressed with ${meta.codec}, which Slope does not read yet (column "${meta.path_in_schema[0]}").`,
          'Write it with Snappy compression or none (DuckDB: COPY … (FORMAT parquet, COMPRESSION snappy); pandas: to_parquet(…, compression="snappy"); Polars: write_parquet(…, compression="snappy")).',
          { file: fileName, column: meta.path_in_schema[0] },
        )
      }
      inflated += Number(meta.total_uncompressed_size)
    }
    // The decompression-bomb guard: hyparquet allocates what a page header declares, so a row
    // group is refused by its declared size before anything is decompressed.
    if (inflated > limits.maxInflatedBytes) {
      throw new InputError(
        `${fileName}: row group ${g + 1} expands to more than ${formatBytes(limits.maxInflatedBytes)} when decompressed (a decompression bomb, or row groups too large for Slope).`,
        'Write the file with smaller row groups (DuckDB: ROW_GROUP_SIZE; pyarrow: row_group_size), or keep only the columns you need.',
        { file: fileName },
      )
    }
  })

  const columns = readable.map((p) => new TypedColumn(p.name, p.kind, rows))
  const byName = new Map(readable.map((p, i) => [p.name, i]))
  const rounded = readable.map(() => ({ count: 0, first: null as { index: number; exact: bigint } | null }))
  // hyparquet calls onChunk from inside its own promise chains, where a throw would be lost:
  // the first problem is kept and thrown once the row group has been read.
  let problem: InputError | null = null
  const onChunk = (chunk: ColumnData) => {
    if (problem) return
    const c = byName.get(chunk.columnName)
    if (c === undefined) return
    try {
      fillColumn(columns[c]!, readable[c]!, chunk, rounded[c]!, limits.maxFieldChars)
    } catch (e) {
      if (e instanceof FieldTooLong) problem = fieldTooLong(fileName, FIRST_DATA_ROW + e.index, readable[c]!.name, e.length, limits)
      else throw e
    }
  }

  let rowStart = 0
  let bytesRead = 0
  for (let g = 0; g < metadata.row_groups.length; g++) {
    hooks.signal?.throwIfAborted()
    const rowEnd = rowStart + groupRows[g]!
    if (rowEnd > rowStart) {
      try {
        await parquetRead({ file: buffer, metadata, columns: [...names], rowStart, rowEnd, parsers: PARSERS, geoparquet: false, compressors, onChunk })
      } catch (e) {
        if (e instanceof InputError) throw e
        throw damaged(`row group ${g + 1} does not decode: ${shortMessage(e)}`)
      }
      if (problem) throw problem
    }
    bytesRead = Math.min(source.size, bytesRead + Number(metadata.row_groups[g]!.total_compressed_size ?? metadata.row_groups[g]!.total_byte_size))
    hooks.onProgress?.({ phase: 'reading', bytesRead, totalBytes: source.size, rows: rowEnd })
    rowStart = rowEnd
  }

  const notes: string[] = []
  if (skipped.length) notes.push(`columns not read (Slope reads flat columns of numbers, dates, text and booleans): ${skipped.map((s) => `"${s.name}" (${s.why})`).join(', ')}`)
  rounded.forEach((r, c) => {
    if (!r.first) return
    const exact = r.first.exact
    notes.push(
      `column "${readable[c]!.name}": ${r.count.toLocaleString('en-US')} integer${r.count === 1 ? '' : 's'} beyond ±2^53 read as the nearest double (first: row ${(FIRST_DATA_ROW + r.first.index).toLocaleString('en-US')}, ${exact} → ${Number(exact)})`,
    )
  })
  if (readable.some((p) => p.boolean)) notes.push('boolean columns read as the text TRUE/FALSE, as in workbooks')
  const built = finishTypedColumns(columns, { fileName, firstRowNumber: FIRST_DATA_ROW, headerRow: 1, notes })
  const codecs = [...new Set(metadata.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data?.codec)).filter((c): c is NonNullable<typeof c> => c !== undefined))]
  return {
    ...built,
    ...NOT_TEXT,
    fileName,
    format: 'parquet' as const,
    sheet: null,
    sheets: [],
    details: {
      row_groups: metadata.row_groups.length,
      compression: codecs.length ? codecs.map((c) => c.toLowerCase()).join(', ') : null,
      created_by: metadata.created_by ?? null,
    },
  }
}

/**
 * Dates and timestamps become Excel serial day numbers as hyparquet decodes them, so they take
 * the same path as workbook dates. Timestamps are read as written (UTC instants and local wall
 * times alike give the digits the writer stored).
 */
const PARSERS: Partial<ParquetParsers> = {
  dateFromDays: (days: number) => days + EXCEL_EPOCH_TO_UNIX_DAYS,
  timestampFromMilliseconds: (ms: bigint) => Number(ms) / MS_PER_DAY + EXCEL_EPOCH_TO_UNIX_DAYS,
  timestampFromMicroseconds: (us: bigint) => Number(us) / (MS_PER_DAY * 1e3) + EXCEL_EPOCH_TO_UNIX_DAYS,
  timestampFromNanoseconds: (ns: bigint) => Number(ns) / (MS_PER_DAY * 1e6) + EXCEL_EPOCH_TO_UNIX_DAYS,
  // JSON columns are text to Slope, not parsed objects.
  jsonFromBytes: (bytes: Uint8Array) => (bytes ? new TextDecoder().decode(bytes) : bytes),
}

function planColumn(tree: SchemaTree): ColumnPlan {
  const e: SchemaElement = tree.element
  const name = e.name
  const ctype = e.converted_type
  const ltype = e.logical_type?.type
  if (tree.children.length > 0 || e.repetition_type === 'REPEATED') {
    const what = ctype === 'LIST' || ltype === 'LIST' ? 'a list' : ctype === 'MAP' || ltype === 'MAP' ? 'a map' : ltype === 'VARIANT' ? 'a variant' : 'a struct'
    return { read: false, name, why: what }
  }
  const plan = (kind: TypedColumnKind, extra: { boolean?: boolean; timeUnitsPerDay?: number } = {}): ColumnPlan => ({
    read: true,
    name,
    kind,
    boolean: extra.boolean ?? false,
    timeUnitsPerDay: extra.timeUnitsPerDay ?? null,
  })
  if (ltype === 'BSON' || ctype === 'BSON') return { read: false, name, why: 'BSON' }
  if (ltype === 'INTERVAL' || ctype === 'INTERVAL') return { read: false, name, why: 'intervals' }
  if (ltype === 'GEOMETRY' || ltype === 'GEOGRAPHY') return { read: false, name, why: 'geometries' }
  if (e.type === 'BOOLEAN') return plan('text', { boolean: true })
  if (ctype === 'DATE' || ltype === 'DATE' || ctype === 'TIMESTAMP_MILLIS' || ctype === 'TIMESTAMP_MICROS' || ltype === 'TIMESTAMP') return plan('date')
  if (e.type === 'INT96') return plan('date') // Impala/Spark's old timestamps (hyparquet converts them)
  // Times of day are dates too, as in spreadsheets: the fraction of a day.
  if (ctype === 'TIME_MILLIS') return plan('date', { timeUnitsPerDay: MS_PER_DAY })
  if (ctype === 'TIME_MICROS') return plan('date', { timeUnitsPerDay: MS_PER_DAY * 1e3 })
  if (e.logical_type?.type === 'TIME') {
    const unit = e.logical_type.unit
    return plan('date', { timeUnitsPerDay: MS_PER_DAY * (unit === 'MILLIS' ? 1 : unit === 'MICROS' ? 1e3 : 1e6) })
  }
  if (ctype === 'DECIMAL' || ltype === 'DECIMAL' || ltype === 'FLOAT16') return plan('number')
  if (e.type === 'INT32' || e.type === 'INT64' || e.type === 'FLOAT' || e.type === 'DOUBLE') return plan('number')
  if (e.type === 'BYTE_ARRAY' || ltype === 'UUID' || ltype === 'STRING' || ctype === 'UTF8' || ctype === 'ENUM' || ctype === 'JSON') return plan('text')
  return { read: false, name, why: 'binary' }
}

/** A text past the field cap, found inside hyparquet's callback; turned into the InputError outside it. */
class FieldTooLong extends Error {
  constructor(
    readonly index: number,
    readonly length: number,
  ) {
    super('field too long')
  }
}

function fillColumn(
  column: TypedColumn,
  plan: ReadPlan,
  chunk: ColumnData,
  rounded: { count: number; first: { index: number; exact: bigint } | null },
  maxFieldChars: number,
): void {
  const data = chunk.columnData as ArrayLike<unknown>
  const start = chunk.rowStart
  const end = Math.min(chunk.rowEnd, column.rows)
  for (let r = Math.max(0, start); r < end; r++) {
    const v = data[r - start]
    if (v === null || v === undefined) {
      column.setMissing(r)
    } else if (plan.boolean) {
      column.setText(r, v ? 'TRUE' : 'FALSE')
    } else if (plan.kind === 'text') {
      const text = typeof v === 'string' ? v : String(v)
      if (text.length > maxFieldChars) throw new FieldTooLong(r, text.length)
      column.setText(r, text)
    } else if (plan.timeUnitsPerDay !== null) {
      column.setValue(r, Number(v) / plan.timeUnitsPerDay)
    } else if (typeof v === 'bigint') {
      const x = Number(v)
      // Doubles hold integers exactly up to 2^53; beyond, Number() rounds to the nearest one.
      if ((v >= TWO_POW_53 || v <= -TWO_POW_53) && BigInt(x) !== v) {
        rounded.count++
        rounded.first ??= { index: r, exact: v }
      }
      column.setValue(r, x)
    } else {
      column.setValue(r, typeof v === 'number' ? v : Number(v))
    }
  }
}

/** An AsyncBuffer (hyparquet's random-access file) over a ByteSource. */
function asyncBuffer(source: ByteSource): AsyncBuffer {
  return {
    byteLength: source.size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const bytes = await source.slice(start, end ?? source.size)
      // hyparquet wants an ArrayBuffer of exactly these bytes: a view into a larger one is copied.
      return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? (bytes.buffer as ArrayBuffer) : (bytes.slice().buffer as ArrayBuffer)
    },
  }
}

function shortMessage(e: unknown): string {
  return String((e as Error)?.message ?? e)
    .replace(/^parquet /, '')
    .slice(0, 120)
}
