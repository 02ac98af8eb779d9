import { stat } from 'node:fs/promises'
import type Database from 'better-sqlite3'
import { InputError } from '../../src-core/errors'
import { fingerprintFile, type LinkedColumn, type LinkedFile, type LinkedFormat, type LinkedSource, type LinkedStatistics } from './linked-source'

/**
 * Linked datasets in the Slope database (migration 6, table linked_datasets): what the files were
 * when they were linked. Kept beside RunStore (it takes the same better-sqlite3 handle) so that
 * the dataset code of run-store.ts stays about imported tables.
 */

export interface LinkedDataset {
  id: number
  name: string
  pattern: string
  format: LinkedFormat
  files: LinkedFile[]
  columns: LinkedColumn[]
  statistics: LinkedStatistics
  rowCount: number
  createdAt: string
}

interface LinkedRow {
  id: number
  name: string
  pattern: string
  format: LinkedFormat
  files: string
  columns: string
  statistics: string
  row_count: number
  created_at: string
}

function fromRow(r: LinkedRow): LinkedDataset {
  return {
    id: r.id,
    name: r.name,
    pattern: r.pattern,
    format: r.format,
    files: JSON.parse(r.files) as LinkedFile[],
    columns: JSON.parse(r.columns) as LinkedColumn[],
    statistics: JSON.parse(r.statistics) as LinkedStatistics,
    rowCount: r.row_count,
    createdAt: r.created_at,
  }
}

/** Links an opened source: its files' fingerprints and one statistics pass over its numeric columns. */
export async function linkDataset(db: Database.Database, source: LinkedSource, name: string, now = new Date()): Promise<LinkedDataset> {
  const files = await source.fingerprints()
  const numeric = source.columns.filter((c) => /^(DOUBLE|FLOAT|REAL|DECIMAL|BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT)/.test(c.type)).map((c) => c.name)
  const statistics = await source.statistics(numeric)
  const id = Number(
    db.prepare(
      `INSERT INTO linked_datasets (name, pattern, format, files, columns, statistics, row_count, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(name, source.pattern, source.format, JSON.stringify(files), JSON.stringify(source.columns), JSON.stringify(statistics), statistics.rows, now.toISOString()).lastInsertRowid,
  )
  return getLinkedDataset(db, id)
}

export function getLinkedDataset(db: Database.Database, id: number): LinkedDataset {
  const row = db.prepare('SELECT * FROM linked_datasets WHERE id = ?').get(id) as LinkedRow | undefined
  if (!row) throw new InputError(`There is no linked dataset ${id}.`, 'List them with slope runs, or link the file again.')
  return fromRow(row)
}

/** The newest link of this path or glob, or null. */
export function findLinkedDataset(db: Database.Database, pattern: string): LinkedDataset | null {
  const row = db.prepare('SELECT * FROM linked_datasets WHERE pattern = ? ORDER BY id DESC LIMIT 1').get(pattern) as LinkedRow | undefined
  return row ? fromRow(row) : null
}

export function listLinkedDatasets(db: Database.Database): LinkedDataset[] {
  return (db.prepare('SELECT * FROM linked_datasets ORDER BY id DESC').all() as LinkedRow[]).map(fromRow)
}

const RELINK = 'Link it again (slope train … --link --relink) to use the new contents, or put the original file back.'

/**
 * Checks a linked dataset's files before training, in this order: a file gone (moved, renamed,
 * deleted), a different size, a different modification time, a different fingerprint with both the
 * same, and files the glob now matches that it did not. Throws one InputError naming the file and
 * what changed; a changed file is never read again silently.
 */
export async function checkLinkedFiles(linked: LinkedDataset, currentFiles: readonly string[]): Promise<void> {
  for (const file of linked.files) {
    const info = await stat(file.path).catch(() => null)
    if (!info) {
      throw new InputError(`The linked file "${file.path}" is gone: it was moved, renamed or deleted since it was linked.`, RELINK, { file: file.path })
    }
    const now = await fingerprintFile(file.path)
    if (now.sizeBytes !== file.sizeBytes) {
      throw new InputError(
        `The linked file "${file.path}" changed since it was linked: its size went from ${file.sizeBytes.toLocaleString('en-US')} to ${now.sizeBytes.toLocaleString('en-US')} bytes.`,
        RELINK,
        { file: file.path },
      )
    }
    if (now.mtimeMs !== file.mtimeMs) {
      throw new InputError(
        `The linked file "${file.path}" changed since it was linked: it was modified at ${new Date(now.mtimeMs).toISOString()} (linked at ${new Date(file.mtimeMs).toISOString()}).`,
        RELINK,
        { file: file.path },
      )
    }
    if (now.fingerprint !== file.fingerprint) {
      throw new InputError(`The linked file "${file.path}" changed since it was linked: its first or last MiB differs.`, RELINK, { file: file.path })
    }
  }
  const known = new Set(linked.files.map((f) => f.path))
  const added = currentFiles.filter((f) => !known.has(f))
  if (added.length > 0) {
    throw new InputError(
      `"${linked.pattern}" now also matches ${added.length === 1 ? `"${added[0]}"` : `${added.length} new files (first "${added[0]}")`}, which was not there when it was linked.`,
      'Link the glob again to include it, or move the new file elsewhere.',
      { file: added[0] },
    )
  }
}
