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
import { formatNumber } from './format'

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

/** The current theme's chart colours, read from the CSS variables at the moment a chart is built or updated. */
export interface ChartTheme {
  /** Axis titles, tick labels and legend text. */
  text: string
  grid: string
  /** The panel's background (what a hollow marker is filled with). */
  surface: string
  /** A colour as given, or a theme variable such as '--series-1' or '--bad' resolved now. */
  color: (color: string) => string
}

export function currentTheme(): ChartTheme {
  return { text: cssVar('--text-muted'), grid: cssVar('--border'), surface: cssVar('--surface'), color: resolveColor }
}

export interface AxisSpec {
  title: string
  /**
   * Tick labels: chart.js's own (the default; the loss chart's log axis keeps its 1-2-5 labels),
   * the app's number format at this many significant digits, or on a log axis over several decades
   * the powers of ten only.
   */
  ticks?: 'auto' | { digits: number } | 'decades'
  maxRotation?: number
}

/** A linear axis in the theme's colours. */
export const linearAxis = (theme: ChartTheme, spec: AxisSpec) => themedAxis('linear', theme, spec)

/** A logarithmic axis in the theme's colours. */
export const logAxis = (theme: ChartTheme, spec: AxisSpec) => themedAxis('logarithmic', theme, spec)

export function themedAxis<T extends 'linear' | 'logarithmic'>(type: T, theme: ChartTheme, spec: AxisSpec) {
  const labels = spec.ticks ?? 'auto'
  const callback = labels === 'auto' ? undefined : labels === 'decades' ? decadeTick : (value: number | string) => formatNumber(Number(value), labels.digits)
  return {
    type,
    title: { display: true, text: spec.title, color: theme.text },
    ticks: { color: theme.text, ...(callback && { callback }), ...(spec.maxRotation !== undefined && { maxRotation: spec.maxRotation }) },
    grid: { color: theme.grid },
  }
}

/** Log axes over several decades: label the powers of ten only (all ticks when there are few). */
function decadeTick(value: string | number, _index: number, ticks: { value: number }[]): string {
  const v = Number(value)
  const exponent = Math.log10(v)
  return ticks.length <= 6 || Math.abs(exponent - Math.round(exponent)) < 1e-9 ? formatNumber(v, 2) : ''
}
