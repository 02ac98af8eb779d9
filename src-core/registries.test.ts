import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runStatuses } from './contract'
import { optimizerModules, optimizerNames, optimizerSettings } from './train/optimizers/registry'
import { settingTexts } from './train/setting-text'
import { settingDescriptor, settingNames } from './train/settings'
import { loopOutcomes } from './train/train-loop'

/**
 * Optimizers, settings and run statuses are each declared once (optimizers/registry.ts,
 * train/settings.ts, contract.ts). These tests derive what the rest of the code and the README must
 * show from those registries and fail where a copy of a list has crept back in.
 */
const root = fileURLToPath(new URL('../', import.meta.url))

function sources(...dirs: string[]): string[] {
  return dirs.flatMap((dir) =>
    readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && /\.(ts|vue|mjs)$/.test(e.name) && !/\.test\.ts$/.test(e.name) && !e.parentPath.includes('/testing'))
      .map((e) => relative(root, join(e.parentPath, e.name))),
  )
}

const code = sources('src-core', 'src-main', 'src-renderer/src')

/** Files holding an array literal that spells two or more of `words`, quoted, one after another. */
function listsOf(words: readonly string[], except: readonly string[]): string[] {
  const word = `['"](?:${words.join('|')})['"]`
  const list = new RegExp(`\\[\\s*${word}\\s*,\\s*${word}`)
  return code.filter((f) => !except.includes(f) && list.test(readFileSync(join(root, f), 'utf8')))
}

describe('every concept is listed in one place', () => {
  it('no list of optimizer names outside the registry', () => {
    expect(listsOf(optimizerNames, ['src-core/train/optimizers/registry.ts'])).toEqual([])
  })

  it('no list of run statuses outside the contract and the training loop', () => {
    expect(listsOf(runStatuses, ['src-core/contract.ts', 'src-core/train/train-loop.ts'])).toEqual([])
  })

  it('the statuses are the loop’s outcomes plus the states around a run', () => {
    expect(runStatuses).toEqual(['queued', 'running', ...loopOutcomes, 'interrupted', 'failed'])
  })

  it('each optimizer module names settings that exist and a torch.optim class', () => {
    for (const m of optimizerModules) {
      for (const s of m.settings) expect(settingNames, `${m.name} reads ${s}`).toContain(s)
      expect(m.torchClass).toMatch(/^torch\.optim\.[A-Z]\w+$/)
      for (const key of Object.keys(m.defaults)) expect(m.settings, `${m.name}'s default for ${key}`).toContain(key)
    }
    // Every optimizer setting is read by some optimizer: none is dead.
    const optimizerGroup = settingNames.filter((n) => settingDescriptor(n).group === 'optimizer')
    expect([...optimizerSettings].sort()).toEqual([...optimizerGroup].sort())
  })

  it('every setting has a label and help in both languages, and its choices are labelled', () => {
    for (const locale of ['en', 'zh-CN'] as const) {
      for (const name of settingNames) {
        const text = settingTexts[locale].fields[name]
        expect(text.label.length, `${locale} ${name}`).toBeGreaterThan(0)
        expect(text.help.length, `${locale} ${name}`).toBeGreaterThan(0)
        const choices = settingDescriptor(name).choices
        if (choices && name !== 'optimizer') for (const c of choices) expect(text.choices?.[c], `${locale} ${name}.${c}`).toBeTruthy()
      }
    }
  })

  it('no other message module labels a setting again', () => {
    // Same key, another concept: a column of counts, a coefficient's row, the runs table's columns.
    const otherConcepts = new Set(['data.ts: missing', 'export.ts: intercept', 'fit.ts: intercept', 'runs.ts: optimizer', 'runs.ts: learningRate'])
    const modules = readdirSync(join(root, 'src-renderer/src/i18n/messages')).filter((f) => f.endsWith('.ts') && f !== 'settings.ts' && !f.endsWith('.test.ts'))
    const offenders = modules.flatMap((f) => {
      const text = readFileSync(join(root, 'src-renderer/src/i18n/messages', f), 'utf8')
      // A string under a setting's name is a label of it; an object under one is a namespace (learningRate: {…}).
      return settingNames.filter((n) => new RegExp(`^\\s+${n}: '`, 'm').test(text)).map((n) => `${f}: ${n}`)
    }).filter((o) => !otherConcepts.has(o))
    expect(offenders).toEqual([])
  })

  it('README documents every setting’s flag and every optimizer', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    for (const name of settingNames) {
      const cli = settingDescriptor(name).cli
      const flags = cli.kind === 'composite' ? Object.keys(cli.flags) : [cli.flag]
      for (const flag of flags) expect(readme, `--${flag}`).toContain(`--${flag}`)
    }
    for (const m of optimizerModules) expect(readme, m.label).toContain(m.torchClass)
  })
})

describe('the database schema agrees with the contract', () => {
  it('the runs table’s CHECK constraint allows exactly the contract’s statuses', () => {
    const migrations = readFileSync(join(root, 'src-main/services/migrations.ts'), 'utf8')
    const check = /status\s+TEXT\s+NOT NULL CHECK \(status IN \(([^)]*)\)\)/.exec(migrations)
    expect(check, 'the CHECK constraint on runs.status').not.toBeNull()
    expect(check![1]!.split(',').map((s) => s.trim().replace(/'/g, ''))).toEqual([...runStatuses])
  })
})
