import { isInputError, type FixableText, type InputFix } from './errors'

/**
 * A failed run's `error` column: the sentence as before for anything without fixes (and every row
 * stored before fixes existed); for bad input with fixes, a JSON object carrying the sentence and
 * the unworded text with its fixes — so the CLI can still print flags and the Train tab offer the
 * fix as a button, without a schema change.
 */
export interface RunError {
  sentence: string
  failure: FixableText | null
}

export function encodeRunError(e: unknown, sentence: string): string {
  if (!isInputError(e) || !e.text || e.text.fixes.length === 0) return sentence
  return JSON.stringify({ sentence, message: e.text.message, hint: e.text.hint, fixes: e.text.fixes })
}

export function decodeRunError(stored: string | null): RunError | null {
  if (stored === null) return null
  if (!stored.startsWith('{')) return { sentence: stored, failure: null }
  try {
    const o = JSON.parse(stored) as { sentence?: unknown; message?: unknown; hint?: unknown; fixes?: unknown }
    if (typeof o.sentence !== 'string' || typeof o.message !== 'string' || typeof o.hint !== 'string' || !Array.isArray(o.fixes)) return { sentence: stored, failure: null }
    const fixes = (o.fixes as InputFix[]).filter((f) => f && typeof f.setting === 'string' && (f.value === undefined || typeof f.value === 'string'))
    return { sentence: o.sentence, failure: { message: o.message, hint: o.hint, fixes } }
  } catch {
    return { sentence: stored, failure: null } // a sentence that happens to start with a brace
  }
}
