import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { pythonModuleMissing, systemPython } from '../src-core/testing/python'

/** Jobs for bench/reference/baselines.py (see its docstring). */
export type BaselineJob =
  | { kind: 'torch_gd'; rows: number; features: number; dtype: 'float32' | 'float64'; epochs: number; batch: number | null; threads: number; reps: number }
  | { kind: 'numpy_gd'; rows: number; features: number; dtype: 'float32' | 'float64'; epochs: number; reps: number }
  | { kind: 'numpy_read'; rows: number; features: number; dtype: 'float32' | 'float64'; reps: number }
  | { kind: 'numpy_lstsq'; rows: number; features: number; reps: number }
  | { kind: 'statsmodels_ols'; rows: number; features: number; reps: number }

export interface BaselineResult {
  ms: number
  version: string
}

const script = fileURLToPath(new URL('./reference/baselines.py', import.meta.url))

/** Why a baseline cannot run (the note shown in its place), or null. */
export function baselineMissing(kind: BaselineJob['kind']): string | null {
  return pythonModuleMissing(kind.startsWith('torch') ? 'torch' : kind.startsWith('statsmodels') ? 'statsmodels' : 'numpy')
}

/** Runs jobs one Python process at a time per job (so a job's memory is freed before the next). */
export function runBaseline(job: BaselineJob): BaselineResult | null {
  if (baselineMissing(job.kind)) return null
  const r = spawnSync(systemPython, [script], { input: JSON.stringify([job]), encoding: 'utf8', maxBuffer: 1 << 24 })
  if (r.status !== 0) throw new Error(`baselines.py failed on ${JSON.stringify(job)}: ${r.stderr}`)
  return (JSON.parse(r.stdout) as BaselineResult[])[0]!
}
