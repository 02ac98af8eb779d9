import { stat } from 'node:fs/promises'
import { totalmem } from 'node:os'

/*
 * What decides whether a file is linked or imported, apart from linked-source.ts: `slope train` and
 * `slope predict` ask it for every file, and importing DuckDB's native module to answer would add
 * hundreds of milliseconds to every command's start (bench suite `cli`).
 */

/**
 * The size above which `slope train` and `slope predict` link instead of importing: 1 GB or a
 * quarter of the machine's memory, whichever is smaller. SLOPE_LINK_THRESHOLD_BYTES overrides it
 * (meant for tests, which cannot write gigabytes to prove the default).
 */
export function linkThresholdBytes(env: NodeJS.ProcessEnv = process.env): number {
  const override = env.SLOPE_LINK_THRESHOLD_BYTES
  if (override !== undefined && override.trim() !== '' && Number.isFinite(Number(override)) && Number(override) >= 0) return Number(override)
  return Math.min(1e9, totalmem() / 4)
}

/** A path or glob as the threshold sees it: a glob (which cannot be imported) or one file's size; null when there is no such file. */
export async function inputSize(pattern: string): Promise<{ glob: true } | { glob: false; sizeBytes: number } | null> {
  if (/[*?[{]/.test(pattern)) return { glob: true }
  const info = await stat(pattern).catch(() => null)
  return info?.isFile() ? { glob: false, sizeBytes: info.size } : null
}

