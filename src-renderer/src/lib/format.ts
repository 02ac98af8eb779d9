/** Numbers for tables: 6 significant digits, exponent only when very large or small; '—' for none. */
export function formatNumber(x: number | null | undefined, digits = 6): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—'
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞'
  if (x === 0) return '0'
  const a = Math.abs(x)
  if (a >= 1e-4 && a < 1e9) return String(Number(x.toPrecision(digits)))
  return x.toExponential(digits - 1).replace(/\.?0+e/, 'e')
}

/** Milliseconds for people: "850 ms", "12.4 s", "3 min 5 s". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—'
  if (ms < 1000) return `${Number(ms.toPrecision(3))} ms`
  if (ms < 60_000) return `${Number((ms / 1000).toPrecision(3))} s`
  const minutes = Math.floor(ms / 60_000)
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`
}
