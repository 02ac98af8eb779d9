import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureCliBuilt } from '../../scripts/build-cli.mjs'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const slope = fileURLToPath(new URL('../../bin/slope.mjs', import.meta.url))

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

// Importing this module brings out/cli up to date with the sources, so no test (here or one that
// spawns bin/slope.mjs itself) runs a build older than the code it is checking.
await ensureCliBuilt()

/** Tests never touch the user's real database: SLOPE_DB points into a temporary folder. */
const testDatabase = join(mkdtempSync(join(tmpdir(), 'slope-cli-db-')), 'slope.db')

/**
 * Runs the real `slope` command (bin/slope.mjs, the built JavaScript under out/cli) in a child
 * process, as a user would.
 */
export function runCli(args: string[], options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [slope, ...args], { cwd: options.cwd ?? repoRoot, env: { ...process.env, SLOPE_DB: testDatabase, ...options.env } })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    if (options.input !== undefined) child.stdin.end(options.input)
    else child.stdin.end()
  })
}
