import { appendFileSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../services/database'
import { tempDir } from '../testing/temp'
import { LinkedSource } from './linked-source'
import { checkLinkedFiles, findLinkedDataset, getLinkedDataset, linkDataset } from './linked-store'

const dir = tempDir('slope-linked-store-')

function csv(path: string, rows: number): void {
  const lines = ['x,y,label']
  for (let i = 0; i < rows; i++) lines.push(`${i},${2 * i + 1},r${i % 3}`)
  writeFileSync(path, lines.join('\n') + '\n')
}

async function linked(pattern: string) {
  const db = openDatabase(join(dir, `slope-${Math.random().toString(36).slice(2)}.db`))
  const source = await LinkedSource.open(pattern)
  try {
    return { db, dataset: await linkDataset(db, source, 'sales') }
  } finally {
    source.close()
  }
}

async function currentFiles(pattern: string): Promise<string[]> {
  const source = await LinkedSource.open(pattern)
  try {
    return [...source.files]
  } finally {
    source.close()
  }
}

describe('linked datasets in the database', () => {
  it('stores the files, columns and statistics of one pass, and reads them back', async () => {
    const path = join(dir, 'a.csv')
    csv(path, 101)
    const { db, dataset } = await linked(path)
    expect(dataset.rowCount).toBe(101)
    expect(dataset.format).toBe('csv')
    expect(dataset.columns.map((c) => c.name)).toEqual(['x', 'y', 'label'])
    expect(dataset.statistics.columns.map((c) => c.name)).toEqual(['x', 'y']) // the text column has none
    expect(dataset.statistics.columns[0]!.mean).toBe(50)
    expect(dataset.files[0]!.sizeBytes).toBe(statSync(path).size)
    expect(findLinkedDataset(db, path)).toEqual(getLinkedDataset(db, dataset.id))
    await expect(checkLinkedFiles(dataset, [path])).resolves.toBeUndefined()
    db.close()
  })

  it('reports a changed file before training: which file and what changed', async () => {
    const path = join(dir, 'b.csv')
    csv(path, 50)
    const { db, dataset } = await linked(path)
    appendFileSync(path, '50,101,r2\n')
    await expect(checkLinkedFiles(dataset, [path])).rejects.toThrow(`The linked file "${path}" changed since it was linked: its size went from`)
    db.close()
  })

  it('reports a file rewritten with the same size by its modification time', async () => {
    const path = join(dir, 'c.csv')
    csv(path, 50)
    const { db, dataset } = await linked(path)
    writeFileSync(path, readFileSync(path, 'utf8').replace('r0', 'q0'))
    utimesSync(path, new Date(), new Date(dataset.files[0]!.mtimeMs + 60_000))
    await expect(checkLinkedFiles(dataset, [path])).rejects.toThrow(/changed since it was linked: it was modified at/)
    db.close()
  })

  it('reports a moved file and a new file matched by the glob', async () => {
    csv(join(dir, 'part-1.csv'), 20)
    csv(join(dir, 'part-2.csv'), 20)
    const glob = join(dir, 'part-*.csv')
    const { db, dataset } = await linked(glob)
    expect(dataset.files).toHaveLength(2)
    expect(dataset.rowCount).toBe(40)
    csv(join(dir, 'part-3.csv'), 20)
    await expect(checkLinkedFiles(dataset, await currentFiles(glob))).rejects.toThrow(/now also matches ".*part-3.csv", which was not there/)
    renameSync(join(dir, 'part-1.csv'), join(dir, 'moved.csv'))
    await expect(checkLinkedFiles(dataset, await currentFiles(glob))).rejects.toThrow(/part-1.csv" is gone: it was moved, renamed or deleted/)
    db.close()
  })
})
