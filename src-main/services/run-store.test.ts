import Database from 'better-sqlite3'
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { InputError } from '../../src-core/errors'
import { tableToUpload } from '../../src-core/dataset-upload'
import { importBytes } from '../../src-core/testing/import-helpers'
import { oneHotEncode } from '../../src-core/table/one-hot'
import { spreadsheetRow } from '../../src-core/table/table'
import { parseTrainConfig } from '../../src-core/train/config'
import { sha256, tutorialUpload } from '../testing/datasets'
import { tempDir } from '../testing/temp'
import { APPLICATION_ID, openDatabase } from './database'
import { migrations } from './migrations'
import { RunStore } from './run-store'
import { LEASE_MS, ownerIsGone, type OwnerRow } from './run-owner'
import { inputErrorOf as error } from '../../src-core/testing/input-error'

const dir = tempDir()
let counter = 0
function freshStore(): RunStore {
  const path = join(dir, `store-${++counter}.db`)
  return new RunStore(openDatabase(path), path)
}


describe('database file', () => {
  it('is WAL, enforces foreign keys, and carries the schema version and Slope’s application id', () => {
    const store = freshStore()
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(store.db.pragma('user_version', { simple: true })).toBe(migrations.length)
    expect(store.db.pragma('application_id', { simple: true })).toBe(APPLICATION_ID)
    store.close()
  })

  it('upgrades a database of an older schema in place, keeping its data', () => {
    const path = join(dir, 'v1.db')
    const old = new Database(path)
    old.exec(migrations[0]!)
    old.pragma('user_version = 1')
    old.pragma(`application_id = ${APPLICATION_ID}`)
    old.prepare("INSERT INTO datasets (id, name, file_name, sha256, row_count, created_at) VALUES (1, 'd', 'd.csv', ?, 0, '2026-01-01')").run('0'.repeat(64))
    old.prepare("INSERT INTO runs (name, dataset_id, target, features, config, status, created_at) VALUES ('r', 1, 'y', '[]', '{}', 'completed', '2026-01-01')").run()
    old.prepare('INSERT INTO loss_chunks (run_id, first_epoch, loss) VALUES (1, 0, ?)').run(Buffer.from(Float64Array.from([3, 2]).buffer))
    old.close()
    const db = openDatabase(path)
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length)
    expect(db.prepare('SELECT elapsed_ms FROM loss_chunks').get()).toEqual({ elapsed_ms: null })
    expect(db.prepare('SELECT name FROM runs').get()).toEqual({ name: 'r' })
    db.close()
  })

  it('refuses a file that is not SQLite, and leaves it byte for byte as it was', () => {
    const path = join(dir, 'notes.db')
    writeFileSync(path, 'these are my notes, not a database\n')
    const e = error(() => openDatabase(path))
    expect(e.message).toBe(`${path} is not a Slope database (it is not even SQLite); it was left untouched.`)
    expect(readFileSync(path, 'utf8')).toBe('these are my notes, not a database\n')
  })

  it('refuses another program’s SQLite database', () => {
    const path = join(dir, 'other.db')
    const other = new Database(path)
    other.exec('CREATE TABLE contacts (name TEXT)')
    other.close()
    const before = readFileSync(path)
    expect(error(() => openDatabase(path)).message).toContain('another program, not Slope’s')
    expect(readFileSync(path).equals(before)).toBe(true)
  })

  it('refuses a database from a newer Slope', () => {
    const path = join(dir, 'newer.db')
    openDatabase(path).close()
    const raw = new Database(path)
    raw.pragma(`user_version = ${migrations.length + 5}`)
    raw.close()
    expect(error(() => openDatabase(path)).message).toContain(`written by a newer Slope (database version ${migrations.length + 5}`)
  })

  it('refuses a damaged database (quick_check) without writing to it', () => {
    const path = join(dir, 'damaged.db')
    const db = openDatabase(path)
    const store = new RunStore(db, path)
    store.addDataset({ ...tutorialUpload(), columns: [new Float64Array(20000), new Float64Array(20000)], names: ['x', 'y'] })
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.close()
    const bytes = readFileSync(path)
    // Scribble over a whole page in the middle of the file (not the header): a torn write, a bad disk.
    const pageSize = bytes.readUInt16BE(16)
    const middle = pageSize * Math.floor(bytes.length / pageSize / 2)
    bytes.fill(0xa5, middle, middle + pageSize)
    writeFileSync(path, bytes)
    expect(error(() => openDatabase(path)).message).toMatch(/is damaged|damaged or not a database/)
    expect(readFileSync(path).equals(bytes)).toBe(true)
  })

  it('reports a full disk as such (SQLite max_page_count makes the file full)', () => {
    const store = freshStore()
    store.db.pragma(`max_page_count = ${store.db.pragma('page_count', { simple: true })}`)
    const e = error(() => store.addDataset({ ...tutorialUpload(), columns: [new Float64Array(100000), new Float64Array(100000)] }))
    expect(e.message).toContain('is full, so Slope cannot save')
  })

  it('reports a read-only database', () => {
    const store = freshStore()
    store.db.pragma('query_only = ON') // SQLite itself refuses writes, as for a read-only file
    expect(error(() => store.addDataset(tutorialUpload())).message).toContain('cannot write')
  })

  it('reports a folder it cannot create the database in', () => {
    const file = join(dir, 'plain-file')
    writeFileSync(file, '')
    expect(error(() => openDatabase(join(file, 'slope.db'))).message).toContain('cannot write')
  })
})

describe('datasets', () => {
  it('stores columns once and gives back the same numbers', () => {
    const store = freshStore()
    const upload = tutorialUpload()
    const d = store.addDataset(upload)
    expect(d).toMatchObject({ name: 'tutorial', rows: 15, columns: ['x', 'y'], runCount: 0 })
    const table = store.loadTable(d.id)
    expect(Array.from(table.column('y'))).toEqual(Array.from(upload.columns[1]!))
    expect(table.source.file).toBe('tutorial.csv')
  })

  it('importing the same file again reuses the stored dataset', () => {
    const store = freshStore()
    const a = store.addDataset(tutorialUpload())
    const b = store.addDataset(tutorialUpload('again'))
    expect(b.id).toBe(a.id)
    const c = store.addDataset({ ...tutorialUpload(), sha256: sha256('other') })
    expect(c.id).not.toBe(a.id)
  })

  it('keeps cell texts and row numbering for messages', () => {
    const store = freshStore()
    const d = store.addDataset({ ...tutorialUpload(), cellText: [[1, 3, 'n/a']], firstRowNumber: 5, excluded: [{ name: 'city', reason: 'holds text' }] })
    const t = store.loadTable(d.id)
    expect(t.cellText(1, 3)).toBe('n/a')
    expect(t.rowNumber(0)).toBe(5)
    expect(store.getDataset(d.id).excluded).toEqual([{ name: 'city', reason: 'holds text' }])
  })

  it('keeps the spreadsheet rows of data after blank rows the importer skipped', async () => {
    // Header row 1, data rows 2–3, two blank lines (rows 4–5), data rows 6–7.
    const imported = await importBytes(new TextEncoder().encode('x,y\n1,2\n2,3\n,\n\n3,5\n4,8\n'), 'gaps.csv')
    expect([0, 1, 2, 3].map((i) => imported.table.rowNumber(i))).toEqual([2, 3, 6, 7])
    const store = freshStore()
    const d = store.addDataset(tableToUpload(imported.table, { name: 'gaps', fileName: 'gaps.csv', sha256: sha256('gaps') }))
    const t = store.loadTable(d.id)
    expect([0, 1, 2, 3].map((i) => t.rowNumber(i))).toEqual([2, 3, 6, 7])
    const data = store.getDatasetData(d.id)
    expect([0, 1, 2, 3].map((i) => spreadsheetRow(data, i))).toEqual([2, 3, 6, 7])
  })

  it('a column named "__proto__" is stored and loaded like any other', () => {
    const store = freshStore()
    const d = store.addDataset({ ...tutorialUpload(), names: ['__proto__', 'y'] })
    expect(store.loadTable(d.id).names).toEqual(['__proto__', 'y'])
  })

  it('a dataset with runs is deleted only together with them', () => {
    const store = freshStore()
    const d = store.addDataset(tutorialUpload())
    const run = store.createRun({ name: 'r', datasetId: d.id, target: 'y', features: ['x'], config: parseTrainConfig({}) })
    store.finishRun(run, { status: 'completed' })
    expect(error(() => store.deleteDataset(d.id, false)).message).toBe('Dataset "tutorial" has 1 run.')
    expect(store.deleteDataset(d.id, true).deletedRuns).toBe(1)
    expect(store.listRuns()).toEqual([])
    expect(store.listDatasets()).toEqual([])
  })
})

describe('dataset preparation and versions of one file (migration 4)', () => {
  const regions = '地区,a,b,y\n华北,1,2,3.5\n华南,2,1,4\n华北,3,5,9\n华东,4,3,8.5\n华南,5,4,10\n'

  /** The file read as the renderer uploads it, optionally with text columns one-hot encoded. */
  async function regionUpload(oneHot: string[] = []) {
    const imported = await importBytes(regions, 'regions.csv')
    const encoded = oneHot.length ? oneHotEncode(imported, oneHot) : null
    return {
      ...tableToUpload(encoded?.table ?? imported.table, { name: 'regions', fileName: 'regions.csv', sha256: sha256(regions) }),
      oneHot: encoded?.encodings.map(({ column, reference, levels }) => ({ column, reference, levels })) ?? [],
    }
  }

  it('keeps each dataset’s target, features and data settings in the file, across reopening it', () => {
    const store = freshStore()
    const d = store.addDataset(tutorialUpload())
    expect(store.getDatasetData(d.id).preparation).toBeNull()
    const saved = store.savePreparation(d.id, { target: 'x', features: ['y', 'x'], data: { standardize: false, validationFraction: 0.2 } })
    expect(saved).toEqual({ target: 'x', features: ['y'], data: { standardize: false, validationFraction: 0.2 }, formula: null }) // never its own feature
    store.close()
    const again = new RunStore(openDatabase(store.path), store.path)
    expect(again.getDatasetData(d.id).preparation).toEqual(saved)
    again.deleteDataset(d.id, false)
    expect(again.db.prepare('SELECT count(*) AS n FROM dataset_preparations').get()).toEqual({ n: 0 })
  })

  it('refuses a preparation naming a column the dataset does not have, with its columns', () => {
    const store = freshStore()
    const d = store.addDataset(tutorialUpload())
    const e = error(() => store.savePreparation(d.id, { target: '地区=华南', features: ['x'], data: {} }))
    expect(e.sentence).toBe('Dataset "tutorial" has no numeric column "地区=华南". Choose among its columns: x, y.')
    expect(store.getPreparation(d.id)).toBeNull()
  })

  it('counts the file’s columns, text ones included, not the one-hot dummies', async () => {
    const store = freshStore()
    const plain = store.addDataset(await regionUpload())
    expect(plain.columns).toEqual(['a', 'b', 'y'])
    expect(plain.fileColumns).toBe(4)
    const encoded = store.addDataset(await regionUpload(['地区']))
    expect(encoded.columns).toEqual(['a', 'b', 'y', '地区=华北', '地区=华南'])
    expect(encoded.fileColumns).toBe(4)
  })

  it('one-hot encoding a file again is one entry per file, inheriting its preparation plus the new dummies', async () => {
    const store = freshStore()
    const plain = store.addDataset(await regionUpload())
    store.savePreparation(plain.id, { target: 'y', features: ['a'], data: { missing: 'drop' } })
    const encoded = store.addDataset(await regionUpload(['地区']))
    expect(store.listDatasets().map((d) => d.id)).toEqual([encoded.id])
    expect(() => store.getDataset(plain.id)).toThrow(InputError) // no run used it: replaced
    expect(store.getPreparation(encoded.id)).toEqual({ target: 'y', features: ['a', '地区=华北', '地区=华南'], data: { missing: 'drop' }, formula: null })
  })

  it('a version with runs stays for them; only the newest is listed, and reading the first way again lists that one', async () => {
    const store = freshStore()
    const plain = store.addDataset(await regionUpload())
    store.finishRun(store.createRun({ name: 'r', datasetId: plain.id, target: 'y', features: ['a'], config: parseTrainConfig({}) }), { status: 'completed' })
    const encoded = store.addDataset(await regionUpload(['地区']))
    expect(store.listDatasets().map((d) => d.id)).toEqual([encoded.id])
    expect(store.getDataset(plain.id).runCount).toBe(1)
    expect(store.addDataset(await regionUpload()).id).toBe(plain.id)
    expect(store.listDatasets().map((d) => d.id)).toEqual([plain.id])
  })
})

describe('runs and loss history', () => {
  function withRun() {
    const store = freshStore()
    const d = store.addDataset(tutorialUpload())
    const id = store.createRun({ name: 'first', datasetId: d.id, target: 'y', features: ['x'], config: parseTrainConfig({ learningRate: 0.05, validationFraction: 0.2 }) })
    return { store, id, datasetId: d.id }
  }

  it('appends history in chunks and reads it back in order, with best and final loss', () => {
    const { store, id } = withRun()
    store.markRunning(id)
    store.appendHistory(id, 0, Float64Array.from([5, 3, 4]), Float64Array.from([6, 4, 5]))
    store.appendHistory(id, 3, Float64Array.from([2.5, 2]), Float64Array.from([3, 2.5]))
    const run = store.getRun(id)
    expect(Array.from(run.loss)).toEqual([5, 3, 4, 2.5, 2])
    expect(Array.from(run.valLoss!)).toEqual([6, 4, 5, 3, 2.5])
    expect(run).toMatchObject({ status: 'running', epochsRun: 5, finalLoss: 2, bestLoss: 2, finalValLoss: 2.5, learningRate: 0.05 })
    expect(store.db.prepare('SELECT count(*) AS n FROM loss_chunks').get()).toEqual({ n: 2 })
  })

  it('a million epochs are a handful of rows and load back exactly', () => {
    const { store, id } = withRun()
    const loss = Float64Array.from({ length: 1_000_000 }, (_, i) => 1 / (i + 1))
    for (let from = 0; from < loss.length; from += 50_000) store.appendHistory(id, from, loss.subarray(from, from + 50_000), null)
    const run = store.getRun(id)
    expect(run.loss.length).toBe(1_000_000)
    expect(run.loss[999_999]).toBe(1 / 1_000_000)
    expect(run.bestLoss).toBe(1 / 1_000_000)
  })

  it('runs left running or queued by a process that is gone become interrupted, history kept', () => {
    const { store, id, datasetId } = withRun()
    store.markRunning(id)
    store.appendHistory(id, 0, Float64Array.from([1, 0.5]), null)
    const queued = store.createRun({ name: 'waiting', datasetId, target: 'y', features: ['x'], config: parseTrainConfig({}) })
    const reader = new RunStore(openDatabase(store.path), store.path)
    // The owner (this process, through `store`) is alive: another store leaves its runs alone.
    expect(reader.reapOrphans()).toEqual([])
    expect(reader.listRuns().map((r) => r.status).sort()).toEqual(['queued', 'running'])
    // A clean close without finishing them releases the owner: now they are orphans.
    store.close()
    expect(reader.reapOrphans().sort()).toEqual([id, queued].sort())
    const run = reader.getRun(id)
    expect(run.status).toBe('interrupted')
    expect(Array.from(run.loss)).toEqual([1, 0.5])
    expect(run.error).toContain('history up to then is kept')
    expect(reader.db.prepare('SELECT count(*) AS n FROM run_owners').get()).toEqual({ n: 0 })
  })

  it('an owner is gone when its pid no longer exists on this host or its lease ran out; alive otherwise', async () => {
    const exited = spawnSync(process.execPath, ['-e', '0']).pid! // a pid that existed and has exited
    const now = 1_000_000_000_000
    const row = (over: Partial<OwnerRow>): OwnerRow => ({ id: 'o', pid: process.pid, host: hostname(), started_at: '', heartbeat_at: now, ...over })
    expect(ownerIsGone(row({}), now)).toBe(false)
    expect(ownerIsGone(row({ pid: exited }), now)).toBe(true)
    expect(ownerIsGone(row({ heartbeat_at: now - LEASE_MS - 1 }), now)).toBe(true) // a reused pid, a hung process
    expect(ownerIsGone(row({ heartbeat_at: now - LEASE_MS + 1 }), now)).toBe(false)
    expect(ownerIsGone(row({ pid: exited, host: 'another-machine' }), now)).toBe(false) // its pid means nothing here: the lease decides
    expect(ownerIsGone(null, now)).toBe(true)
  })

  it('a stale lease makes the runs interrupted for every reader; a read-only reader shows it without storing it', () => {
    const { store, id } = withRun()
    store.markRunning(id)
    const path = store.path
    // Age the lease of this store's owner as a process that hung for longer than LEASE_MS would.
    const other = new Database(path)
    other.prepare('UPDATE run_owners SET heartbeat_at = heartbeat_at - ?').run(LEASE_MS + 1000)
    other.close()
    const readOnly = new RunStore(new Database(path, { readonly: true }), path)
    expect(readOnly.listRuns().map((r) => [r.id, r.status])).toEqual([[id, 'interrupted']])
    expect(readOnly.getRunSummary(id).error).toContain('history up to then is kept')
    const raw = new Database(path, { readonly: true })
    expect(raw.prepare('SELECT status FROM runs WHERE id = ?').get(id)).toEqual({ status: 'running' })
    const writer = new RunStore(openDatabase(path), path)
    expect(writer.getRunSummary(id).status).toBe('interrupted')
    expect(raw.prepare('SELECT status FROM runs WHERE id = ?').get(id)).toEqual({ status: 'interrupted' })
    raw.close()
    readOnly.close()
    writer.close()
  })

  it('rename, star, tag, notes, filter and delete', () => {
    const { store, id, datasetId } = withRun()
    const other = store.createRun({ name: 'second', datasetId, target: 'y', features: ['x'], config: parseTrainConfig({}) })
    store.finishRun(id, { status: 'completed' })
    store.finishRun(other, { status: 'diverged', divergedAt: 3 })
    store.rename(id, 'baseline 50% off')
    store.setStarred(id, true)
    store.setTags(id, ['lr', 'baseline', 'lr'])
    store.setNotes(id, 'tutorial settings')
    expect(store.getRunSummary(id)).toMatchObject({ name: 'baseline 50% off', starred: true, tags: ['baseline', 'lr'], notes: 'tutorial settings' })
    expect(store.listRuns({ starred: true }).map((r) => r.id)).toEqual([id])
    expect(store.listRuns({ tag: 'lr' }).map((r) => r.id)).toEqual([id])
    expect(store.listRuns({ status: ['diverged'] }).map((r) => r.id)).toEqual([other])
    expect(store.listRuns({ search: '50%' }).map((r) => r.id)).toEqual([id]) // % is literal, not a wildcard
    expect(store.listRuns({ search: '0%' }).map((r) => r.id)).toEqual([id])
    expect(store.listRuns({ search: '%' }).length).toBe(1)
    expect(store.deleteRuns([id])).toBe(1)
    expect(store.db.prepare('SELECT count(*) AS n FROM run_tags').get()).toEqual({ n: 0 })
    expect(error(() => store.getRun(id)).message).toBe(`There is no run ${id}.`)
  })

  it('a run still training cannot be deleted', () => {
    const { store, id } = withRun()
    store.markRunning(id)
    expect(error(() => store.deleteRuns([id])).message).toContain('still training')
  })
})
