import { spawn } from 'node:child_process'
import { createWriteStream, truncateSync, statSync, writeFileSync, copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DuckDBInstance } from '@duckdb/node-api'
import { describe, expect, it } from 'vitest'
import { repoRoot, runCli } from '../testing/run-cli'
import { tempDir } from '../testing/temp'

/**
 * The linked path on generated files of ~51 MB and ~103 MB (750,000 and 1.5 M rows × 9 columns: sized
 * so that the whole file runs in about a minute on two shared cores), through the real `slope`
 * command in a child process.
 */
const dir = tempDir('slope-linked-big-')
const slope = fileURLToPath(new URL('../../bin/slope.mjs', import.meta.url))

/** Writes rows of 8 features and y, streamed (never the whole text in memory); `ragged` adds a cell to that data row. */
async function writeCsv(path: string, rows: number, ragged?: number): Promise<void> {
  const out = createWriteStream(path)
  const write = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((done) => out.once('drain', () => done())))
  await write('a,b,c,d,e,f,g,h,y\n')
  let s = 7
  const next = () => ((s = (s * 48271) % 2147483647) / 2147483647)
  for (let start = 0; start < rows; start += 10_000) {
    let text = ''
    for (let i = start; i < Math.min(rows, start + 10_000); i++) {
      const x = Array.from({ length: 8 }, () => (next() * 10 - 5).toFixed(4))
      const y = x.reduce((sum, v, j) => sum + (j + 1) * Number(v), 3) + next()
      text += `${x.join(',')},${y.toFixed(4)}${i + 1 === ragged ? ',9' : ''}\n`
    }
    await write(text)
  }
  await new Promise<void>((done) => out.end(() => done()))
}

/** The real command with a preload that reports the process's peak RSS (kB) on its last stderr line. */
function runMeasured(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; maxRssKb: number }> {
  const preload = join(dir, 'report-rss.cjs')
  writeFileSync(preload, "process.on('exit', () => process.stderr.write(`maxrss ${process.resourceUsage().maxRSS}\\n`))\n")
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', preload, slope, ...args], { cwd: repoRoot, env: { ...process.env, SLOPE_DB: join(dir, 'slope.db') } })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr, maxRssKb: Number(/maxrss (\d+)/.exec(stderr)?.[1]) }))
  })
}

describe('linked files of a hundred megabytes and more', () => {
  const small = join(dir, 'small.csv')
  const big = join(dir, 'big.csv')

  it('fits as the in-memory import does, with a peak RSS that does not grow with the file', async () => {
    await writeCsv(small, 750_000)
    await writeCsv(big, 1_500_000)
    expect(statSync(big).size).toBeGreaterThan(100e6)
    const linked = await runMeasured(['train', small, '--link', '--target', 'y', '--no-db'])
    expect(linked.code, linked.stderr).toBe(0)
    const imported = await runMeasured(['train', small, '--target', 'y', '--solver', 'lstsq', '--no-db'])
    expect(imported.code, imported.stderr).toBe(0)
    // The coefficient table, to the 7 digits both print (the 1e-12 agreement is linked-data.test.ts's).
    const table = (text: string) => text.split('\n').filter((l) => /^(\(intercept\)|[a-h]) /.test(l)).map((l) => l.trim().split(/\s+/).slice(0, 3))
    expect(table(linked.stdout)).toHaveLength(9)
    const memoryRows = table(imported.stdout)
    expect(table(linked.stdout)).toEqual(memoryRows.slice(0, 9))
    const twice = await runMeasured(['train', big, '--link', '--target', 'y', '--no-db'])
    expect(twice.code, twice.stderr).toBe(0)
    expect(twice.stdout).toContain('on 1,500,000 rows')
    // Twice the file, not twice the memory. One linked run's peak varies by about ±60 MB from run to
    // run (DuckDB's threads reading ahead, V8's heap sizing: 330–412 MB for these files here), so
    // the two linked sizes cannot be told apart by their peaks; but the larger file linked stays
    // under half of what importing the smaller one takes (~1.5 GB: its text, table and design), which
    // holding the rows would not. The plateau at 100 M rows is the scale bench's (README).
    expect(linked.maxRssKb).toBeGreaterThan(0)
    expect(twice.maxRssKb).toBeLessThan(imported.maxRssKb / 2)
    expect(imported.maxRssKb).toBeGreaterThan(linked.maxRssKb)
  }, 300_000)

  /** The real command, interrupted (SIGINT) at its first progress line that matches `at`. */
  async function interrupted(args: string[], at: RegExp): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, [slope, ...args], { cwd: repoRoot })
    let stderr = ''
    let stdout = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        stderr += d
        if (at.test(stderr) && !child.killed) child.kill('SIGINT')
      })
      child.on('close', (c) => resolve(c))
    })
    return { code, stdout, stderr }
  }

  it('stops at Ctrl-C after the first progress line, with the stopped sentence', async () => {
    const { code, stdout, stderr } = await interrupted(['train', big, '--link', '--target', 'y', '--no-db'], /pass 1\/2/)
    expect(stderr).toMatch(/error: Stopped \(cancelled\) after reading [\d,]+ rows of the linked data; nothing was saved\. Run the command again to start over\./)
    expect(code).toBe(1)
    expect(stdout).toBe('')
  }, 120_000)

  it('with a database, says the stopped exact fit is kept as a cancelled run, which `slope runs` lists', async () => {
    const db = join(dir, 'interrupted.db')
    const { code, stderr } = await interrupted(['train', big, '--link', '--target', 'y', '--db', db], /pass 1\/3/)
    const run = /error: Stopped \(cancelled\) after reading [\d,]+ rows of the linked data; run (\d+) is kept as cancelled, without a model, in (.+)\. Run the command again to start over\./.exec(stderr)
    expect(run, stderr).not.toBeNull()
    expect(run![2]).toBe(db)
    expect(code).toBe(1)
    const runs = await runCli(['runs', '--db', db])
    expect(runs.code, runs.stderr).toBe(0)
    expect(runs.stdout).toMatch(new RegExp(`^\\s*${run![1]}\\b.*cancelled`, 'm'))
  }, 180_000)

  it('names a ragged row far into the file (data row 1,000,000) and a truncated Parquet file', async () => {
    const ragged = join(dir, 'ragged.csv')
    await writeCsv(ragged, 1_000_000, 999_999)
    const r = await runCli(['train', ragged, '--link', '--target', 'y', '--no-db'])
    expect(r.code).toBe(1)
    // Line 1,000,000 of the file: the header is line 1.
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('error:'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/^error: DuckDB could not read ".*ragged\.csv": CSV Error on Line: 1000000 .*Expected Number of Columns: 9 Found: 10/)

    const parquet = join(dir, 'rows.parquet')
    const db = await DuckDBInstance.create(':memory:')
    const c = await db.connect()
    await c.run(`COPY (SELECT i::DOUBLE AS x, (2 * i + 1)::DOUBLE AS y FROM range(200000) t(i)) TO '${parquet}' (FORMAT parquet)`)
    c.closeSync()
    db.closeSync()
    const cut = join(dir, 'cut.parquet')
    copyFileSync(parquet, cut)
    truncateSync(cut, Math.floor(statSync(cut).size / 2))
    const t = await runCli(['train', cut, '--link', '--target', 'y', '--no-db'])
    expect(t.code).toBe(1)
    expect(t.stderr).toMatch(/^error: DuckDB could not read ".*cut\.parquet": /)
    expect(t.stderr.trim().split('\n')).toHaveLength(1)
  }, 120_000)
})
