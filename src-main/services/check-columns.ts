import type { DatasetSummary } from '../../src-core/contract'
import { InputError } from '../../src-core/errors'

/**
 * The features a run on `dataset` uses — the given ones, or every numeric column but the target —
 * after checking that each named column exists and is numeric, before any run is created.
 */
export function checkColumns(dataset: DatasetSummary, target: string, features?: string[]): string[] {
  const known = new Set(dataset.columns)
  for (const name of [target, ...(features ?? [])]) {
    if (!known.has(name)) {
      const excluded = dataset.excluded.find((c) => c.name === name)
      throw new InputError(
        excluded ? `Column "${name}" ${excluded.reason}, so it cannot be used as a number.` : `There is no column "${name}" in ${dataset.fileName}.`,
        `Numeric columns are: ${dataset.columns.map((c) => `"${c}"`).join(', ')}.`,
        { column: name },
      )
    }
  }
  return features ?? dataset.columns.filter((c) => c !== target)
}
