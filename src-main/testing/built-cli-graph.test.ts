import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { cliOutDir, ensureCliBuilt } from '../../scripts/build-cli.mjs'

/**
 * What `slope train` loads before it can answer, read from the built files as Node reads them:
 * the static imports of a file (`import … from "./chunk-….js"`, not `import("…")`, which loads only
 * when its path runs), followed to the end, and the sources each file was built from (its
 * source map). Issue #16: start-up is mostly compiling and running this code.
 */
function staticClosure(file: string): Set<string> {
  const seen = new Set<string>()
  const visit = (name: string) => {
    if (seen.has(name)) return
    seen.add(name)
    const code = readFileSync(join(cliOutDir, name), 'utf8')
    for (const m of code.matchAll(/(?:^|[;\n}])\s*(?:import|export)\s*(?:[^"'();]*?from\s*)?["']\.\/([^"']+\.js)["']/g)) visit(m[1]!)
  }
  visit(file)
  return seen
}

const sourcesOf = (files: Iterable<string>) => [...files].flatMap((f) => (JSON.parse(readFileSync(join(cliOutDir, `${f}.map`), 'utf8')) as { sources: string[] }).sources)

/** The built chunk holding one source file (a command's own code). */
function chunkOf(source: string): string {
  const chunk = readdirSync(cliOutDir).find((f) => f.endsWith('.js') && sourcesOf([f]).some((s) => s.endsWith(source)))
  if (!chunk) throw new Error(`no built chunk holds ${source}`)
  return chunk
}

describe('what the built slope train loads at start', () => {
  beforeAll(async () => {
    await ensureCliBuilt()
  })

  it('the training worker loads no zod: it validates nothing main has not already checked', () => {
    const sources = sourcesOf(staticClosure('train-worker.js'))
    expect(sources.some((s) => s.includes('src-core/train/train-loop.ts'))).toBe(true) // the closure was followed
    expect(sources.filter((s) => s.includes('node_modules/zod/'))).toEqual([])
  })

  it('the command itself loads neither the training kernels (the worker runs them) nor the zod it does not call', () => {
    const sources = sourcesOf(staticClosure(chunkOf('src-main/cli/train-command.ts')))
    expect(sources.some((s) => s.includes('src-core/train/config.ts'))).toBe(true) // its settings are checked here
    expect(sources.filter((s) => /src-core\/backends\/cpu\/|src-core\/train\/fit-model\.ts/.test(s))).toEqual([])
    // zod imported as a namespace is tree-shaken; `import { z }` would bring all of it (e.g. JSON Schema → zod).
    expect(sources.filter((s) => s.includes('node_modules/zod/v4/classic/from-json-schema'))).toEqual([])
  })

  it('the command loads no DuckDB: its native module costs ~150 ms, and only linked data need it', () => {
    const files = staticClosure(chunkOf('src-main/cli/train-command.ts'))
    const packages = [...files].flatMap((f) => [...readFileSync(join(cliOutDir, f), 'utf8').matchAll(/(?:^|[;\n}])\s*import\s*(?:[^"'();]*?from\s*)?["']([^."'][^"']*)["']/g)].map((m) => m[1]!))
    expect(packages).toContain('better-sqlite3') // the closure's bare imports were read
    expect(packages.filter((p) => p.startsWith('@duckdb/'))).toEqual([])
  })

  it('slope --help loads no zod, SQLite or training code', () => {
    const sources = sourcesOf(staticClosure('main.js'))
    expect(sources.some((s) => s.includes('src-main/cli/main.ts'))).toBe(true)
    expect(sources.filter((s) => /node_modules\/zod\/|services\/database\.ts|src-core\/train\//.test(s))).toEqual([])
  })
})
