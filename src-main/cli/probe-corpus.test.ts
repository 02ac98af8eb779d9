import { execFileSync } from 'node:child_process'
import { mkdirSync, openSync, readFileSync, writeFileSync, writeSync, closeSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runCli } from '../testing/run-cli'
import { tempDir } from '../testing/temp'

/**
 * The probe corpus of issue 13: inputs, files and disk states that once answered "internal error"
 * (exit 70) or destroyed a file. Each case: the command, the one `error:` line expected, exit 1.
 * Disk-full and read-only disks are real: a 1 MiB tmpfs (`mount -t tmpfs`, needs root; those
 * cases are skipped, saying so, where mounting is not allowed).
 */
const dir = tempDir('slope-probe-')
const tutorial = 'resources/examples/tutorial.csv'
const mounted: string[] = []

function tmpfs(name: string): string | null {
  const at = join(dir, name)
  mkdirSync(at, { recursive: true })
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', at], { stdio: 'ignore' })
  } catch {
    return null
  }
  mounted.push(at)
  return at
}
afterAll(() => {
  for (const at of mounted.reverse()) execFileSync('umount', [at], { stdio: 'ignore' })
})

/** Fills the file system under `at` to the last byte. */
function fill(at: string): void {
  const fd = openSync(join(at, 'filler'), 'w')
  const block = Buffer.alloc(64 * 1024, 1)
  try {
    for (;;) writeSync(fd, block)
  } catch (e) {
    expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC')
  } finally {
    closeSync(fd)
  }
  for (const size of [4096, 512, 1]) {
    try {
      const small = openSync(join(at, `filler-${size}`), 'w')
      try {
        for (;;) writeSync(small, Buffer.alloc(size, 1))
      } finally {
        closeSync(small)
      }
    } catch {
      // full at this granularity too
    }
  }
}

async function expectSentence(args: string[], line: string | RegExp) {
  const r = await runCli(args)
  if (typeof line === 'string') expect(r.stderr).toBe(`error: ${line}\n`)
  else expect(r.stderr).toMatch(line)
  expect(r.stderr.split('\n').length, r.stderr).toBe(2) // one line
  expect(r.stderr).not.toContain('internal error')
  expect(r.code).toBe(1)
}

const canMount = (() => {
  const at = tmpfs('mount-probe')
  return at !== null
})()
const onTmpfs = canMount ? it : it.skip
if (!canMount) console.warn('probe-corpus: mount -t tmpfs is not allowed here (not root?); the disk-full and read-only cases are skipped')

describe('probe corpus: one sentence, exit 1, never "internal error"', () => {
  it('--db pointing at a folder (train and runs)', async () => {
    const folder = join(dir, 'a-folder')
    mkdirSync(folder)
    const sentence = `${folder} is a folder, not a database file. Give --db the path of a file, e.g. a path ending in slope.db inside that folder.`
    await expectSentence(['train', tutorial, '--target', 'y', '--epochs', '2', '--db', folder], sentence)
    await expectSentence(['runs', '--db', folder], sentence)
  })

  it('a damaged database: the first problem quick_check finds, not its whole dump', async () => {
    const db = join(dir, 'damaged.db')
    expect((await runCli(['train', tutorial, '--target', 'y', '--epochs', '2', '--db', db])).code).toBe(0)
    const bytes = readFileSync(db)
    bytes.fill(7, 16384 * 3, 16384 * 5) // two b-tree pages overwritten, the header intact
    writeFileSync(db, bytes)
    await expectSentence(['runs', '--db', db], new RegExp(`^error: ${db.replace(/[/.]/g, '\\$&')} is damaged.*; it was left untouched\\. Restore a backup.*\\n$`))
  })

  it('a 1 MB column name', async () => {
    const csv = join(dir, 'wide-name.csv')
    writeFileSync(csv, `${'a'.repeat(1024 ** 2)},y\n1,2\n2,3\n3,5\n`)
    await expectSentence(['train', csv, '--target', 'y', '--epochs', '2', '--db', join(dir, 'wide.db')], 'Too big: expected string to have <=1000 characters (names[0] in the dataset). Correct it and try again.')
  })

  onTmpfs('predict --out on a full disk: the old predictions stay complete, the message says the disk is full', async () => {
    const disk = tmpfs('full-out')!
    const model = join(dir, 'model.json')
    expect((await runCli(['train', tutorial, '--target', 'y', '--solver', 'lstsq', '--no-db', '--out', model])).code).toBe(0)
    const out = join(disk, 'pred.csv')
    expect((await runCli(['predict', model, tutorial, '--out', out])).code).toBe(0)
    const complete = readFileSync(out, 'utf8')
    const big = join(dir, 'big.csv')
    writeFileSync(big, `x,y\n${Array.from({ length: 40_000 }, (_, i) => `${i},${2 * i}`).join('\n')}\n`)
    fill(disk)
    await expectSentence(['predict', model, big, '--out', out], `The disk is full: ${out} could not be written (the file that was there is unchanged). Free some space, or write to another disk, and try again.`)
    expect(readFileSync(out, 'utf8')).toBe(complete)
    await expectSentence(['export', '1', '--db', join(dir, 'none.db'), '--out', out], /^error: There is no database at /)
  })

  onTmpfs('a full disk under an existing database: runs still lists, train says the disk is full', async () => {
    const disk = tmpfs('full-db')!
    const db = join(disk, 'slope.db')
    expect((await runCli(['train', tutorial, '--target', 'y', '--epochs', '2', '--db', db])).code).toBe(0)
    fill(disk)
    const runs = await runCli(['runs', '--db', db])
    expect(runs.stderr).toBe('')
    expect(runs.stdout).toMatch(/^1\s+sgd lr=0\.01\s+completed\s+tutorial\.csv/m)
    await expectSentence(['train', tutorial, '--target', 'y', '--epochs', '2', '--db', db], `The disk holding ${db} is full, so Slope cannot save. Free some space (finished runs already saved are kept) and try again.`)
  })

  onTmpfs('a read-only disk: its database lists and exports; a missing folder on it is one sentence', async () => {
    const disk = tmpfs('read-only')!
    const db = join(disk, 'slope.db')
    expect((await runCli(['train', tutorial, '--target', 'y', '--epochs', '2', '--db', db])).code).toBe(0)
    execFileSync('mount', ['-o', 'remount,ro', disk])
    const runs = await runCli(['runs', '--db', db])
    expect(runs.stderr).toBe('')
    expect(runs.stdout).toMatch(/^1\s+sgd lr=0\.01\s+completed/m)
    const model = join(dir, 'exported.json')
    const exported = await runCli(['export', '1', '--db', db, '--out', model])
    expect(exported.code, exported.stderr).toBe(0)
    expect(JSON.parse(readFileSync(model, 'utf8'))).toMatchObject({ format: 'slope-linear-model', target: 'y' })
    const nested = join(disk, 'sub', 'slope.db')
    await expectSentence(
      ['train', tutorial, '--target', 'y', '--epochs', '2', '--db', nested],
      `The folder ${join(disk, 'sub')} for the database ${nested} does not exist and cannot be created (is the disk read-only?). Choose a --db path in a folder you can write to.`,
    )
    await expectSentence(['train', tutorial, '--target', 'y', '--epochs', '2', '--db', db], `Slope cannot write ${db} (cannot open it). Choose a folder you can write to (--db PATH), or fix its permissions.`)
  })
})
