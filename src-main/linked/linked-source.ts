import { createHash } from 'node:crypto'
import { open, stat } from 'node:fs/promises'
import { freemem, availableParallelism } from 'node:os'
import { extname } from 'node:path'
import { DuckDBDoubleVector, DuckDBInstance, listValue, type DuckDBConnection, type DuckDBDataChunk } from '@duckdb/node-api'
import { InputError } from '../../src-core/errors'
import { isNumericType } from './linked-column-types'
import { quoteIdentifier, whereToSql } from './where-clause'

export { inputSize, linkThresholdBytes } from './link-threshold'
export { isNumericType } from './linked-column-types'

/**
 * A dataset read in place through DuckDB: CSV or Parquet files (one path or a glob), scanned out of
 * core in columnar chunks. Nothing here holds a row object or the whole file: a scan hands out
 * Float64Array columns of at most `rowsPerChunk` rows. Electron-free, so the training worker thread
 * can open one too.
 */

export type LinkedFormat = 'csv' | 'parquet'

export interface LinkedFile {
  path: string
  sizeBytes: number
  mtimeMs: number
  /** sha256 (hex) of the first and last MiB, the size and the mtime: see `fingerprintFile`. */
  fingerprint: string
}

export interface LinkedColumn {
  name: string
  /** DuckDB's type name (DOUBLE, BIGINT, VARCHAR…). */
  type: string
}

export interface ColumnStatistics {
  name: string
  /** Non-null values. */
  count: number
  mean: number
  /** Population standard deviation (divisor n), as the in-memory standardization uses. */
  std: number
  min: number
  max: number
}

export interface LinkedStatistics {
  rows: number
  columns: ColumnStatistics[]
}

export interface LinkedOptions {
  /** DuckDB's memory_limit in bytes; default `defaultMemoryLimitBytes()`. */
  memoryLimitBytes?: number
  threads?: number
  /** The rows a materialized count found in these files (a link's statistics pass): see `knowRowCount`. */
  rowCount?: KnownRowCount
}

/** Rows counted (by a materialized query, which raises DuckDB's CSV errors) in files with these fingerprints. */
export interface KnownRowCount {
  files: readonly LinkedFile[]
  rows: number
}

const FINGERPRINT_EDGE_BYTES = 1 << 20

/**
 * sha256 over: the first MiB, the last MiB (the whole file when it is under 2 MiB), then the size
 * and the mtime (ms) as decimal text. Reading 2 MiB is instant at any size and catches appends,
 * truncation, rewritten headers and footers (Parquet keeps its schema and row-group index in the
 * footer); an edit in the middle of a big file that keeps size and mtime is not caught — none that
 * the usual tools make does.
 */
export async function fingerprintFile(path: string): Promise<LinkedFile> {
  const info = await stat(path)
  const hash = createHash('sha256')
  const handle = await open(path, 'r')
  try {
    const size = info.size
    const head = Buffer.alloc(Math.min(size, FINGERPRINT_EDGE_BYTES))
    await handle.read(head, 0, head.length, 0)
    hash.update(head)
    const tailStart = Math.max(head.length, size - FINGERPRINT_EDGE_BYTES)
    const tail = Buffer.alloc(size - tailStart)
    await handle.read(tail, 0, tail.length, tailStart)
    hash.update(tail)
  } finally {
    await handle.close()
  }
  hash.update(`\n${info.size}\n${Math.trunc(info.mtimeMs)}`)
  return { path, sizeBytes: info.size, mtimeMs: Math.trunc(info.mtimeMs), fingerprint: hash.digest('hex') }
}

/** Half of the free memory, at least 256 MiB and at most 4 GiB: DuckDB spills beyond it. */
export function defaultMemoryLimitBytes(): number {
  return Math.max(256 * 2 ** 20, Math.min(4 * 2 ** 30, Math.floor(freemem() / 2)))
}

const UNITS: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12, KIB: 2 ** 10, MIB: 2 ** 20, GIB: 2 ** 30, TIB: 2 ** 40 }

/** `--memory-limit 1GB` / `512MiB` / `2e9` in bytes. */
export function parseMemoryLimit(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([KMGT]?I?B)?\s*$/i.exec(text)
  const bytes = m ? Number(m[1]) * UNITS[(m[2] ?? 'B').toUpperCase()]! : NaN
  if (!Number.isFinite(bytes) || bytes < 64 * 2 ** 20) {
    throw new InputError(`--memory-limit "${text}" is not a size of at least 64 MiB.`, 'Write it like 1GB, 512MiB or 2e9 (bytes).')
  }
  return Math.floor(bytes)
}

function formatOf(path: string): LinkedFormat {
  const ext = extname(path).toLowerCase()
  if (ext === '.parquet' || ext === '.pq') return 'parquet'
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return 'csv'
  throw new InputError(`"${path}" is neither CSV nor Parquet, so it cannot be linked.`, 'Link .csv or .parquet files, or import this file instead.')
}

/** DuckDB's message without its "Invalid Input Error:" prefix, for one sentence about the file. */
function duckdbReason(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e)
  return text.replace(/^[A-Za-z ]*Error:\s*/, '').split('\n').filter((line) => line.trim() !== '').slice(0, 3).join(' ')
}

export function fileError(files: readonly string[], e: unknown): InputError {
  const reason = duckdbReason(e)
  const named = files.find((f) => reason.includes(f)) ?? (files.length === 1 ? files[0]! : files.join(', '))
  return new InputError(`DuckDB could not read "${named}": ${reason}`, 'Fix or replace the file (a ragged row, a truncated download), or leave it out of the glob.', { file: named })
}

/**
 * The one sentence a cancelled scan (Ctrl-C) ends with, with how far it got. `kept` says what of
 * the run was kept (a command that saved the run as cancelled says so, instead of "nothing was
 * saved"); the count travels on the error so a caller can word that sentence again.
 */
export function scanStopped(rowsRead: number, kept = 'nothing was saved'): ScanStopped {
  return new ScanStopped(rowsRead, kept)
}

export class ScanStopped extends InputError {
  constructor(
    readonly rowsRead: number,
    kept: string,
  ) {
    super(`Stopped (cancelled) after reading ${rowsRead.toLocaleString('en-US')} rows of the linked data; ${kept}.`, 'Run the command again to start over.')
  }
}

/**
 * The sentence for an empty cell (or, in a numeric column, a value that is not a number) in linked
 * data, which has no missing-value policy: its row (1-based, in scan order after --where) and the
 * filter that leaves such rows out, naming the column (quoted as SQL wants when it is not a plain name).
 */
export function emptyCell(column: string, row: number, kind: 'number' | 'text'): InputError {
  const name = /^[A-Za-z_][A-Za-z0-9_]*$/.test(column) ? column : quoteIdentifier(column)
  return new InputError(
    `Column "${column}" has an empty${kind === 'number' ? ' or non-numeric' : ''} value in row ${row.toLocaleString('en-US')} of the linked data.`,
    `Filter such rows out with --where '${name} IS NOT NULL', or fix the file.`,
    { column, row },
  )
}

/** Rows of named columns as the prediction reads them: doubles (NaN for an empty or non-numeric cell) and text (null for an empty cell). */
export interface CellChunk {
  rows: number
  /** Row number (0-based, in scan order) of the chunk's first row. */
  firstRow: number
  numbers: Map<string, Float64Array>
  texts: Map<string, (string | null)[]>
}

/** A string literal for DuckDB SQL (COPY takes no bound parameters for its paths). */
function quoteSql(text: string): string {
  return `'${text.replace(/'/g, "''")}'`
}

export interface ScanChunk {
  /** Rows in this chunk. */
  rows: number
  /** Row number (0-based, in scan order, after --where) of the chunk's first row. */
  firstRow: number
  /** One Float64Array per requested column, `rows` long. */
  columns: Float64Array[]
}

/**
 * A DOUBLE vector's values and validity mask as typed arrays. @duckdb/node-api builds them over
 * DuckDB's own vector memory (the C API's `duckdb_vector_get_data` / `_get_validity`) but keeps them
 * private; per-value `getItem` (a BigInt test per value) cost ~10× the read itself. Null when the
 * pinned version's fields are not there (a `getItem` loop then does the same, slower):
 * linked-data.test.ts checks that this version takes the fast path.
 */
export function doubleVectorView(vector: unknown): { items: Float64Array; validity: Uint8Array | null } | null {
  if (!(vector instanceof DuckDBDoubleVector)) return null
  const fields = vector as unknown as { items?: unknown; validity?: { data?: unknown; offset?: unknown } }
  const data = fields.validity?.data
  if (!(fields.items instanceof Float64Array) || fields.validity?.offset !== 0 || !(data === null || data instanceof BigUint64Array)) return null
  return { items: fields.items, validity: data ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : null }
}

/**
 * Copies `take` doubles of column `j` of a chunk (every column is selected as DOUBLE, so one path
 * serves every numeric type), from row `at`, into `dst` at `dstAt`. Null rows (validity bit 0; no
 * mask means none is null) are set to `nullValue` when it is given; returns the first null row's
 * index within the copied range, or -1 when there is none.
 */
function copyDoubles(chunk: DuckDBDataChunk, j: number, at: number, take: number, dst: Float64Array, dstAt: number, nullValue?: number): number {
  const vector = chunk.getColumnVector(j)
  const view = doubleVectorView(vector)
  let first = -1
  if (!view) {
    for (let i = 0; i < take; i++) {
      const v = vector.getItem(at + i) as number | null
      if (v !== null) dst[dstAt + i] = v
      else {
        if (first < 0) first = i
        if (nullValue === undefined) return first
        dst[dstAt + i] = nullValue
      }
    }
    return first
  }
  dst.set(view.items.subarray(at, at + take), dstAt)
  const validity = view.validity
  if (!validity) return -1
  // uint64 words of little-endian bits: byte i >> 3 holds row i at bit i & 7; a byte of all ones
  // (the usual case) is skipped whole.
  for (let i = at; i < at + take; ) {
    if ((i & 7) === 0 && i + 8 <= at + take && validity[i >> 3] === 0xff) {
      i += 8
      continue
    }
    if ((validity[i >> 3]! & (1 << (i & 7))) === 0) {
      if (first < 0) first = i - at
      if (nullValue === undefined) return first
      dst[dstAt + i - at] = nullValue
    }
    i++
  }
  return first
}

export class LinkedSource {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    readonly pattern: string,
    readonly format: LinkedFormat,
    readonly files: readonly string[],
    readonly columns: readonly LinkedColumn[],
    readonly memoryLimitBytes: number,
  ) {}

  /** Rows per --where ('' for none) as last counted, with the fingerprints the files had then. */
  private readonly rowCounts = new Map<string, KnownRowCount>()

  static async open(pattern: string, options: LinkedOptions = {}): Promise<LinkedSource> {
    const memoryLimitBytes = options.memoryLimitBytes ?? defaultMemoryLimitBytes()
    const threads = options.threads ?? Math.max(1, Math.min(availableParallelism(), 8))
    const instance = await DuckDBInstance.create(':memory:', {
      memory_limit: `${Math.floor(memoryLimitBytes / 2 ** 20)}MiB`,
      threads: String(threads),
      // A scan's chunks come back in file order, so row numbers (the validation split, error rows) are stable.
      preserve_insertion_order: 'true',
    })
    const connection = await instance.connect()
    try {
      // A streamed result lets DuckDB's threads read ahead only this far (default ~1 MB, 7 chunks of
      // 9 doubles): each fetch then waited on the scan, and a linked scan ran at ¼ of DuckDB's own
      // speed. 8 MiB (at most an eighth of the memory limit) lets both threads read ahead between
      // fetches; 32 MiB let a loaded machine's peak RSS grow with the file by more than
      // linked-big-files.test.ts allows (a slow reader lets DuckDB fill the whole buffer). The
      // scale bench's figures in README were measured at 32 MiB.
      await connection.run(`SET streaming_buffer_size = '${Math.floor(Math.min(8 * 2 ** 20, memoryLimitBytes / 8) / 2 ** 20)}MiB'`)
      // A path that names a file is that file, even when its name has a glob's [, * or ?.
      const literal = await stat(pattern).then((info) => info.isFile(), () => false)
      const files = literal ? [pattern] : (await connection.runAndReadAll('SELECT file FROM glob($1) ORDER BY file', [pattern])).getRows().map((r) => String(r[0]))
      if (files.length === 0) {
        throw new InputError(`No file matches "${pattern}".`, 'Check the path; quote a glob (\'sales-*.parquet\') so that the shell does not expand it.', { file: pattern })
      }
      const formats = new Set(files.map(formatOf))
      if (formats.size > 1) throw new InputError(`"${pattern}" matches both CSV and Parquet files.`, 'Link one format at a time, e.g. with a glob ending in .csv or .parquet.', { file: pattern })
      const format = [...formats][0]!
      const source = new LinkedSource(instance, connection, pattern, format, files, [], memoryLimitBytes)
      let described
      try {
        described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${source.from()}`, [source.fileList()])
      } catch (e) {
        throw fileError(files, e)
      }
      const columns = described.getRows().map((r) => ({ name: String(r[0]), type: String(r[1]) }))
      const opened = new LinkedSource(instance, connection, pattern, format, files, columns, memoryLimitBytes)
      if (options.rowCount) opened.knowRowCount(options.rowCount)
      return opened
    } catch (e) {
      connection.closeSync()
      instance.closeSync()
      throw e
    }
  }

  /** The table function with explicit options; $1 is the file list. */
  private from(): string {
    // CSV: a header row, types sniffed from a sample, and a ragged or unparsable row an error (not a
    // silently skipped row): statistics over skipped rows would not be the file's.
    return this.format === 'parquet'
      ? 'read_parquet($1, binary_as_string = true)'
      : `read_csv($1, header = true, delim = '${this.delimiter()}', quote = '"', escape = '"', auto_detect = true, sample_size = 20480, union_by_name = false, ignore_errors = false, null_padding = false, strict_mode = true)`
  }

  /** Tab for .tsv, else a comma: a fixed dialect, so that a ragged row is an error at its line, not a failed sniff. */
  private delimiter(): string {
    return this.files.every((f) => extname(f).toLowerCase() === '.tsv') ? '\\t' : ','
  }

  /**
   * The files for DuckDB's readers, which expand each path as a glob again: `[`, `*` and `?` in a
   * name are escaped as one-character classes, so "data[1].csv" is not read as "data1.csv".
   */
  private fileList() {
    return listValue(this.files.map((f) => f.replace(/[[*?]/g, '[$&]')))
  }

  private checkColumns(names: readonly string[]): void {
    const known = this.columns.map((c) => c.name)
    for (const name of names) {
      if (!known.includes(name)) {
        throw new InputError(`The linked file has no column "${name}".`, `Its columns are: ${known.join(', ')}.`, { column: name })
      }
    }
  }

  private filtered(where: string | undefined): { sql: string; values: (number | string)[] } {
    if (!where) return { sql: '', values: [] }
    const w = whereToSql(where, this.columns.map((c) => c.name), 2)
    return { sql: ` WHERE ${w.sql}`, values: w.values }
  }

  /**
   * One DuckDB pass: count, mean, population standard deviation, min and max of each column.
   * DuckDB's avg and stddev_pop use Welford's update, accurate to a few ulps on well-scaled data;
   * the streamed fit recomputes the sums it needs exactly (see streamed-least-squares.ts).
   */
  async statistics(names: readonly string[], where?: string): Promise<LinkedStatistics> {
    this.checkColumns(names)
    const f = this.filtered(where)
    const parts = names.flatMap((n) => {
      const q = `CAST(${quoteIdentifier(n)} AS DOUBLE)`
      return [`count(${q})`, `avg(${q})`, `stddev_pop(${q})`, `min(${q})`, `max(${q})`]
    })
    let row
    const files = await this.fingerprints()
    try {
      const result = await this.connection.runAndReadAll(`SELECT count(*)${parts.map((p) => `, ${p}`).join('')} FROM ${this.from()}${f.sql}`, [this.fileList(), ...f.values])
      row = result.getRows()[0]!
    } catch (e) {
      throw fileError(this.files, e)
    }
    const num = (v: unknown) => (v === null ? NaN : Number(v))
    this.rowCounts.set(where ?? '', { files, rows: num(row[0]) })
    return {
      rows: num(row[0]),
      columns: names.map((name, j) => ({
        name,
        count: num(row[1 + 5 * j]),
        mean: num(row[2 + 5 * j]),
        std: num(row[3 + 5 * j]),
        min: num(row[4 + 5 * j]),
        max: num(row[5 + 5 * j]),
      })),
    }
  }

  /**
   * DuckDB's own data chunks (vectors of 2,048 rows) of one streamed SELECT. The scan is closed
   * however it ends: a consumer that stops early (an error in its own code, a `break`, Ctrl-C)
   * leaves DuckDB's threads reading ahead into the file, so they are interrupted at once rather
   * than whenever the result is garbage-collected. An abort interrupts a fetch that is waiting on
   * a slow read too, so Ctrl-C stops within one chunk; it ends as `scanStopped`.
   */
  /**
   * Rows a materialized count found in the files (with no --where) when they had these
   * fingerprints: a linked dataset's stored count, its files checked unchanged (checkLinkedFiles).
   * A CSV scan then compares the rows it streamed with it instead of counting again.
   */
  knowRowCount(count: KnownRowCount): void {
    this.rowCounts.set('', { files: [...count.files], rows: count.rows })
  }

  /**
   * The rows the query of a CSV scan must stream: counted before (the link's statistics pass, or an
   * earlier scan of this source with the same --where) while every file had the fingerprint it has
   * now, else counted now by a materialized count of the same rows, which raises DuckDB's error on a
   * ragged row (see dataChunks). Gradient descent's epochs so pay one count, not one per pass.
   */
  private async expectedRows(sql: string, values: (number | string)[], countKey: string): Promise<number> {
    const known = this.rowCounts.get(countKey)
    const now = await this.fingerprints()
    const same = (a: readonly LinkedFile[]) => a.length === now.length && now.every((f) => a.some((k) => k.path === f.path && k.fingerprint === f.fingerprint))
    if (known && same(known.files)) return known.rows
    const rows = Number((await this.connection.runAndReadAll(`SELECT count(*) FROM (${sql})`, [this.fileList(), ...values])).getRows()[0]![0])
    this.rowCounts.set(countKey, { files: now, rows })
    return rows
  }

  private async *dataChunks(sql: string, values: (number | string)[], countKey: string, signal: AbortSignal | undefined, rowsRead: () => number) {
    if (signal?.aborted) throw scanStopped(0)
    const onAbort = () => this.connection.interrupt()
    signal?.addEventListener('abort', onAbort, { once: true })
    let finished = false
    let streamed = 0
    try {
      let result
      try {
        result = await this.connection.stream(sql, [this.fileList(), ...values])
      } catch (e) {
        if (signal?.aborted) throw scanStopped(rowsRead())
        throw fileError(this.files, e)
      }
      for (;;) {
        if (signal?.aborted) throw scanStopped(rowsRead())
        let chunk
        try {
          chunk = await result.fetchChunk()
        } catch (e) {
          if (signal?.aborted) throw scanStopped(rowsRead())
          throw fileError(this.files, e)
        }
        if (!chunk || chunk.rowCount === 0) break
        streamed += chunk.rowCount
        yield chunk
      }
      // DuckDB 1.5's streamed CSV scan ends early and silently when a parallel reader meets a bad
      // row (a ragged line a million rows in gave 987,185 rows, no error); the same query
      // materialized raises "CSV Error on Line: …". So a CSV scan is confirmed by a count of the
      // same rows (expectedRows), which raised that error, or a different count — never a silently
      // short read. An interrupted stream ends like a finished one (an empty chunk), so the signal
      // says which.
      if (signal?.aborted) throw scanStopped(rowsRead())
      if (this.format === 'csv') {
        let counted: number
        try {
          counted = await this.expectedRows(sql, values, countKey)
        } catch (e) {
          if (signal?.aborted) throw scanStopped(rowsRead())
          throw fileError(this.files, e)
        }
        if (counted !== streamed) throw fileError(this.files, new Error(`DuckDB's scan stopped after ${streamed.toLocaleString('en-US')} of ${counted.toLocaleString('en-US')} rows`))
      }
      finished = true
    } finally {
      signal?.removeEventListener('abort', onAbort)
      if (!finished) this.connection.interrupt()
    }
  }

  /** Stops the query running on this source's connection (a scan, a statistics pass) now; its caller sees the error of its own signal. */
  interrupt(): void {
    this.connection.interrupt()
  }

  /**
   * Streams the named columns as doubles, `rowsPerChunk` rows at a time (DuckDB's own vectors of
   * 2,048 rows gathered into one block). A null (an empty CSV cell, a Parquet null) or text that is
   * not a number is an InputError naming the column and the row.
   */
  async *scan(names: readonly string[], options: { where?: string; rowsPerChunk?: number; signal?: AbortSignal } = {}): AsyncGenerator<ScanChunk> {
    this.checkColumns(names)
    const rowsPerChunk = options.rowsPerChunk ?? 65536
    const f = this.filtered(options.where)
    const select = names.map((n) => `TRY_CAST(${quoteIdentifier(n)} AS DOUBLE)`).join(', ')
    let block = names.map(() => new Float64Array(rowsPerChunk))
    let filled = 0
    let firstRow = 0
    for await (const chunk of this.dataChunks(`SELECT ${select} FROM ${this.from()}${f.sql}`, f.values, options.where ?? '', options.signal, () => firstRow + filled)) {
      const m = chunk.rowCount
      let at = 0
      while (at < m) {
        const take = Math.min(m - at, rowsPerChunk - filled)
        for (let j = 0; j < names.length; j++) {
          const i = copyDoubles(chunk, j, at, take, block[j]!, filled)
          if (i >= 0) {
            const row = firstRow + filled + i + 1
            throw emptyCell(names[j]!, row, 'number')
          }
        }
        filled += take
        at += take
        if (filled === rowsPerChunk) {
          yield { rows: filled, firstRow, columns: block }
          firstRow += filled
          filled = 0
          block = names.map(() => new Float64Array(rowsPerChunk))
        }
      }
    }
    if (filled > 0) yield { rows: filled, firstRow, columns: block.map((c) => c.subarray(0, filled)) }
  }

  /**
   * Streams columns for prediction, `rowsPerChunk` rows at a time, in file order: `numbers` as
   * doubles (NaN where a cell is empty or not a number, as an import reads it: the model decides
   * about a missing feature), `texts` as strings (null for an empty cell). Column names are checked;
   * `where` filters as scan's does (a formula trained on linked data reads its columns so).
   */
  async *scanCells(numbers: readonly string[], texts: readonly string[], options: { where?: string; rowsPerChunk?: number; signal?: AbortSignal } = {}): AsyncGenerator<CellChunk> {
    this.checkColumns([...numbers, ...texts])
    const f = this.filtered(options.where)
    const rowsPerChunk = options.rowsPerChunk ?? 65536
    const select = [...numbers.map((n) => `TRY_CAST(${quoteIdentifier(n)} AS DOUBLE)`), ...texts.map((n) => `CAST(${quoteIdentifier(n)} AS VARCHAR)`)]
    if (select.length === 0) select.push('1') // a model with no columns to read still predicts per row
    const fresh = () => ({ numbers: numbers.map(() => new Float64Array(rowsPerChunk)), texts: texts.map(() => new Array<string | null>(rowsPerChunk)) })
    let block = fresh()
    let filled = 0
    let firstRow = 0
    const emit = (rows: number): CellChunk => ({
      rows,
      firstRow,
      numbers: new Map(numbers.map((n, j) => [n, rows === rowsPerChunk ? block.numbers[j]! : block.numbers[j]!.subarray(0, rows)])),
      texts: new Map(texts.map((n, j) => [n, rows === rowsPerChunk ? block.texts[j]! : block.texts[j]!.slice(0, rows)])),
    })
    for await (const chunk of this.dataChunks(`SELECT ${select.join(', ')} FROM ${this.from()}${f.sql}`, f.values, options.where ?? '', options.signal, () => firstRow + filled)) {
      const m = chunk.rowCount
      let at = 0
      while (at < m) {
        const take = Math.min(m - at, rowsPerChunk - filled)
        for (let j = 0; j < numbers.length; j++) copyDoubles(chunk, j, at, take, block.numbers[j]!, filled, NaN)
        for (let j = 0; j < texts.length; j++) {
          const vector = chunk.getColumnVector(numbers.length + j)
          const dst = block.texts[j]!
          for (let i = 0; i < take; i++) {
            const v = vector.getItem(at + i) as string | null
            dst[filled + i] = v === null || v === '' ? null : v
          }
        }
        filled += take
        at += take
        if (filled === rowsPerChunk) {
          yield emit(filled)
          firstRow += filled
          filled = 0
          block = fresh()
        }
      }
    }
    if (filled > 0) yield emit(filled)
  }

  /** COPY of a predictions CSV (header `row`, then doubles) to Parquet, in DuckDB's streaming copy. */
  async copyCsvToParquet(csvPath: string, parquetPath: string): Promise<void> {
    const header = await this.connection.runAndReadAll("SELECT * FROM read_csv($1, header = true, all_varchar = true) LIMIT 0", [csvPath])
    const names = header.columnNames()
    const types = names.map((n) => `${quoteSql(n)}: '${n === 'row' ? 'BIGINT' : 'DOUBLE'}'`).join(', ')
    await this.connection.run(
      `COPY (SELECT * FROM read_csv(${quoteSql(csvPath)}, header = true, delim = ',', quote = '"', escape = '"', auto_detect = false, columns = {${types}})) TO ${quoteSql(parquetPath)} (FORMAT parquet)`,
    )
  }

  /** The files' current fingerprints (one read of 2 MiB each). */
  async fingerprints(): Promise<LinkedFile[]> {
    return Promise.all(this.files.map(fingerprintFile))
  }

  close(): void {
    this.connection.closeSync()
    this.instance.closeSync()
  }

  /**
   * Rows [offset, offset + limit) as the Data tab shows them (datasets.page): every column, cells as
   * numbers or text (null for an empty cell), by DuckDB's LIMIT/OFFSET over the files in path order
   * (insertion order is preserved), so only the rows up to the page are read, never kept.
   */
  async page(offset: number, limit: number): Promise<{ columns: { name: string; type: string }[]; rows: (number | string | null)[][] }> {
    let result
    try {
      result = await this.connection.runAndReadAll(`SELECT * FROM ${this.from()} LIMIT ${Math.max(0, Math.floor(limit))} OFFSET ${Math.max(0, Math.floor(offset))}`, [this.fileList()])
    } catch (e) {
      throw fileError(this.files, e)
    }
    const cell = (v: unknown): number | string | null => {
      if (v === null || v === undefined) return null
      if (typeof v === 'number' || typeof v === 'string') return v
      if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString()
      if (typeof v === 'boolean') return v ? 'true' : 'false'
      return String(v) // DuckDB's dates, decimals, lists: their SQL text
    }
    // DECIMAL and HUGEINT come back as value objects: their text is the exact number.
    const numeric = this.columns.map((c) => isNumericType(c.type))
    const toCell = (v: unknown, j: number) => {
      const c = cell(v)
      return typeof c === 'string' && numeric[j] && Number.isFinite(Number(c)) && Number.isSafeInteger(Math.trunc(Number(c))) ? Number(c) : c
    }
    return { columns: this.columns.map((c) => ({ name: c.name, type: c.type })), rows: result.getRows().map((r) => r.map(toCell)) }
  }
}
