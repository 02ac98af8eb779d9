import { homedir } from 'node:os'
import { basename, isAbsolute, resolve } from 'node:path'
import type { DatasetId, DatasetPage, DatasetSummary, WireError } from '../../src-core/contract'
import { InputError, isInputError } from '../../src-core/errors'
import type { LinkedSource } from '../linked/linked-source'
import type { RunStore } from './run-store'

/**
 * The app's side of linked datasets (README "Linked datasets"): linking a path or glob, pages of
 * its rows, whether its files changed. DuckDB (linked-source.ts) is loaded on the first use only,
 * so a session that links nothing never loads it. Pages reuse one open LinkedSource per link while
 * they are being read (scrolling asks for many), closed after IDLE_CLOSE_MS without a page and on
 * close().
 */

const IDLE_CLOSE_MS = 30_000

const RELINK_HINT = 'Link it again with "relink" to use the files as they are now, or put the original files back.'

/** `~`, `~/…` and relative paths are the user's home's: the app has no working folder a user could know. */
export function resolveLinkPattern(pattern: string, home = homedir()): string {
  const trimmed = pattern.trim()
  if (trimmed === '~') return home
  if (trimmed.startsWith('~/') || trimmed.startsWith('~\\')) return resolve(home, trimmed.slice(2))
  return isAbsolute(trimmed) ? resolve(trimmed) : resolve(home, trimmed)
}

interface OpenSource {
  source: Promise<LinkedSource>
  /** Queries of one DuckDB connection, one after another. */
  queue: Promise<unknown>
  timer: NodeJS.Timeout | null
}

export class LinkedDatasets {
  private readonly open = new Map<number, OpenSource>()

  constructor(private readonly store: RunStore) {}

  /**
   * Links `pattern` (a file or glob on this machine; `~` and relative paths resolved against the
   * user's home). A path linked before is checked against what it was then: unchanged, it answers
   * with that link; changed, with the sentence saying what changed, unless `relink`. A new link is
   * one statistics pass over the numeric columns; the files are never copied or written.
   */
  async link(request: { pattern: string; name?: string; relink: boolean }): Promise<{ summary: DatasetSummary; created: boolean }> {
    const { LinkedSource } = await import('../linked/linked-source')
    const { checkLinkedFiles, findLinkedDataset, linkDataset } = await import('../linked/linked-store')
    const { linkedDatasetRow } = await import('../linked/linked-run-store')
    const source = await LinkedSource.open(resolveLinkPattern(pattern(request)))
    try {
      const known = findLinkedDataset(this.store.db, source.pattern)
      if (known && !request.relink) {
        try {
          await checkLinkedFiles(known, source.files)
        } catch (e) {
          if (isInputError(e)) throw new InputError(e.message, RELINK_HINT, e.where)
          throw e
        }
        return { summary: this.store.getDataset(linkedDatasetRow(this.store, known)), created: false }
      }
      const linked = await linkDataset(this.store.db, source, request.name ?? basename(source.pattern))
      const id = linkedDatasetRow(this.store, linked)
      if (known) this.dropUnusedLinks(source.pattern, id)
      return { summary: this.store.getDataset(id), created: true }
    } finally {
      source.close()
    }
  }

  /** Earlier links of the same files that no run uses: the new link replaces them (as a new version of an imported file does). */
  private dropUnusedLinks(pattern: string, keep: DatasetId): void {
    const rows = this.store.db
      .prepare(
        `SELECT d.id FROM datasets d JOIN linked_datasets l ON l.id = json_extract(d.source, '$.linked')
         WHERE l.pattern = ? AND d.id <> ? AND NOT EXISTS (SELECT 1 FROM runs r WHERE r.dataset_id = d.id)`,
      )
      .all(pattern, keep) as { id: number }[]
    for (const { id } of rows) {
      this.forget(this.store.getDataset(id).linked!.linkId)
      this.store.deleteDataset(id, false)
    }
  }

  /** Rows [offset, offset + limit) of a linked dataset, by DuckDB over its files in path order. */
  async page(id: DatasetId, range: { offset: number; limit: number }): Promise<DatasetPage> {
    const summary = this.store.getDataset(id)
    const linked = requireLinked(summary)
    const entry = this.entry(linked.linkId, linked.pattern)
    const run = entry.queue.then(async () => (await entry.source).page(range.offset, range.limit))
    entry.queue = run.catch(() => {})
    try {
      const page = await run
      return { ...page, offset: range.offset, totalRows: summary.rows }
    } catch (e) {
      // A file gone or rewritten under an open source: open it afresh next time.
      this.forget(linked.linkId)
      throw e
    }
  }

  /** null when the files are as they were linked, else the sentence saying which file changed and how. */
  async check(id: DatasetId): Promise<WireError | null> {
    const summary = this.store.getDataset(id)
    const linked = requireLinked(summary)
    const { LinkedSource } = await import('../linked/linked-source')
    const { checkLinkedFiles, getLinkedDataset } = await import('../linked/linked-store')
    try {
      // Opened afresh: the glob may match files now that it did not then.
      const source = await LinkedSource.open(linked.pattern)
      try {
        await checkLinkedFiles(getLinkedDataset(this.store.db, linked.linkId), source.files)
      } finally {
        source.close()
      }
      return null
    } catch (e) {
      if (!isInputError(e)) throw e
      return { inputError: true, message: e.message, hint: RELINK_HINT, where: e.where }
    }
  }

  /** Closes the open source of a link (deleted, relinked, or idle). */
  forget(linkId: number): void {
    const entry = this.open.get(linkId)
    if (!entry) return
    this.open.delete(linkId)
    if (entry.timer) clearTimeout(entry.timer)
    void entry.queue.then(() => entry.source).then((s) => s.close(), () => {})
  }

  async close(): Promise<void> {
    const entries = [...this.open.entries()]
    for (const [linkId] of entries) this.forget(linkId)
    await Promise.all(entries.map(([, e]) => e.queue.then(() => e.source).then(() => {}, () => {})))
  }

  private entry(linkId: number, linkPattern: string): OpenSource {
    let entry = this.open.get(linkId)
    if (!entry) {
      // Checked once per opening: a page of a changed file would not be the linked data (nor its row count).
      const opening = (async () => {
        const { LinkedSource } = await import('../linked/linked-source')
        const { checkLinkedFiles, getLinkedDataset } = await import('../linked/linked-store')
        const source = await LinkedSource.open(linkPattern)
        try {
          await checkLinkedFiles(getLinkedDataset(this.store.db, linkId), source.files)
        } catch (e) {
          source.close()
          throw isInputError(e) ? new InputError(e.message, RELINK_HINT, e.where) : e
        }
        return source
      })()
      entry = { source: opening, queue: opening.catch(() => {}), timer: null }
      this.open.set(linkId, entry)
      const opened = entry
      opening.catch(() => {
        if (this.open.get(linkId) === opened) this.open.delete(linkId)
      })
    }
    if (entry.timer) clearTimeout(entry.timer)
    entry.timer = setTimeout(() => this.forget(linkId), IDLE_CLOSE_MS)
    entry.timer.unref()
    return entry
  }
}

function pattern(request: { pattern: string }): string {
  if (request.pattern.trim() === '') throw new InputError('The path to link is empty.', 'Give a file or a glob such as ~/data/sales-*.parquet.')
  return request.pattern
}

function requireLinked(summary: DatasetSummary): NonNullable<DatasetSummary['linked']> {
  if (!summary.linked) throw new InputError(`Dataset "${summary.name}" is imported, not linked: its rows are in the database.`, 'Open it on the Data tab; pages are for linked datasets.')
  return summary.linked
}
