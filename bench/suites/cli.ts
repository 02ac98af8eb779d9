import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureCliBuilt } from '../../scripts/build-cli.mjs'
import type { BenchContext, BenchRow, BenchSuite } from '../bench-suite'

const root = fileURLToPath(new URL('../../', import.meta.url))
const slope = join(root, 'bin/slope.mjs')
const tutorial = 'resources/examples/tutorial.csv'
const trainArgs = ['train', tutorial, '--target', 'y', '--lr', '0.01', '--epochs', '50', '--no-standardize']

/** Wall time of one whole process, spawn to exit, in ms. */
function processMs(args: string[], env: NodeJS.ProcessEnv): number {
  const t0 = performance.now()
  const r = spawnSync(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] })
  const ms = performance.now() - t0
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`)
  return ms
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/**
 * What every user waits for on every command: the whole `slope` process, spawn to exit, against
 * the floor of any Node command (`node -e 0`) measured in the same run. Each round runs the floor
 * and every case once, in that order, so load on the machine hits them alike; medians over rounds.
 * The goals (issue #16, bench/goals.ts) are margins over the floor, read from `extra.overFloorMs`.
 */
const suite: BenchSuite = {
  name: 'cli',
  async run(ctx: BenchContext): Promise<BenchRow[]> {
    await ensureCliBuilt()
    const dir = mkdtempSync(join(tmpdir(), 'slope-bench-cli-'))
    const env = { ...process.env, SLOPE_DB: join(dir, 'slope.db') }
    const cases = [
      { name: 'slope --help', args: ['--help'] },
      { name: 'slope inspect tutorial.csv', args: ['inspect', tutorial] },
      { name: 'slope train tutorial --no-db', args: [...trainArgs, '--no-db'] },
      { name: 'slope train tutorial (database)', args: trainArgs },
    ]
    try {
      const rounds = ctx.quick ? 7 : 25
      const floor: number[] = []
      const times = cases.map(() => [] as number[])
      // One untimed round: the file cache, not the first spawn, is what users have warm.
      processMs(['-e', '0'], env)
      for (const c of cases) processMs([slope, ...c.args], env)
      for (let r = 0; r < rounds; r++) {
        floor.push(processMs(['-e', '0'], env))
        cases.forEach((c, i) => times[i]!.push(processMs([slope, ...c.args], env)))
      }
      const floorMs = median(floor)
      ctx.log(`cli: node -e 0 takes ${floorMs.toFixed(1)} ms (median of ${rounds})`)
      return cases.map((c, i) => {
        const ms = median(times[i]!)
        const overMs = ms - floorMs
        return {
          suite: 'cli',
          case: c.name,
          ms,
          baselines: { 'node -e 0': floorMs },
          ratios: { 'node -e 0': ms / floorMs },
          notes: `floor + ${overMs.toFixed(0)} ms, median of ${rounds} rounds`,
          extra: { overFloorMs: overMs, rounds },
        }
      })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  },
}

export default suite
