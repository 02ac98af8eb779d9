/** Numbers for people: 7 significant digits, no exponent unless very large or small. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'n/a' : x > 0 ? '∞' : '−∞'
  if (x === 0) return '0'
  const a = Math.abs(x)
  if (a >= 1e-4 && a < 1e9) return String(Number(x.toPrecision(7)))
  return x.toExponential(6).replace(/\.?0+e/, 'e')
}

/** "y = 0.25·x + 0.8", in original units. */
export function formatModelEquation(target: string, features: readonly string[], weights: readonly number[], intercept: number): string {
  const terms = features.map((f, i) => `${formatNumber(weights[i]!)}·${f}`)
  if (intercept !== 0) terms.push(formatNumber(intercept))
  return `${target} = ${terms.join(' + ').replaceAll('+ -', '− ')}`
}
