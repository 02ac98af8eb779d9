import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { InputError } from '../errors'
import { bytesSource, type ImportHooks } from '../table/byte-source'
import { importTable, type ImportOptions, type ImportResult } from '../table/import-table'

export const importFixtures = fileURLToPath(new URL('../../fixtures/import/', import.meta.url))

export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(importFixtures + name))
}

/** Imports text or bytes held in memory, as a file called `name` (chunked like a file read). */
export function importBytes(content: string | Uint8Array, name = 't.csv', options: ImportOptions = {}, hooks: ImportHooks = {}, chunkBytes?: number): Promise<ImportResult> {
  const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content
  return importTable(bytesSource(name, bytes, chunkBytes), options, hooks)
}

export function importFixture(name: string, options: ImportOptions = {}): Promise<ImportResult> {
  return importTable(bytesSource(name, fixtureBytes(name)), options)
}

/** The InputError a promise rejects with (anything else fails the test). */
export async function inputError(p: Promise<unknown>): Promise<InputError> {
  try {
    await p
  } catch (e) {
    if (e instanceof InputError) return e
    throw e
  }
  throw new Error('expected an InputError')
}

export interface PandasColumn {
  name: string
  numeric: boolean
  missing: number
  count?: number
  mean?: number | null
  std?: number | null
  min?: number | null
  max?: number | null
}

export const pandasReference = JSON.parse(readFileSync(importFixtures + 'pandas-reference.json', 'utf8')) as Record<
  string,
  { rows: number; columns: PandasColumn[] } & { values?: Record<string, number[]>; columns: unknown }
>
