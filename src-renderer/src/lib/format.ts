/**
 * The app's one number formatter: every number the UI shows (tables, sentences, equations, chart
 * ticks and tooltips) goes through here, so a value reads the same in every tab.
 *
 * - Significant digits, not fixed decimals: a loss of 3.2e-7 and one of 41 000 both keep their digits.
 * - Exponent form outside [1e-4, 1e6) (as rounded), so no value needs more than about 10 characters
 *   and no table column has to cut one ("0.003…", "5,000,0…").
 * - A real minus sign (U+2212) for negative values and exponents: "−3.01606", "1.5e−7"; an equation
 *   then reads "+ −3.01606·x".
 * - Grouping by the UI language's Intl.NumberFormat (the page's lang, which the settings store sets):
 *   values from five integer digits on ("60,323", but the year "1947"); counts always ("2,687 epochs").
 */

import { writeEquation } from '../../../src-core/model/equation'

export const MINUS = '\u2212'

export interface NumberStyle {
  /** Plain form from this magnitude on (as rounded); below it, exponent form. */
  plainFrom?: number
  /** Exponent form from this magnitude on (as rounded). */
  exponentFrom?: number
}

const DEFAULT_STYLE: Required<NumberStyle> = { plainFrom: 1e-4, exponentFrom: 1e6 }

/** The UI language: the settings store writes it to <html lang>; outside a page (tests, Node), English. */
export function numberLocale(): string {
  const lang = typeof document === 'undefined' ? '' : document.documentElement.lang
  return lang || 'en'
}

const formatters = new Map<string, Intl.NumberFormat>()
function formatter(locale: string, key: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const id = `${locale}|${key}`
  let f = formatters.get(id)
  if (!f) formatters.set(id, (f = new Intl.NumberFormat(locale, options)))
  return f
}

const withMinus = (s: string) => s.replace(/^[-\u2212]/, MINUS)

/** Numbers for people: `digits` significant digits, exponent form when very large or small; '—' for none. */
export function formatNumber(x: number | null | undefined, digits = 6, style: NumberStyle = {}, locale = numberLocale()): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '—'
  if (!Number.isFinite(x)) return x > 0 ? '∞' : `${MINUS}∞`
  const rounded = Number(x.toPrecision(digits))
  if (rounded === 0) return '0'
  const { plainFrom, exponentFrom } = { ...DEFAULT_STYLE, ...style }
  const a = Math.abs(rounded)
  if (a >= plainFrom && a < exponentFrom) {
    // 'min2': group only from five integer digits, so years and small counts stay as written.
    const f = formatter(locale, `sig${digits}`, { maximumSignificantDigits: digits, useGrouping: 'min2' } as Intl.NumberFormatOptions)
    return withMinus(f.format(rounded))
  }
  const [mantissa, exponent] = rounded.toExponential(digits - 1).split('e') as [string, string]
  const point = decimalSeparator(locale)
  const m = mantissa.replace(/\.?0+$/, '').replace('.', point)
  return `${withMinus(m)}e${withMinus(exponent.replace('+', ''))}`
}

/** A count of things (rows, epochs, runs): whole, always grouped ("2,687"). */
export function formatCount(n: number | null | undefined, locale = numberLocale()): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—'
  return withMinus(formatter(locale, 'count', { maximumFractionDigits: 0 }).format(n))
}

function decimalSeparator(locale: string): string {
  return formatter(locale, 'sig6', { maximumSignificantDigits: 6 }).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.'
}

/**
 * Milliseconds for people: "850 ms", "12.4 s", "3 min 5 s", "2 h 47 min", "6 d 23 h" — two units at
 * most from the hour on (a scan's time left of days read as "10,019 min" before). Whole seconds are
 * rounded before they are split, so 179.6 s is "3 min 0 s", never "2 min 60 s".
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—'
  if (!Number.isFinite(ms)) return '∞'
  if (ms < 1000) return `${formatNumber(ms, 3)} ms`
  if (ms < 59_950) return `${formatNumber(ms / 1000, 3)} s`
  const seconds = Math.round(ms / 1000)
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`
  const minutes = Math.round(ms / 60_000)
  if (minutes < 24 * 60) return `${Math.floor(minutes / 60)} h ${minutes % 60} min`
  const hours = Math.round(ms / 3_600_000)
  return `${formatCount(Math.floor(hours / 24))} d ${hours % 24} h`
}

/** The model as a line, "ŷ = 0.25·x + −3.01606·z + 0.8": core's equation writer in the app's number format. */
export function formatEquation(target: string, features: readonly string[], weights: ArrayLike<number>, intercept: number | null): string {
  return writeEquation(target, features, weights, intercept, (x) => formatNumber(x))
}
