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
import { logTicks } from './log-ticks'

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
   * Tick labels on a linear axis: the app's number format at this many significant digits (6 by
   * default). A log axis always has its ticks at powers of ten (logTicks), labelled alike.
   */
  ticks?: { digits: number }
  maxRotation?: number
}

/** A linear axis in the theme's colours. */
export const linearAxis = (theme: ChartTheme, spec: AxisSpec) => themedAxis('linear', theme, spec)

/** A logarithmic axis in the theme's colours. */
export const logAxis = (theme: ChartTheme, spec: AxisSpec) => themedAxis('logarithmic', theme, spec)

export function themedAxis<T extends 'linear' | 'logarithmic'>(type: T, theme: ChartTheme, spec: AxisSpec) {
  const digits = type === 'logarithmic' ? 3 : (spec.ticks?.digits ?? 6)
  return {
    type,
    title: { display: true, text: spec.title, color: theme.text },
    ticks: { color: theme.text, callback: (value: number | string) => formatNumber(Number(value), digits), ...(spec.maxRotation !== undefined && { maxRotation: spec.maxRotation }) },
    grid: { color: theme.grid },
    // chart.js's own log ticks are 1…9 per decade, thinned by whatever fits: over a diverged run's
    // 180 decades that gives "1E184, 1E168, 1E155". Every log axis in the app takes logTicks instead.
    ...(type === 'logarithmic' && {
      afterBuildTicks: (scale: { min: number; max: number; ticks: { value: number }[] }) => {
        const values = logTicks(scale.min, scale.max)
        if (values.length >= 2) scale.ticks = values.map((value) => ({ value }))
      },
    }),
  }
}
