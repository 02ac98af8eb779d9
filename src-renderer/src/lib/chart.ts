import {
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Tooltip,
} from 'chart.js'
import zoomPlugin from 'chartjs-plugin-zoom'

/** chart.js with only what Slope draws: lines and scatter on linear/log axes, tooltips, zoom/pan. */
Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip, Legend, zoomPlugin)

export { Chart }

/** Theme colours come from CSS variables, so charts follow light/dark. */
export function cssVar(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888'
}

export const seriesColor = (i: number) => cssVar(seriesVar(i))

/** The i-th series colour as its CSS variable name: charts resolve it when they draw, so they follow the theme. */
export const seriesVar = (i: number) => `--series-${(i % 8) + 1}`

/** A colour, or a CSS variable name ('--series-1') resolved now. */
export const resolveColor = (color: string) => (color.startsWith('--') ? cssVar(color) : color)

/** The same colour, faded (for the raw line behind a smoothed one). */
export function faded(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(color)
  if (!m) return color
  const n = Number.parseInt(m[1]!, 16)
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`
}
