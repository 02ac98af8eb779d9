import { createHash } from 'node:crypto'
import { basename } from 'node:path'
import type { DatasetId, RunId } from '../../src-core/contract'
import type { NewRun, RunStore } from '../services/run-store'
import type { LinkedDataset } from './linked-store'

/**
 * Runs trained on linked files, saved as every other run (runs, loss_chunks; `slope runs`,
 * `slope export`): migration 7 gives a linked dataset one row in `datasets` — no dataset_columns,
 * its data stay in the files — for the runs' dataset_id, and each run its `linked` record.
 */

/** What a run on linked data read: the link, the path or glob, the filter and the number of files. */
export interface LinkedRunSource {
  linkedDatasetId: number
  pattern: string
  where: string | null
  files: number
}

/** The datasets row standing for a linked dataset, made on its first saved run. */
export function linkedDatasetRow(store: RunStore, linked: LinkedDataset): DatasetId {
  const known = store.db.prepare("SELECT id FROM datasets WHERE json_extract(source, '$.linked') = ?").get(linked.id) as { id: number } | undefined
  if (known) return known.id
  // The link's identity: its files' fingerprints (linked-source.ts), in path order.
  const sha256 = createHash('sha256')
    .update(linked.files.map((f) => `${f.path}\n${f.fingerprint}`).join('\n'))
    .digest('hex')
  const result = store.db
    .prepare('INSERT INTO datasets (name, file_name, sha256, row_count, source, created_at) VALUES (?, ?, ?, ?, ?, ?)')
    .run(`${linked.name} (linked)`, basename(linked.pattern), sha256, linked.rowCount, JSON.stringify({ linked: linked.id, importInfo: { linked: linked.pattern } }), new Date().toISOString())
  return Number(result.lastInsertRowid)
}

export function createLinkedRun(store: RunStore, run: NewRun, source: LinkedRunSource): RunId {
  const id = store.createRun(run)
  store.db.prepare('UPDATE runs SET linked = ? WHERE id = ?').run(JSON.stringify(source), id)
  return id
}

/** The linked record of a run; null for a run on imported data. */
export function linkedRunSource(store: RunStore, id: RunId): LinkedRunSource | null {
  const row = store.db.prepare('SELECT linked FROM runs WHERE id = ?').get(id) as { linked: string | null } | undefined
  return row?.linked ? (JSON.parse(row.linked) as LinkedRunSource) : null
}
