import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'
import type { RunSummary } from '../../src-core/contract'
import { sha256 } from '../../src-main/testing/datasets'
import { connectSlope } from './slope-client'
import { startSlope } from './slope-server'

/**
 * Runs belong to the process that trains them (src-main/services/run-owner.ts), checked with real
 * processes sharing one SQLite file: two `slope train` and a `slope web`, killed with SIGKILL or
 * stopped with SIGTERM/SIGHUP. No timing assertions: every wait polls for a state with a deadline.
 * A killed owner on this machine is seen at the next read (its pid is gone); READ_DEADLINE_MS is
 * only the bound on this busy machine's process start-ups.
 */
const root = join(import.meta.dirname, '..', '..')
const slope = join(root, 'bin/slope.mjs')
const tutorial = join(root, 'resources/examples/tutorial.csv')
const READ_DEADLINE_MS = 30_000
/** The most epochs a run may ask for: on SLOW_ROWS rows it trains far longer than any test lasts. */
const MAX_EPOCHS = 10_000_000
const SLOW_ROWS = 20_000
const slowX = Float64Array.from({ length: SLOW_ROWS }, (_, i) => i / SLOW_ROWS)
const slowY = slowX.map((x, i) => 2 * x + 1 + ((i % 7) - 3) / 100)
const slowCsv = join(mkdtempSync(join(tmpdir(), 'slope-owners-data-')), 'slow.csv')
writeFileSync(slowCsv, `x,y\n${Array.from(slowX, (x, i) => `${x},${slowY[i]}`).join('\n')}\n`)

test.describe.configure({ timeout: 240_000 })

interface Trainer {
  child: ChildProcess
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

function train(db: string, name: string, epochs: number, file = slowCsv): Trainer {
  const child = spawn(process.execPath, [slope, 'train', file, '--target', 'y', '--epochs', String(epochs), '--print-every', String(epochs), '--db', db, '--name', name], {
    cwd: root,
    stdio: 'ignore',
  })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  return { child, exited }
}

interface ListedRun {
  id: number
  name: string
  status: string
  epochs_run: number
}

/** What `slope runs --json` — a separate reading process — says, by run name. */
async function listed(db: string): Promise<Record<string, ListedRun>> {
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [slope, 'runs', '--db', db, '--json'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
    let text = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (text += d))
    child.once('error', reject)
    child.once('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`slope runs exited with ${code}`))))
  })
  return Object.fromEntries((JSON.parse(out) as { runs: ListedRun[] }).runs.map((r) => [r.name, r]))
}

async function statusOf(db: string, name: string): Promise<string> {
  const run = (await listed(db))[name]
  return run ? `${run.status}${run.epochs_run > 0 ? ' with history' : ''}` : 'absent'
}

function run(cli: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [slope, ...cli], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.once('close', (code) => resolve({ code, stderr }))
  })
}

test('two slope train and a slope web on one database: kill -9 of one train leaves the others running, its run reads interrupted', async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'slope-owners-')), 'shared.db')
  const server = await startSlope(db)
  const page = await connectSlope(server.loginUrl)
  try {
    const killed = train(db, 'killed', MAX_EPOCHS)
    await expect.poll(() => statusOf(db, 'killed'), { timeout: READ_DEADLINE_MS }).toBe('running with history')
    // A second process opening the same database used to mark every running run interrupted.
    const survivor = train(db, 'survivor', MAX_EPOCHS, tutorial)
    await expect.poll(() => statusOf(db, 'survivor'), { timeout: READ_DEADLINE_MS }).toBe('running with history')
    expect(await statusOf(db, 'killed')).toBe('running with history')
    const appList = await page.call<RunSummary[]>('runs.list', {})
    expect(appList.ok && appList.value.map((r) => [r.name, r.status]).sort()).toEqual([
      ['killed', 'running'],
      ['survivor', 'running'],
    ])

    killed.child.kill('SIGKILL')
    expect(await killed.exited).toEqual({ code: null, signal: 'SIGKILL' })
    await expect.poll(() => statusOf(db, 'killed'), { timeout: READ_DEADLINE_MS }).toBe('interrupted with history')
    // The killed one's owner is gone; the survivor's is not, so it is still training.
    expect(await statusOf(db, 'survivor')).toBe('running with history')
    const afterKill = await page.call<RunSummary[]>('runs.list', {})
    expect(afterKill.ok && afterKill.value.find((r) => r.name === 'killed')?.status).toBe('interrupted')
    const killedId = (await listed(db)).killed!.id
    const exported = await run(['export', String(killedId), '--out', join(tmpdir(), 'never.json'), '--db', db])
    expect(exported.stderr).toContain(`("killed") has no model (it is interrupted)`)

    expect(await survivor.exited).toEqual({ code: 0, signal: null })
    const final = await listed(db)
    expect(final.survivor).toMatchObject({ status: 'completed', epochs_run: MAX_EPOCHS })
    expect(final.killed!.status).toBe('interrupted')
  } finally {
    page.close()
    await server.stop()
  }
})

test('kill -9 of slope web: its run reads interrupted, the trains beside it keep running; SIGTERM and SIGHUP cancel a train (exit 130, history kept)', async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'slope-owners-')), 'shared.db')
  const server = await startSlope(db)
  const page = await connectSlope(server.loginUrl)
  const imported = await page.call<{ id: number }>('datasets.import', { name: 'slow', fileName: 'slow.csv', sha256: sha256('slow'), names: ['x', 'y'], columns: [slowX, slowY] })
  expect(imported.ok).toBe(true)
  const started = await page.call<{ runId: number }>('training.start', { datasetId: imported.ok ? imported.value.id : 0, target: 'y', name: 'in the server', config: { epochs: MAX_EPOCHS } })
  expect(started.ok).toBe(true)
  const terminated = train(db, 'terminated', MAX_EPOCHS)
  const hungUp = train(db, 'hung up', MAX_EPOCHS)
  try {
    for (const name of ['in the server', 'terminated', 'hung up']) {
      await expect.poll(() => statusOf(db, name), { timeout: READ_DEADLINE_MS }).toBe('running with history')
    }
    server.process.kill('SIGKILL')
    await server.stop()
    await expect.poll(() => statusOf(db, 'in the server'), { timeout: READ_DEADLINE_MS }).toBe('interrupted with history')
    expect(await statusOf(db, 'terminated')).toBe('running with history')
    expect(await statusOf(db, 'hung up')).toBe('running with history')

    terminated.child.kill('SIGTERM')
    expect(await terminated.exited).toEqual({ code: 130, signal: null })
    hungUp.child.kill('SIGHUP')
    expect(await hungUp.exited).toEqual({ code: 130, signal: null })
    const final = await listed(db)
    expect(final.terminated!.status).toBe('cancelled')
    expect(final['hung up']!.status).toBe('cancelled')
    expect(final.terminated!.epochs_run).toBeGreaterThan(0)
    expect(final['in the server']!.status).toBe('interrupted')
  } finally {
    page.close()
    terminated.child.kill('SIGKILL')
    hungUp.child.kill('SIGKILL')
  }
})
