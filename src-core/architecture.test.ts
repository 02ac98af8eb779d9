import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/** DESIGN.md's import rules, checked on the source text so a violation fails the build. */
const root = fileURLToPath(new URL('../', import.meta.url))

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|vue)$/.test(e.name))
    .map((e) => relative(root, join(e.parentPath, e.name)))
}

const isTestOnly = (f: string) => /\.test\.ts$/.test(f) || f.includes('/testing/')
const importsOf = (file: string) => [...readFileSync(join(root, file), 'utf8').matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!)

describe('architecture (DESIGN.md)', () => {
  it('finds the sources it checks', () => expect(sources('src-core').length).toBeGreaterThan(15))

  it('src-core imports no electron, no node: modules and nothing from main or renderer', () => {
    const offenders = sources('src-core')
      .filter((f) => !isTestOnly(f))
      .flatMap((f) => importsOf(f).filter((m) => m === 'electron' || m.startsWith('node:') || /src-(main|renderer)/.test(m)).map((m) => `${f} → ${m}`))
    expect(offenders).toEqual([])
  })

  it('only the Electron shell files import electron', () => {
    const shell = new Set(['src-main/index.ts', 'src-main/window.ts', 'src-main/ipc.ts', 'src-main/preload.ts'])
    const offenders = [...sources('src-main'), ...sources('src-renderer')]
      .filter((f) => !shell.has(f))
      .flatMap((f) => importsOf(f).filter((m) => m === 'electron' || m.startsWith('electron/')).map((m) => `${f} → ${m}`))
    expect(offenders).toEqual([])
  })

  it('the renderer reaches main only through the contract', () => {
    const offenders = sources('src-renderer')
      .filter((f) => !isTestOnly(f))
      .flatMap((f) => importsOf(f).filter((m) => /src-main/.test(m) || m.startsWith('node:')).map((m) => `${f} → ${m}`))
    expect(offenders).toEqual([])
  })
})
