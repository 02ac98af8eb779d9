/** The candidate closest to `name` by edit distance, for "did you mean …?"; null when none is close. */
export function closestName(name: string, candidates: Iterable<string>): string | null {
  const target = [...name.toLowerCase()]
  let best: string | null = null
  let bestDistance = Infinity
  for (const candidate of candidates) {
    const d = editDistance(target, [...candidate.toLowerCase()])
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  // Close enough to be a typo: a third of the name's characters, at least one (价钱 → 价格).
  return best !== null && bestDistance <= Math.max(1, Math.floor(target.length / 3)) ? best : null
}

/** Levenshtein distance over code points (one row of the dynamic-programming table at a time). */
function editDistance(a: string[], b: string[]): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]!
}
