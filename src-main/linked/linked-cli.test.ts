import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../testing/run-cli'
import { tempDir } from '../testing/temp'

const dir = tempDir('slope-linked-cli-')

describe('slope train --link', () => {
  it('fits exact least squares streamed from a linked CSV, with --where bound to the file', async () => {
    // y = 1 + 2x exactly on the rows kept by the filter; the rows it drops would pull the fit away.
    const lines = ['x,y,region']
    for (let i = 0; i < 5000; i++) lines.push(`${i},${1 + 2 * i + (i % 2 === 0 ? 0.5 : -0.5)},EU`)
    for (let i = 0; i < 100; i++) lines.push(`${i},${1000 - i},US`)
    const path = join(dir, 'linked.csv')
    writeFileSync(path, lines.join('\n') + '\n')
    const result = await runCli(['train', path, '--link', '--target', 'y', '--features', 'x', '--where', "region = 'EU'", '--memory-limit', '256MiB'])
    expect(result.stderr).not.toContain('error')
    expect(result.stderr).toMatch(/pass 1\/3: 5,000 rows, [\d,]+ rows\/s/) // progress on stderr
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('on 5,000 rows')
    expect(result.stdout).toMatch(/\(intercept\)\s+1(\s|\.0)/)
    expect(result.stdout).toMatch(/x\s+2(\s|\.0)/)
  })

  it('names an unknown column of the --where filter in one sentence', async () => {
    const path = join(dir, 'small.csv')
    writeFileSync(path, 'x,y\n1,2\n2,4\n3,7\n')
    const result = await runCli(['train', path, '--link', '--target', 'y', '--where', 'z > 1'])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^error: The --where filter names the column "z", which the file does not have\. Its columns are: x, y\./)
  })
  it('refuses an option only the in-memory path has with what linked training takes, and the way out (--import)', async () => {
    const path = join(dir, 'options.csv')
    writeFileSync(path, 'x,y\n1,2\n2,4\n3,7\n')
    const linked = await runCli(['train', path, '--link', '--target', 'y', '--json', '--no-db'])
    expect(linked.code).toBe(2)
    expect(linked.stderr).toMatch(/^error: Unknown option '--json'\. Training on linked data \(read in place through DuckDB\) takes --target, .* add --import to read the file into memory and use every option\. See slope train --help\.\n$/)
    // The same file and options with --import train in memory.
    const imported = await runCli(['train', path, '--import', '--target', 'y', '--json', '--no-db', '--solver', 'lstsq'])
    expect(imported.code, imported.stderr).toBe(0)
    expect(JSON.parse(imported.stdout).model.features).toEqual(['x'])
  })
})

describe('slope train --link with a database', () => {
  it('links the file on the first run and stops the next one when the file changed', async () => {
    const path = join(dir, 'changing.csv')
    writeFileSync(path, 'x,y\n1,2\n2,4\n3,7\n4,8\n')
    const db = join(dir, 'changing.db')
    const first = await runCli(['train', path, '--link', '--target', 'y', '--db', db])
    expect(first.code).toBe(0)
    const again = await runCli(['train', path, '--link', '--target', 'y', '--db', db])
    expect(again.code).toBe(0)
    writeFileSync(path, 'x,y\n1,2\n2,4\n3,7\n4,8\n5,11\n')
    const changed = await runCli(['train', path, '--link', '--target', 'y', '--db', db])
    expect(changed.code).toBe(1)
    expect(changed.stderr).toContain(`error: The linked file "${path}" changed since it was linked: its size went from 20 to 25 bytes.`)
    expect(changed.stdout).toBe('')
    const relinked = await runCli(['train', path, '--link', '--relink', '--target', 'y', '--db', db])
    expect(relinked.code).toBe(0)
    expect(relinked.stdout).toContain('on 5 rows')
  })
})
