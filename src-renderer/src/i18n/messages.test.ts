import { readdirSync } from 'node:fs'
import { describe, expect, it } from 'vitest'

type Tree = { [key: string]: string | Tree }

function keys(tree: Tree, prefix = ''): string[] {
  return Object.entries(tree).flatMap(([k, v]) => (typeof v === 'string' ? [`${prefix}${k}`] : keys(v, `${prefix}${k}.`)))
}

function placeholders(text: string): string[] {
  // A set: a plural message ("a | b") repeats its placeholders in each form.
  return [...new Set([...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!))].sort()
}

function lookup(tree: Tree, key: string): string {
  return key.split('.').reduce<Tree | string>((t, k) => (t as Tree)[k]!, tree) as string
}

describe('translations', () => {
  const files = readdirSync(new URL('./messages/', import.meta.url)).filter((f) => f.endsWith('.ts'))
  for (const file of files) {
    it(`${file}: English and 简体中文 have the same keys and placeholders`, async () => {
      const messages = (await import(`./messages/${file}`)).default as { en: Tree; 'zh-CN': Tree }
      const en = keys(messages.en).sort()
      expect(keys(messages['zh-CN']).sort()).toEqual(en)
      for (const key of en) expect(placeholders(lookup(messages['zh-CN'], key)), key).toEqual(placeholders(lookup(messages.en, key)))
    })
  }
})
