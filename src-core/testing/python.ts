import { spawnSync } from 'node:child_process'

/**
 * Debian's python3 with the reference libraries (numpy, PyTorch) — test and benchmark helper.
 * Another python3 may come first on PATH without them, hence the absolute path.
 */
export const systemPython = '/usr/bin/python3'

/** Why a Python module is unusable here, or null when it imports. */
export function pythonModuleMissing(module: string): string | null {
  const r = spawnSync(systemPython, ['-c', `import ${module}`], { encoding: 'utf8' })
  if (r.error) return `${systemPython} not found`
  return r.status === 0 ? null : `${systemPython} cannot import ${module} (apt-get install python3-${module === 'torch' ? 'torch' : module})`
}

export function runPythonJson<T>(script: string, input: unknown): T {
  const r = spawnSync(systemPython, [script], { input: JSON.stringify(input), encoding: 'utf8', maxBuffer: 1 << 28 })
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stderr}`)
  return JSON.parse(r.stdout) as T
}
