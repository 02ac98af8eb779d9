/**
 * What one spreadsheet cell holds, once classified. Text files give strings, classified here;
 * workbooks give typed cells (numbers, dates as serials), classified in parse-workbook.ts.
 */
export type Cell =
  | { kind: 'empty' }
  | { kind: 'number'; value: number }
  /** Excel serial day number (days since 1899-12-30, fraction = time of day). */
  | { kind: 'date'; value: number }
  | { kind: 'text'; text: string }

export type DecimalSeparator = '.' | ','

export const EMPTY: Cell = { kind: 'empty' }

// Plain decimal / scientific notation. Grouped thousands are accepted only when the grouping is
// exact (1,234,567.5 or 1.234.567,5), which is what Excel writes for a "#,##0.00" format.
const PLAIN_DOT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const GROUPED_DOT = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?$/
const PLAIN_COMMA = /^[+-]?(?:\d+,?\d*|,\d+)(?:[eE][+-]?\d+)?$/
const GROUPED_COMMA = /^[+-]?\d{1,3}(?:\.\d{3})+(?:,\d*)?$/
const NON_FINITE = /^[+-]?(?:inf(?:inity)?|nan)$/i

/**
 * ISO-like dates, as LibreOffice, databases and Chinese-locale Excel write them:
 * 2024-01-31, 2024/1/31, optionally with a time 13:45[:30[.25]]. Day-first and month-first
 * forms (01/02/2024) are ambiguous and stay text.
 */
const DATE = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?)?Z?$/

/** Days from 1899-12-30 (Excel's day 0 in the 1900 date system) to 1970-01-01. */
export const EXCEL_EPOCH_TO_UNIX_DAYS = 25569

/** Classifies the text of a CSV cell. Surrounding spaces are ignored; `inf`, `nan`, `1e999` are text. */
export function classifyText(raw: string, decimal: DecimalSeparator): Cell {
  const text = raw.trim()
  if (text.length === 0) return EMPTY
  const value = parseNumberText(text, decimal)
  if (value !== null) return Number.isFinite(value) ? { kind: 'number', value } : { kind: 'text', text: raw }
  const date = parseDateText(text)
  if (date !== null) return { kind: 'date', value: date }
  return { kind: 'text', text: raw }
}

/** The number a trimmed cell text denotes, or null if it is not one (∞ for 1e999, so callers can say why). */
export function parseNumberText(text: string, decimal: DecimalSeparator): number | null {
  const c0 = text.charCodeAt(0)
  // Fast reject: a number starts with a digit, a sign or a separator.
  if (!((c0 >= 48 && c0 <= 57) || c0 === 43 || c0 === 45 || c0 === 46 || c0 === 44)) return null
  if (decimal === '.') {
    if (PLAIN_DOT.test(text)) return Number(text)
    if (GROUPED_DOT.test(text)) return Number(text.replaceAll(',', ''))
  } else {
    if (PLAIN_COMMA.test(text)) return Number(text.replace(',', '.'))
    if (GROUPED_COMMA.test(text)) return Number(text.replaceAll('.', '').replace(',', '.'))
  }
  return null
}

export function isNonFiniteText(text: string): boolean {
  return NON_FINITE.test(text.trim())
}

/** Excel serial day number of an ISO-like date text, or null. Invalid dates (2024-02-30) are null. */
export function parseDateText(text: string): number | null {
  const m = DATE.exec(text)
  if (!m) return null
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)]
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second >= 60) return null
  const ms = Date.UTC(year, month - 1, day)
  if (new Date(ms).getUTCDate() !== day) return null // 2024-02-30 rolls over: not a date
  return ms / 86_400_000 + EXCEL_EPOCH_TO_UNIX_DAYS + (hour * 3600 + minute * 60 + second) / 86_400
}
