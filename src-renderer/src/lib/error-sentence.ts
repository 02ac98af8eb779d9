/**
 * The sentence of an error a person can act on — ApiError (main), InputError (src-core, e.g. a
 * model file read here), ImportFailure (the parse worker) all carry one — or null for anything
 * else, which is a bug and goes to the notice bar's generic sentence instead.
 */
export function errorSentence(e: unknown): string | null {
  if (e && typeof e === 'object' && 'sentence' in e) {
    const sentence = (e as { sentence: unknown }).sentence
    if (typeof sentence === 'string' && sentence) return sentence
  }
  return null
}

/** An import the user cancelled (the parse worker's ImportFailure says so): not an error to show. */
export function wasCancelled(e: unknown): boolean {
  return !!e && typeof e === 'object' && (e as { cancelled?: unknown }).cancelled === true
}
