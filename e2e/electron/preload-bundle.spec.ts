import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, test } from '@playwright/test'

/**
 * Checks on the built desktop bundles that need no Electron binary (the global setup has built
 * them): a sandboxed preload can load nothing but `electron`, so everything else must be inlined;
 * the main bundle keeps only the native module external.
 */
const out = join(import.meta.dirname, '..', '..', 'out')
const requires = (file: string) => [...readFileSync(join(out, file), 'utf8').matchAll(/require\("([^"]+)"\)|from "([^"./][^"]*)"/g)].map((m) => m[1] ?? m[2]!)

test('the sandboxed preload requires only electron', () => {
  expect([...new Set(requires('preload/preload.cjs'))]).toEqual(['electron'])
})

test('main and its workers load only Node built-ins, electron and better-sqlite3', () => {
  for (const file of ['main/index.js', 'main/workers/train.js', 'main/workers/gradient-thread.js']) {
    const external = [...new Set(requires(file))].filter((m) => !m.startsWith('node:'))
    expect(external.filter((m) => m !== 'electron' && m !== 'better-sqlite3'), file).toEqual([])
  }
})
