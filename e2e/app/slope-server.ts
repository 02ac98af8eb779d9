import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensureCliBuilt } from '../../scripts/build-cli.mjs'

const root = join(import.meta.dirname, '..', '..')

export interface SlopeServer {
  loginUrl: string
  database: string
  /** The `slope web` process, for tests that kill it (`kill -9`) to see what survives. */
  process: ChildProcess
  /** Ends it with SIGTERM (a clean stop: runs it trains are cancelled) and waits for the exit. */
  stop(): Promise<void>
}

/**
 * Starts the real browser mode (`slope web`) on a free port with its own SQLite file — the same
 * process a user starts — and returns the login link it prints. The app's UI, its services, the
 * training workers and the database are all real. `env` adds variables to its environment (e.g.
 * SLOPE_LINK_THRESHOLD_BYTES, so a small generated file counts as large).
 */
export async function startSlope(database = join(mkdtempSync(join(tmpdir(), 'slope-e2e-')), 'slope.db'), env: Record<string, string> = {}): Promise<SlopeServer> {
  await ensureCliBuilt() // the built command, as current as the sources
  const child: ChildProcess = spawn(process.execPath, [join(root, 'bin/slope.mjs'), 'web', '--no-open', '--port', '0', '--db', database], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const loginUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`slope web did not start: ${output}`)), 30_000)
    const onData = (d: Buffer) => {
      output += d.toString()
      const m = /Slope is running at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(output)
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.once('exit', (code) => reject(new Error(`slope web exited with ${code}: ${output}`)))
  })
  return {
    loginUrl,
    database,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}
