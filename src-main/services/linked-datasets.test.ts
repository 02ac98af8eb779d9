import { appendFileSync, existsSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { describe, expect, it } from 'vitest'
import type { DatasetPage, DatasetSummary, WireError } from '../../src-core/contract'
import { parseTrainConfig } from '../../src-core/train/config'
import { createLinkedRun } from '../linked/linked-run-store'
import { appConnections, errorOf, valueOf } from '../testing/app-connection'
import { resolveLinkPattern } from './linked-datasets'

const { dir, connection } = appConnections('slope-linked-app-')

/** Rows i = first … first + n − 1 of x = i, y = 2i + 1, label = "r{i mod 3}": every cell known by hand. */
function csv(path: string, first: number, n: number): void {
  const lines = ['x,y,label']
  for (let i = first; i < first + n; i++) lines.push(`${i},${2 * i + 1},r${i % 3}`)
  writeFileSync(path, lines.join('\n') + '\n')
}

async function toParquet(csvPath: string, parquetPath: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:')
  const c = await instance.connect()
  await c.run(`COPY (SELECT * FROM read_csv('${csvPath}', header = true)) TO '${parquetPath}' (FORMAT parquet, ROW_GROUP_SIZE 1000)`)
  c.closeSync()
  instance.closeSync()
}

describe('linked datasets in the app (datasets.link, list, page, checkLinked, delete)', () => {
  it('resolves ~ and relative paths against the home folder, absolute ones as they are', () => {
    expect(resolveLinkPattern('~', '/home/u')).toBe('/home/u')
    expect(resolveLinkPattern('~/data/a-*.csv', '/home/u')).toBe('/home/u/data/a-*.csv')
    expect(resolveLinkPattern('data/a.csv', '/home/u')).toBe('/home/u/data/a.csv')
    expect(resolveLinkPattern('/srv/x/../a.parquet', '/home/u')).toBe('/srv/a.parquet')
  })

  it('links a glob: listed with its size, files, numeric columns and statistics; datasets.get refuses it', async () => {
    const c = connection()
    const a = join(dir, 'sales-1.csv')
    const b = join(dir, 'sales-2.csv')
    csv(a, 0, 600)
    csv(b, 600, 400)
    const summary = valueOf<DatasetSummary>(await c.call('datasets.link', { pattern: join(dir, 'sales-*.csv') }))
    expect(c.events).toEqual([{ event: 'datasets.changed', payload: { datasetIds: [summary.id] } }])
    const listed = valueOf<DatasetSummary[]>(await c.call('datasets.list'))
    expect(listed).toEqual([summary])
    expect(summary.rows).toBe(1000)
    expect(summary.columns).toEqual(['x', 'y']) // the numeric columns a model can use
    expect(summary.fileColumns).toBe(3)
    const linked = summary.linked!
    expect(linked.pattern).toBe(join(dir, 'sales-*.csv'))
    expect(linked.format).toBe('csv')
    expect(linked.files).toBe(2)
    expect(linked.bytes).toBe(statSync(a).size + statSync(b).size)
    // x = 0…999: mean 499.5, population sd √((n² − 1)/12); y = 2x + 1.
    const x = linked.columns.find((col) => col.name === 'x')!
    expect(x).toMatchObject({ numeric: true, count: 1000, mean: 499.5, min: 0, max: 999 })
    expect(x.std).toBeCloseTo(Math.sqrt((1000 ** 2 - 1) / 12), 9)
    expect(linked.columns.find((col) => col.name === 'y')).toMatchObject({ numeric: true, mean: 1000, min: 1, max: 1999 })
    expect(linked.columns.find((col) => col.name === 'label')).toEqual({ name: 'label', type: 'VARCHAR', numeric: false, count: null, mean: null, std: null, min: null, max: null })
    const refused = errorOf(await c.call('datasets.get', summary.id))
    expect(refused.inputError).toBe(true)
    expect(refused.message).toBe(`Dataset "${summary.name}" is linked: its rows stay in its files and are read in pages, not loaded.`)
    expect(c.logged).toEqual([])
  })

  it('pages through the files in path order, across the boundary between files, and through Parquet', async () => {
    const c = connection()
    csv(join(dir, 'page-1.csv'), 0, 300)
    csv(join(dir, 'page-2.csv'), 300, 300)
    const summary = valueOf<DatasetSummary>(await c.call('datasets.link', { pattern: join(dir, 'page-*.csv') }))
    const page = valueOf<DatasetPage>(await c.call('datasets.page', summary.id, { offset: 295, limit: 10 }))
    expect(page.columns.map((col) => col.name)).toEqual(['x', 'y', 'label'])
    expect(page.offset).toBe(295)
    expect(page.totalRows).toBe(600)
    expect(page.rows).toEqual(Array.from({ length: 10 }, (_, k) => [295 + k, 2 * (295 + k) + 1, `r${(295 + k) % 3}`]))
    // The last page is short; a page past the end is empty.
    expect(valueOf<DatasetPage>(await c.call('datasets.page', summary.id, { offset: 595, limit: 100 })).rows).toHaveLength(5)
    expect(valueOf<DatasetPage>(await c.call('datasets.page', summary.id, { offset: 600, limit: 100 })).rows).toEqual([])

    csv(join(dir, 'pq.csv'), 0, 2500)
    await toParquet(join(dir, 'pq.csv'), join(dir, 'pq.parquet'))
    const pq = valueOf<DatasetSummary>(await c.call('datasets.link', { pattern: join(dir, 'pq.parquet') }))
    expect(pq.linked!.format).toBe('parquet')
    const rows = valueOf<DatasetPage>(await c.call('datasets.page', pq.id, { offset: 1998, limit: 4 })).rows
    expect(rows).toEqual([1998, 1999, 2000, 2001].map((i) => [i, 2 * i + 1, `r${i % 3}`]))
    // An imported dataset has no pages.
    expect(errorOf(await c.call('datasets.page', 12345, {})).message).toBe('There is no dataset 12345.')
    expect(c.logged).toEqual([])
  })

  it('a path linked before: the same link while unchanged; a changed file is a sentence until relinked', async () => {
    const c = connection()
    const path = join(dir, 'again.csv')
    csv(path, 0, 50)
    const first = valueOf<DatasetSummary>(await c.call('datasets.link', { pattern: path, name: 'again' }))
    expect(first.name).toBe('again (linked)')
    expect(valueOf<DatasetSummary>(await c.call('datasets.link', { pattern: path })).id).toBe(first.id)
    expect(valueOf(await c.call('datasets.checkLinked', first.id))).toBeNull()
    appendFileSync(path, '50,101,r2\n')
    const changed = errorOf(await c.call('datasets.link', { pattern: path }))
    expect(changed.message).toMatch(new RegExp(`^The linked file "${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" changed since it was linked: its size went from`))
    expect(changed.hint).toBe('Link it again with "relink" to use the files as they are now, or put the original files back.')
    expect(valueOf<WireError>(await c.call('datasets.checkLinked', first.id)).message).toBe(changed.message)
    expect(errorOf(await c.call('datasets.page', first.id, {})).message).toBe(changed.message)
    const relinked = valueOf<DatasetSummary>(await c.call('datasets.link', { pattern: path, relink: true }))
    expect(relinked.id).not.toBe(first.id)
    expect(relinked.rows).toBe(51)
    // The old link had no runs: the new one replaces it in the list.
    expect(valueOf<DatasetSummary[]>(await c.call('datasets.list')).map((d) => d.id)).toEqual([relinked.id])
    expect(valueOf<DatasetPage>(await c.call('datasets.page', relinked.id, { offset: 50, limit: 1 })).rows).toEqual([[50, 101, 'r2']])
    expect(c.logged).toEqual([])
  })

  it('a path that matches nothing: the sentence, nothing stored', async () => {
    const c = connection()
    const error = errorOf(await c.call('datasets.link', { pattern: join(dir, 'nothing-*.csv') }))
    expect(error.message).toBe(`No file matches "${join(dir, 'nothing-*.csv')}".`)
    expect(valueOf<DatasetSummary[]>(await c.call('datasets.list'))).toEqual([])
    expect(c.logged).toEqual([])
  })

  it('deleting a linked dataset removes its link and (when asked) its runs, and never its files', async () => {
    const c = connection()
    const path = join(dir, 'delete-me.csv')
    csv(path, 0, 20)
    const summary = valueOf<DatasetSummary>(await c.call('datasets.link', { pattern: path }))
    const store = c.services.store
    const runId = createLinkedRun(store, { name: 'r', datasetId: summary.id, target: 'y', features: ['x'], config: parseTrainConfig({}) }, { linkedDatasetId: summary.linked!.linkId, pattern: path, where: null, files: 1 })
    expect(errorOf(await c.call('datasets.delete', summary.id)).message).toBe(`Dataset "${summary.name}" has 1 run.`)
    store.finishRun(runId, { status: 'cancelled' })
    expect(valueOf(await c.call('datasets.delete', summary.id, { withRuns: true }))).toEqual({ deletedRuns: 1 })
    expect(valueOf<DatasetSummary[]>(await c.call('datasets.list'))).toEqual([])
    expect(store.db.prepare('SELECT count(*) AS n FROM linked_datasets').get()).toEqual({ n: 0 })
    expect(existsSync(path)).toBe(true)
    expect(statSync(path).size).toBeGreaterThan(0)
    // Linked again, it is a new link (a statistics pass), not the deleted one.
    const again = valueOf<DatasetSummary>(await c.call('datasets.link', { pattern: path }))
    expect(again.rows).toBe(20)
    expect(c.logged).toEqual([])
  })
})
