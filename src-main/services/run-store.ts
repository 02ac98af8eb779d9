import type Database from 'better-sqlite3'
import type {
  DatasetData,
  DatasetId,
  DatasetPreparation,
  DatasetSummary,
  DatasetUpload,
  RunDetail,
  RunFilter,
  RunId,
  RunStatus,
  RunSummary,
  StoredOutcome,
} from '../../src-core/contract'
import { activeStatuses, datasetPreparationSchema, datasetUploadSchema, runFilterSchema } from '../../src-core/contract'
import { tableFromUpload, textColumnsFromUpload } from '../../src-core/dataset-upload'
import type { FormulaData } from '../../src-core/formula/design-matrix'
import { InputError } from '../../src-core/errors'
import type { ModelDocument } from '../../src-core/model-file'
import { parseInput } from '../../src-core/parse-input'
import { tableFromPlain, type CellTextTriple } from '../../src-core/protocol'
import { decodeRunError } from '../../src-core/run-error-record'
import { dummyName } from '../../src-core/table/one-hot'
import type { ExcludedColumn, Table } from '../../src-core/table/table'
import type { TrainConfig } from '../../src-core/train/config'
import { databaseError } from './database'
import { ownerIsGone, ProcessOwner, type OwnerRow } from './run-owner'

/** The statuses of runs a process still owns, as an SQL list (constants from the contract, never user input). */
const ACTIVE = activeStatuses.map((s) => `'${s}'`).join(', ')

const INTERRUPTED_SENTENCE = 'Slope stopped while this run was training; the history up to then is kept.'

export interface NewRun {
  name: string
  datasetId: DatasetId
  groupId?: string | null
  target: string
  features: string[]
  config: TrainConfig
  /** A formula run: target and features are its response and design columns. */
  formula?: string | null
}

export interface RunFinish {
  status: Extract<RunStatus, 'completed' | 'diverged' | 'cancelled' | 'failed'>
  divergedAt?: number | null
  trainMs?: number | null
  outcome?: StoredOutcome | null
  model?: ModelDocument | null
  error?: string | null
}

interface DatasetRow {
  id: number
  name: string
  file_name: string
  sha256: string
  row_count: number
  source: string
  created_at: string
  run_count: number
}

interface RunRow {
  id: number
  name: string
  dataset_id: number
  dataset_name: string
  group_id: string | null
  target: string
  features: string
  config: string
  status: RunStatus
  created_at: string
  started_at: string | null
  finished_at: string | null
  epochs_run: number
  diverged_at: number | null
  train_ms: number | null
  final_loss: number | null
  best_loss: number | null
  final_val_loss: number | null
  outcome: string | null
  model: string | null
  error: string | null
  notes: string
  starred: number
  tags: string | null
  owner_id: string | null
  formula: string | null
}

interface DatasetSource {
  firstRowNumber: number
  rowGaps: [number, number][]
  excluded: ExcludedColumn[]
  cellText: CellTextTriple[]
  importInfo: Record<string, string | number | boolean | null>
  oneHot: DatasetSummary['oneHot']
  /** linked_datasets.id of a linked dataset's row (migration 7). */
  linked?: number
}

/** linked_datasets columns the summary shows (linked-store.ts owns the table; read here without loading DuckDB). */
interface LinkedSummaryRow {
  id: number
  pattern: string
  format: 'csv' | 'parquet'
  files: string
  columns: string
  statistics: string
  row_count: number
}

const RUN_COLUMNS = `
  r.*, d.name AS dataset_name,
  (SELECT json_group_array(tag) FROM (SELECT tag FROM run_tags t WHERE t.run_id = r.id ORDER BY tag)) AS tags`

/**
 * Datasets, runs and loss history in one SQLite file (better-sqlite3, synchronous: each call is a
 * short transaction, the training itself happens in worker threads). Every write that can fail
 * for reasons outside Slope (disk full, read-only file) throws an InputError naming the file.
 */
export class RunStore {
  private readonly statements
  /** This store's process as the owner of the runs it creates; registered with the first run. */
  private owner: ProcessOwner | null = null
  /** Runs whose owner is gone but which this store could not mark (read-only file): shown interrupted. */
  private unmarkedOrphans = new Set<RunId>()

  constructor(
    readonly db: Database.Database,
    readonly path: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.statements = {
      insertChunk: db.prepare('INSERT INTO loss_chunks (run_id, first_epoch, loss, val_loss, elapsed_ms) VALUES (?, ?, ?, ?, ?)'),
      progress: db.prepare(
        `UPDATE runs SET epochs_run = ?, final_loss = ?, final_val_loss = ?,
           best_loss = CASE WHEN best_loss IS NULL OR ? < best_loss THEN ? ELSE best_loss END
         WHERE id = ?`,
      ),
      run: db.prepare(`SELECT ${RUN_COLUMNS} FROM runs r JOIN datasets d ON d.id = r.dataset_id WHERE r.id = ?`),
      chunks: db.prepare('SELECT first_epoch, loss, val_loss, elapsed_ms FROM loss_chunks WHERE run_id = ? ORDER BY first_epoch'),
    }
  }

  // ---------- datasets ----------

  /**
   * Stores a parsed table once; the same file (sha256) with the same columns returns the stored
   * dataset. The same file read with other choices (one-hot columns, delimiter…) is a new version
   * of one source: it inherits the previous version's preparation, and replaces versions that no
   * run uses, so Recent datasets keeps one entry per file. Versions with runs stay for those runs
   * and only the newest is listed.
   */
  addDataset(input: DatasetUpload): DatasetSummary {
    const upload = parseInput(datasetUploadSchema, input, 'the dataset')
    const rows = tableFromUpload(upload).rowCount // names and columns pair up, columns are even, no name twice
    textColumnsFromUpload(upload.textColumns, rows, upload.fileName) // one code per row, each a level
    // The same columns means the same text columns too: a version stored before text columns were kept has none.
    const existing = this.db
      .prepare(
        `SELECT d.id FROM datasets d WHERE d.sha256 = ? AND d.row_count = ?
           AND (SELECT json_group_array(name) FROM (SELECT name FROM dataset_columns c WHERE c.dataset_id = d.id ORDER BY position)) = ?
           AND (SELECT json_group_array(name) FROM (SELECT name FROM dataset_text_columns t WHERE t.dataset_id = d.id ORDER BY position)) = ?`,
      )
      .get(upload.sha256, rows, JSON.stringify(upload.names), JSON.stringify(upload.textColumns.map((t) => t.name))) as { id: number } | undefined
    if (existing) {
      // Back to an earlier version of a file: it becomes the listed (newest) one again.
      const newer = this.db.prepare('SELECT count(*) AS n FROM datasets WHERE sha256 = ? AND id != ? AND created_at >= (SELECT created_at FROM datasets WHERE id = ?)').get(upload.sha256, existing.id, existing.id) as { n: number }
      if (newer.n) this.write(() => this.db.prepare('UPDATE datasets SET created_at = ? WHERE id = ?').run(this.laterThanAll(), existing.id))
      return this.getDataset(existing.id)
    }
    const source: DatasetSource = { firstRowNumber: upload.firstRowNumber, rowGaps: upload.rowGaps, excluded: upload.excluded, cellText: upload.cellText, importInfo: upload.importInfo, oneHot: upload.oneHot }
    const previous = this.db
      .prepare('SELECT d.id, (SELECT count(*) FROM runs r WHERE r.dataset_id = d.id) AS run_count FROM datasets d WHERE d.sha256 = ? ORDER BY d.created_at DESC, d.id DESC')
      .all(upload.sha256) as { id: number; run_count: number }[]
    const inherited = previous.length ? this.inheritedPreparation(previous[0]!.id, upload.names) : null
    const id = this.write(() =>
      this.db.transaction(() => {
        const result = this.db
          .prepare('INSERT INTO datasets (name, file_name, sha256, row_count, source, created_at) VALUES (?, ?, ?, ?, ?, ?)')
          .run(upload.name, upload.fileName, upload.sha256, rows, JSON.stringify(source), this.laterThanAll())
        const datasetId = Number(result.lastInsertRowid)
        const insert = this.db.prepare('INSERT INTO dataset_columns (dataset_id, position, name, data) VALUES (?, ?, ?, ?)')
        upload.names.forEach((n, i) => insert.run(datasetId, i, n, toBlob(upload.columns[i]!)))
        const insertText = this.db.prepare('INSERT INTO dataset_text_columns (dataset_id, position, name, levels, codes) VALUES (?, ?, ?, ?, ?)')
        upload.textColumns.forEach((t, i) => insertText.run(datasetId, i, t.name, JSON.stringify(t.levels), toBlob(t.codes)))
        if (inherited) this.storePreparation(datasetId, inherited)
        const remove = this.db.prepare('DELETE FROM datasets WHERE id = ?')
        for (const old of previous) if (old.run_count === 0) remove.run(old.id)
        return datasetId
      })(),
    )
    return this.getDataset(id)
  }

  /** How a dataset was last prepared (null if never). */
  getPreparation(id: DatasetId): DatasetPreparation | null {
    const row = this.db.prepare('SELECT preparation FROM dataset_preparations WHERE dataset_id = ?').get(id) as { preparation: string } | undefined
    return row ? { formula: null, ...(JSON.parse(row.preparation) as Partial<DatasetPreparation>) } as DatasetPreparation : null
  }

  /** Saves a dataset's preparation; its target and features must be columns of the dataset. */
  savePreparation(id: DatasetId, input: unknown): DatasetPreparation {
    const preparation = parseInput(datasetPreparationSchema, input, 'the preparation')
    const summary = this.getDataset(id)
    // With a formula, target and features mirror it: the columns it reads, text columns (factors) included.
    const known = preparation.formula === null ? summary.columns : [...summary.columns, ...this.textColumnNames(id)]
    for (const column of [...(preparation.target === null ? [] : [preparation.target]), ...preparation.features]) {
      if (!known.includes(column)) {
        throw new InputError(`Dataset "${summary.name}" has no numeric column "${column}".`, `Choose among its columns: ${summary.columns.join(', ')}.`, { column })
      }
    }
    // The target is never also a feature (it would predict itself).
    const clean = { ...preparation, features: [...new Set(preparation.features)].filter((f) => f !== preparation.target) }
    this.write(() => this.storePreparation(id, clean))
    return clean
  }

  private storePreparation(id: DatasetId, preparation: DatasetPreparation): void {
    this.db
      .prepare('INSERT INTO dataset_preparations (dataset_id, preparation, updated_at) VALUES (?, ?, ?) ON CONFLICT (dataset_id) DO UPDATE SET preparation = excluded.preparation, updated_at = excluded.updated_at')
      .run(id, JSON.stringify(preparation), this.now().toISOString())
  }

  /**
   * The previous version's preparation for a new version with `columns`: the same target if it is
   * still there, its features that are, and the columns that are new (the one-hot dummies just
   * asked for) — the reason the file was read again.
   */
  private inheritedPreparation(previousId: DatasetId, columns: readonly string[]): DatasetPreparation | null {
    const old = this.getPreparation(previousId)
    if (!old) return null
    const oldColumns = new Set(this.getDataset(previousId).columns)
    const target = old.target !== null && columns.includes(old.target) ? old.target : null
    const features = columns.filter((c) => c !== target && (old.features.includes(c) || !oldColumns.has(c)))
    return { target, features, data: old.data, formula: old.formula ?? null }
  }

  /** Now, or just after the newest dataset's time if the clock says otherwise: "newest" is the last stored. */
  private laterThanAll(): string {
    const now = this.now().toISOString()
    const newest = (this.db.prepare('SELECT max(created_at) AS t FROM datasets').get() as { t: string | null }).t
    return newest !== null && newest >= now ? new Date(Date.parse(newest) + 1).toISOString() : now
  }

  listDatasets(): DatasetSummary[] {
    const rows = this.db
      .prepare(
        `SELECT d.*, (SELECT count(*) FROM runs r WHERE r.dataset_id = d.id) AS run_count FROM datasets d
         WHERE NOT EXISTS (SELECT 1 FROM datasets n WHERE n.sha256 = d.sha256 AND (n.created_at > d.created_at OR (n.created_at = d.created_at AND n.id > d.id)))
         ORDER BY d.created_at DESC, d.id DESC`,
      )
      .all() as DatasetRow[]
    return rows.map((r) => this.datasetSummary(r))
  }

  getDataset(id: DatasetId): DatasetSummary {
    const row = this.db.prepare(`SELECT d.*, (SELECT count(*) FROM runs r WHERE r.dataset_id = d.id) AS run_count FROM datasets d WHERE d.id = ?`).get(id) as DatasetRow | undefined
    if (!row) throw new InputError(`There is no dataset ${id}.`, 'It may have been deleted; refresh the list.')
    return this.datasetSummary(row)
  }

  getDatasetData(id: DatasetId): DatasetData {
    const summary = this.getDataset(id)
    if (summary.linked) {
      throw new InputError(`Dataset "${summary.name}" is linked: its rows stay in its files and are read in pages, not loaded.`, 'Its Data tab pages through the files; training reads them in chunks.')
    }
    const columns = this.db.prepare('SELECT data FROM dataset_columns WHERE dataset_id = ? ORDER BY position').all(id) as { data: Buffer }[]
    const source = this.datasetSource(id)
    const textColumns = this.storedTextColumns(id)
    return { ...summary, data: columns.map((c) => fromBlob(c.data)), firstRowNumber: source.firstRowNumber, rowGaps: source.rowGaps, preparation: this.getPreparation(id), textColumns }
  }

  /** The dataset as a formula reads it: the numeric table and the text columns, dictionary-encoded. */
  loadFormulaData(id: DatasetId): FormulaData {
    const table = this.loadTable(id)
    return { table, textColumns: textColumnsFromUpload(this.storedTextColumns(id), table.rowCount, table.source.file ?? '') }
  }

  private storedTextColumns(id: DatasetId): { name: string; levels: string[]; codes: Float64Array }[] {
    const rows = this.db.prepare('SELECT name, levels, codes FROM dataset_text_columns WHERE dataset_id = ? ORDER BY position').all(id) as { name: string; levels: string; codes: Buffer }[]
    return rows.map((r) => ({ name: r.name, levels: JSON.parse(r.levels) as string[], codes: fromBlob(r.codes) }))
  }

  private textColumnNames(id: DatasetId): string[] {
    return (this.db.prepare('SELECT name FROM dataset_text_columns WHERE dataset_id = ? ORDER BY position').all(id) as { name: string }[]).map((r) => r.name)
  }

  /** The dataset as a Table for training, with its row numbering and cell texts for messages. */
  loadTable(id: DatasetId): Table {
    const data = this.getDatasetData(id)
    const source = this.datasetSource(id)
    return tableFromPlain({ names: data.columns, columns: data.data, source: { file: data.fileName, firstRowNumber: source.firstRowNumber, rowGaps: source.rowGaps, cellText: source.cellText, excluded: source.excluded } })
  }

  /** Deletes a dataset; one with runs only when `withRuns` (the UI asks first). */
  deleteDataset(id: DatasetId, withRuns: boolean): { deletedRuns: number; runIds: RunId[] } {
    const summary = this.getDataset(id)
    const runIds = (this.db.prepare('SELECT id FROM runs WHERE dataset_id = ?').all(id) as { id: number }[]).map((r) => r.id)
    if (runIds.length && !withRuns) {
      throw new InputError(
        `Dataset "${summary.name}" has ${runIds.length} run${runIds.length === 1 ? '' : 's'}.`,
        'Delete it together with its runs, or keep it.',
      )
    }
    this.reapOrphans()
    const active = this.db.prepare(`SELECT count(*) AS n FROM runs WHERE dataset_id = ? AND status IN (${ACTIVE})`).get(id) as { n: number }
    if (active.n) throw new InputError(`Dataset "${summary.name}" has runs that are still training.`, 'Stop them first, then delete the dataset.')
    const linkId = this.datasetSource(id).linked
    this.write(() =>
      this.db.transaction(() => {
        this.db.prepare('DELETE FROM runs WHERE dataset_id = ?').run(id)
        this.db.prepare('DELETE FROM datasets WHERE id = ?').run(id)
        // A linked dataset's link goes with it; its files are never touched.
        if (linkId !== undefined) this.db.prepare('DELETE FROM linked_datasets WHERE id = ?').run(linkId)
      })(),
    )
    return { deletedRuns: runIds.length, runIds }
  }

  // ---------- runs ----------

  createRun(run: NewRun): RunId {
    this.getDataset(run.datasetId)
    const result = this.write(() =>
      this.db
        .prepare('INSERT INTO runs (name, dataset_id, group_id, target, features, config, status, created_at, owner_id, formula) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)')
        .run(run.name, run.datasetId, run.groupId ?? null, run.target, JSON.stringify(run.features), JSON.stringify(run.config), 'queued', this.now().toISOString(), this.ownerId(), run.formula ?? null),
    )
    return Number(result.lastInsertRowid)
  }

  markRunning(id: RunId): void {
    this.write(() => this.db.prepare("UPDATE runs SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'").run(this.now().toISOString(), id))
  }

  /** Appends a batch of epochs [from, from + loss.length): one row, whatever the batch size. */
  appendHistory(id: RunId, from: number, loss: Float64Array, valLoss: Float64Array | null, elapsedMs: number | null = null): void {
    if (loss.length === 0) return
    let best = Infinity
    for (let i = 0; i < loss.length; i++) if (loss[i]! < best) best = loss[i]!
    const last = loss.length - 1
    this.write(() =>
      this.db.transaction(() => {
        this.statements.insertChunk.run(id, from, toBlob(loss), valLoss ? toBlob(valLoss) : null, elapsedMs)
        this.statements.progress.run(from + loss.length, loss[last]!, valLoss ? valLoss[last]! : null, best, best, id)
      })(),
    )
  }

  finishRun(id: RunId, finish: RunFinish): void {
    this.write(() =>
      this.db
        .prepare(
          `UPDATE runs SET status = ?, finished_at = ?, diverged_at = ?, train_ms = ?, outcome = ?, model = ?, error = ?,
             started_at = coalesce(started_at, ?) WHERE id = ?`,
        )
        .run(
          finish.status,
          this.now().toISOString(),
          finish.divergedAt ?? null,
          finish.trainMs ?? null,
          finish.outcome ? JSON.stringify(finish.outcome) : null,
          finish.model ? JSON.stringify(finish.model) : null,
          finish.error ?? null,
          this.now().toISOString(),
          id,
        ),
    )
  }

  /**
   * Runs whose owner is gone (run-owner.ts) become 'interrupted', keeping their history; the
   * runs of live processes, this one's included, are never touched. Every read of runs calls it,
   * so the first reader that can write stores the verdict; a read-only reader only shows it.
   */
  reapOrphans(): RunId[] {
    const candidates = () => {
      const rows = this.db
        .prepare(
          `SELECT r.id AS run_id, r.owner_id, o.id, o.pid, o.host, o.started_at, o.heartbeat_at
             FROM runs r LEFT JOIN run_owners o ON o.id = r.owner_id WHERE r.status IN (${ACTIVE})`,
        )
        .all() as (OwnerRow & { run_id: number; owner_id: string | null })[]
      const now = this.now().getTime()
      return rows.filter((r) => r.owner_id === null || (r.owner_id !== this.owner?.id && ownerIsGone(r.id === null ? null : r, now)))
    }
    if (!candidates().length) {
      this.unmarkedOrphans.clear()
      return []
    }
    try {
      // Decided again under the write lock: an owner cannot come back between the check and the mark.
      const reaped = this.db.transaction(() => {
        const gone = candidates()
        const mark = this.db.prepare(
          `UPDATE runs SET status = 'interrupted', finished_at = ?, error = ?
             WHERE id = ? AND status IN (${ACTIVE})`,
        )
        const forget = this.db.prepare('DELETE FROM run_owners WHERE id = ?')
        const at = this.now().toISOString()
        for (const r of gone) {
          mark.run(at, INTERRUPTED_SENTENCE, r.run_id)
          if (r.owner_id !== null) forget.run(r.owner_id)
        }
        return gone.map((r) => r.run_id)
      }).immediate()
      this.unmarkedOrphans.clear()
      return reaped
    } catch {
      // A read-only or busy database: say what is true without storing it; the next writer stores it.
      const gone = candidates().map((r) => r.run_id)
      this.unmarkedOrphans = new Set(gone)
      return gone
    }
  }

  listRuns(filterInput: RunFilter = {}): RunSummary[] {
    const filter = parseInput(runFilterSchema, filterInput, 'the run filter')
    const where: string[] = []
    const params: unknown[] = []
    if (filter.datasetId !== undefined) {
      where.push('r.dataset_id = ?')
      params.push(filter.datasetId)
    }
    if (filter.groupId !== undefined) {
      where.push('r.group_id = ?')
      params.push(filter.groupId)
    }
    if (filter.status?.length) {
      where.push(`r.status IN (${filter.status.map(() => '?').join(', ')})`)
      params.push(...filter.status)
    }
    if (filter.starred !== undefined) {
      where.push('r.starred = ?')
      params.push(filter.starred ? 1 : 0)
    }
    if (filter.tag !== undefined) {
      where.push('EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = r.id AND t.tag = ?)')
      params.push(filter.tag)
    }
    if (filter.search) {
      where.push("(r.name LIKE ? ESCAPE '\\' OR r.notes LIKE ? ESCAPE '\\' OR d.name LIKE ? ESCAPE '\\')")
      const like = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
      params.push(like, like, like)
    }
    this.reapOrphans() // before the status filter: a run whose owner is gone is listed as interrupted
    const sql = `SELECT ${RUN_COLUMNS} FROM runs r JOIN datasets d ON d.id = r.dataset_id ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY r.id DESC`
    return (this.db.prepare(sql).all(...params) as RunRow[]).map((r) => runSummary(this.asStoredOrReaped(r)))
  }

  getRunSummary(id: RunId): RunSummary {
    this.reapOrphans()
    return runSummary(this.asStoredOrReaped(this.runRow(id)))
  }

  getRun(id: RunId): RunDetail {
    this.reapOrphans()
    const row = this.asStoredOrReaped(this.runRow(id))
    const chunks = this.statements.chunks.all(id) as { first_epoch: number; loss: Buffer; val_loss: Buffer | null; elapsed_ms: number | null }[]
    const epochs = chunks.reduce((n, c) => Math.max(n, c.first_epoch + c.loss.byteLength / 8), 0)
    const loss = new Float64Array(epochs)
    const hasValidation = chunks.some((c) => c.val_loss !== null)
    const valLoss = hasValidation ? new Float64Array(epochs) : null
    for (const c of chunks) {
      loss.set(fromBlob(c.loss), c.first_epoch)
      if (valLoss && c.val_loss) valLoss.set(fromBlob(c.val_loss), c.first_epoch)
    }
    return {
      ...runSummary(row),
      config: JSON.parse(row.config) as TrainConfig,
      loss,
      valLoss,
      timeline: chunks.filter((c) => c.elapsed_ms !== null).map((c) => ({ epoch: c.first_epoch + c.loss.byteLength / 8, elapsedMs: c.elapsed_ms! })),
      outcome: row.outcome ? (JSON.parse(row.outcome) as StoredOutcome) : null,
      model: row.model ? (JSON.parse(row.model) as ModelDocument) : null,
      live: null,
    }
  }

  rename(id: RunId, name: string): void {
    this.runRow(id)
    this.write(() => this.db.prepare('UPDATE runs SET name = ? WHERE id = ?').run(name, id))
  }

  setStarred(id: RunId, starred: boolean): void {
    this.runRow(id)
    this.write(() => this.db.prepare('UPDATE runs SET starred = ? WHERE id = ?').run(starred ? 1 : 0, id))
  }

  setNotes(id: RunId, notes: string): void {
    this.runRow(id)
    this.write(() => this.db.prepare('UPDATE runs SET notes = ? WHERE id = ?').run(notes, id))
  }

  setTags(id: RunId, tags: string[]): void {
    this.runRow(id)
    this.write(() =>
      this.db.transaction(() => {
        this.db.prepare('DELETE FROM run_tags WHERE run_id = ?').run(id)
        const insert = this.db.prepare('INSERT OR IGNORE INTO run_tags (run_id, tag) VALUES (?, ?)')
        for (const t of tags) insert.run(id, t)
      })(),
    )
  }

  deleteRuns(ids: RunId[]): number {
    this.reapOrphans()
    const active = ids.filter((id) => {
      const row = this.db.prepare('SELECT status FROM runs WHERE id = ?').get(id) as { status: RunStatus } | undefined
      return row && (row.status === 'running' || row.status === 'queued')
    })
    if (active.length) throw new InputError(`Run ${active.join(', ')} is still training.`, 'Stop it first, then delete it.')
    return this.write(() =>
      this.db.transaction(() => {
        const del = this.db.prepare('DELETE FROM runs WHERE id = ?')
        return ids.reduce((n, id) => n + del.run(id).changes, 0)
      })(),
    )
  }

  close(): void {
    this.owner?.release()
    this.owner = null
    if (this.db.open) this.db.close()
  }

  // ---------- internals ----------

  private ownerId(): string {
    this.owner ??= this.write(() => new ProcessOwner(this.db, () => this.now().getTime()))
    return this.owner.id
  }

  /** A row as reapOrphans judged it, for a reader that could not store the verdict. */
  private asStoredOrReaped(row: RunRow): RunRow {
    if (!this.unmarkedOrphans.has(row.id)) return row
    return { ...row, status: 'interrupted', error: INTERRUPTED_SENTENCE }
  }

  private runRow(id: RunId): RunRow {
    const row = this.statements.run.get(id) as RunRow | undefined
    if (!row) throw new InputError(`There is no run ${id}.`, 'It may have been deleted; refresh the list (slope runs).')
    return row
  }

  private datasetSource(id: DatasetId): DatasetSource {
    const row = this.db.prepare('SELECT source FROM datasets WHERE id = ?').get(id) as { source: string }
    return { firstRowNumber: 2, rowGaps: [], excluded: [], cellText: [], importInfo: {}, oneHot: [], ...(JSON.parse(row.source) as Partial<DatasetSource>) }
  }

  private datasetSummary(r: DatasetRow): DatasetSummary {
    const source = { excluded: [], importInfo: {}, oneHot: [], ...(JSON.parse(r.source) as Partial<DatasetSource>) }
    if (source.linked !== undefined) return this.linkedSummary(r, source.linked)
    const columns = (this.db.prepare('SELECT name FROM dataset_columns WHERE dataset_id = ? ORDER BY position').all(r.id) as { name: string }[]).map((c) => c.name)
    const dummies = new Set(source.oneHot.flatMap((o) => o.levels.map((l) => dummyName(o.column, l))))
    const fileColumns = new Set([...columns.filter((c) => !dummies.has(c)), ...source.oneHot.map((o) => o.column), ...source.excluded.map((e) => e.name)]).size
    return {
      id: r.id,
      name: r.name,
      fileName: r.file_name,
      sha256: r.sha256,
      rows: r.row_count,
      columns,
      excluded: source.excluded,
      importInfo: source.importInfo,
      oneHot: source.oneHot,
      fileColumns,
      createdAt: r.created_at,
      runCount: r.run_count,
      linked: null,
    }
  }

  /**
   * A linked dataset's summary: `columns` are the numeric columns a model can use (those the link's
   * statistics pass covered), `rows` the link's row count, `linked` its files, size and statistics.
   */
  private linkedSummary(r: DatasetRow, linkId: number): DatasetSummary {
    const link = this.db.prepare('SELECT id, pattern, format, files, columns, statistics, row_count FROM linked_datasets WHERE id = ?').get(linkId) as LinkedSummaryRow | undefined
    if (!link) throw new InputError(`The link of dataset "${r.name}" is missing from the database.`, 'Delete the dataset and link its files again.')
    const files = JSON.parse(link.files) as { sizeBytes: number }[]
    const columns = JSON.parse(link.columns) as { name: string; type: string }[]
    const statistics = JSON.parse(link.statistics) as { columns: { name: string; count: number; mean: number; std: number; min: number; max: number }[] }
    const stat = new Map(statistics.columns.map((c) => [c.name, c]))
    const finite = (v: number | undefined) => (v === undefined || v === null || !Number.isFinite(v) ? null : v)
    return {
      id: r.id,
      name: r.name,
      fileName: r.file_name,
      sha256: r.sha256,
      rows: link.row_count,
      columns: statistics.columns.map((c) => c.name),
      excluded: columns.filter((c) => !stat.has(c.name)).map((c) => ({ name: c.name, reason: `is ${c.type}, not numeric` })),
      importInfo: { linked: link.pattern },
      oneHot: [],
      fileColumns: columns.length,
      createdAt: r.created_at,
      runCount: r.run_count,
      linked: {
        linkId: link.id,
        pattern: link.pattern,
        format: link.format,
        files: files.length,
        bytes: files.reduce((sum, f) => sum + f.sizeBytes, 0),
        columns: columns.map((c) => {
          const s = stat.get(c.name)
          return { name: c.name, type: c.type, numeric: s !== undefined, count: finite(s?.count), mean: finite(s?.mean), std: finite(s?.std), min: finite(s?.min), max: finite(s?.max) }
        }),
      },
    }
  }

  private write<T>(fn: () => T): T {
    try {
      return fn()
    } catch (e) {
      throw databaseError(e, this.path)
    }
  }
}

function runSummary(r: RunRow): RunSummary {
  const config = JSON.parse(r.config) as TrainConfig
  return {
    id: r.id,
    name: r.name,
    datasetId: r.dataset_id,
    datasetName: r.dataset_name,
    groupId: r.group_id,
    target: r.target,
    features: JSON.parse(r.features) as string[],
    formula: r.formula ?? null,
    status: r.status,
    paused: false,
    solver: config.solver,
    optimizer: config.optimizer,
    learningRate: config.learningRate,
    backend: config.backend,
    epochs: config.solver === 'lstsq' ? 0 : config.epochs,
    epochsRun: r.epochs_run,
    divergedAt: r.diverged_at,
    finalLoss: r.final_loss,
    bestLoss: r.best_loss,
    finalValLoss: r.final_val_loss,
    trainMs: r.train_ms,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    starred: r.starred === 1,
    tags: r.tags ? (JSON.parse(r.tags) as string[]) : [],
    notes: r.notes,
    ...storedError(r.error),
  }
}

/** Float64Array ↔ BLOB (little-endian, the byte order of every platform Slope runs on). */
export function toBlob(a: Float64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength)
}

export function fromBlob(b: Buffer | Uint8Array): Float64Array {
  // Copy: a Buffer from SQLite may start at an offset that is not a multiple of 8.
  const out = new Float64Array(b.byteLength / 8)
  new Uint8Array(out.buffer).set(b)
  return out
}

/** The `error` column as the summary's sentence and, for bad input with fixes, its structured form. */
function storedError(stored: string | null): Pick<RunSummary, 'error' | 'failure'> {
  const decoded = decodeRunError(stored)
  return { error: decoded?.sentence ?? null, failure: decoded?.failure ?? null }
}
