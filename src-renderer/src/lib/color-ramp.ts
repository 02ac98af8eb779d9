/**
 * Colours between two theme colours, for the loss surface's filled contours: the theme's CSS
 * variables are hex colours, and a ramp between them (surface → accent) follows light and dark.
 */
export function parseHex(color: string): [number, number, number] | null {
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(color.trim())
  if (short) return [short[1]!, short[2]!, short[3]!].map((h) => Number.parseInt(h + h, 16)) as [number, number, number]
  const long = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color.trim())
  return long ? ([long[1]!, long[2]!, long[3]!].map((h) => Number.parseInt(h, 16)) as [number, number, number]) : null
}

/** `from` at t = 0, `to` at t = 1, linear in RGB; `to` itself when either colour is not hex. */
export function mixColors(from: string, to: string, t: number): string {
  const a = parseHex(from)
  const b = parseHex(to)
  if (!a || !b) return to
  const c = a.map((v, i) => Math.round(v + (b[i]! - v) * Math.min(1, Math.max(0, t))))
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`
}
