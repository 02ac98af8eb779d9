import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { openServices } from '../services/app-services'
import { sourceTrainWorker } from '../services/train-worker'
import { repoRoot, runCli } from '../testing/run-cli'
import { tempDir } from '../testing/temp'

const dir = tempDir()
const tutorial = 'resources/examples/tutorial.csv'

describe('slope train --db, slope runs, slope export', () => {
  it('saves runs under their names, lists them, and exports a stored model', async () => {
    const db = join(dir, 'runs.db')
    const a = await runCli(['train', tutorial, '--target', 'y', '--epochs', '40', '--db', db, '--name', 'first try'])
    expect(a.code).toBe(0)
    expect(a.stdout).toContain(`saved as run 1 in ${db}`)
    const b = await runCli(['train', tutorial, '--target', 'y', '--lr', '5', '--epochs', '400', '--no-standardize', '--db', db, '--json'])
    expect(JSON.parse(b.stdout).run).toMatchObject({ id: 2, status: 'diverged' })

    const listed = await runCli(['runs', '--db', db, '--json'])
    expect(listed.code).toBe(0)
    const runs = JSON.parse(listed.stdout).runs
    expect(runs.map((r: { id: number; name: string; status: string }) => [r.id, r.name, r.status])).toEqual([
      [2, 'sgd lr=5', 'diverged'],
      [1, 'first try', 'completed'],
    ])
    expect(runs[1]).toMatchObject({ epochs_run: 40, dataset: 'tutorial.csv' })
    expect(runs[1].final_loss).toBeGreaterThan(0)
    expect(typeof runs[1].created_at).toBe('string')

    const table = await runCli(['runs', '--db', db])
    expect(table.stdout.split('\n')[0]).toMatch(/^id\s+name\s+status\s+dataset\s+epochs\s+final loss\s+best loss\s+created$/)

    const out = join(dir, 'first.model.json')
    const exported = await runCli(['export', '1', '--out', out, '--db', db])
    expect(exported.code).toBe(0)
    const model = JSON.parse(readFileSync(out, 'utf8'))
    expect(model.training.epochs_run).toBe(40)
    expect(model.dataset.file).toBe('tutorial.csv')

    const noModel = await runCli(['export', '2', '--out', out, '--db', db])
    expect(noModel.code).toBe(1)
    expect(noModel.stderr).toBe('error: Run 2 ("sgd lr=5") has no model (it is diverged). Lower the learning rate and train again.\n')
    const missing = await runCli(['export', '99', '--out', out, '--db', db])
    expect(missing.stderr).toMatch(/^error: There is no run 99\./)
  })

  it('--no-db leaves no database behind; a file that is not a database is refused untouched', async () => {
    const db = join(dir, 'never.db')
    const r = await runCli(['train', tutorial, '--target', 'y', '--epochs', '5', '--no-db'], { env: { SLOPE_DB: db } })
    expect(r.code).toBe(0)
    expect(() => readFileSync(db)).toThrow()
    const notes = join(repoRoot, 'README.md')
    const before = readFileSync(notes)
    const refused = await runCli(['runs', '--db', notes])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('is not a Slope database (it is not even SQLite); it was left untouched.')
    expect(readFileSync(notes).equals(before)).toBe(true)
  })

  it('SIGKILL mid-run loses nothing committed: the run reads interrupted, history intact, database healthy', async () => {
    const db = join(dir, 'killed.db')
    const child = spawn(process.execPath, [join(repoRoot, 'bin/slope.mjs'), 'train', tutorial, '--target', 'y', '--epochs', '10000000', '--db', db, '--json'], {
      cwd: repoRoot,
      stdio: 'ignore',
    })
    const exited = new Promise((resolve) => child.on('exit', resolve))
    // Wait until some history is committed, reading the live file as another process would.
    const deadline = Date.now() + 20_000
    let committed = 0
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100))
      try {
        const peek = new Database(db, { readonly: true, fileMustExist: true })
        committed = (peek.prepare('SELECT coalesce(max(epochs_run), 0) AS n FROM runs').get() as { n: number }).n
        peek.close()
      } catch {
        // not created yet
      }
      if (committed > 10_000) break
    }
    expect(committed).toBeGreaterThan(10_000)
    child.kill('SIGKILL')
    await exited

    const services = openServices({ databasePath: db, workerFactory: sourceTrainWorker, shell: 'cli', poolSize: 1 })
    try {
      expect(services.interrupted).toEqual([1])
      const run = services.store.getRun(1)
      expect(run.status).toBe('interrupted')
      expect(run.loss.length).toBe(run.epochsRun)
      expect(run.loss.length).toBeGreaterThanOrEqual(committed)
      expect(run.loss.every((l) => Number.isFinite(l) && l > 0)).toBe(true)
      expect(services.store.db.pragma('integrity_check', { simple: true })).toBe('ok')
    } finally {
      await services.close()
    }
  })
})
