import { writeEquation } from '../../src-core/model/equation'

/** Numbers for people: 7 significant digits, no exponent unless very large or small. */
export function formatNumber(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'n/a' : x > 0 ? '∞' : '−∞'
  if (x === 0) return '0'
  const a = Math.abs(x)
  if (a >= 1e-4 && a < 1e9) return String(Number(x.toPrecision(7)))
  return x.toExponential(6).replace(/\.?0+e/, 'e')
}

/** "y = 0.25·x + −3·z + 0.8", in original units: the app's equation (core's writer), in the CLI's digits. */
export function formatModelEquation(target: string, features: readonly string[], weights: readonly number[], intercept: number): string {
  return writeEquation(target, features, weights, intercept, formatNumber)
}
