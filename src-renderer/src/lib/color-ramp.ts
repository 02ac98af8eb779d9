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

/**
 * Viridis (matplotlib's default sequential map: perceptually uniform, readable in greyscale and by
 * most colour-blind people), sampled at 9 points from its published table (van der Walt & Smith,
 * 2015) and interpolated linearly in RGB between them.
 */
const VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725']

/** Viridis at t ∈ [0, 1] (clamped). */
export function viridis(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1)
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x))
  return mixColors(VIRIDIS[i]!, VIRIDIS[i + 1]!, x - i)
}

/**
 * The part of viridis that stands out against the theme's background: its darkest purples vanish
 * on a dark panel and its palest yellows on a white one.
 */
export function rampSpan(theme: 'light' | 'dark'): [number, number] {
  return theme === 'dark' ? [0.18, 1] : [0, 0.86]
}

/** Colour of a learning rate on a log scale from `min` to `max` (one rate alone: the ramp's middle). */
export function rateColor(lr: number, min: number, max: number, span: [number, number]): string {
  const position = max > min ? (Math.log(lr) - Math.log(min)) / (Math.log(max) - Math.log(min)) : 0.5
  return viridis(span[0] + (span[1] - span[0]) * position)
}

/** A CSS linear-gradient drawing the same ramp left to right (a colour bar). */
export function rampGradient(span: [number, number], stops = 9): string {
  const colors = Array.from({ length: stops }, (_, i) => viridis(span[0] + ((span[1] - span[0]) * i) / (stops - 1)))
  return `linear-gradient(to right, ${colors.join(', ')})`
}
