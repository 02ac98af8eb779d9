/**
 * Strict number parsing for spreadsheet cells: plain decimal and scientific notation with '.' as
 * the decimal point, optional sign and surrounding spaces. `Number()` alone is too lenient for
 * data ("" → 0, "0x1F" → 31, "Infinity" → ∞), and parseFloat too ("12abc" → 12).
 */
const NUMBER = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/

export type CellValue = { kind: 'number'; value: number } | { kind: 'empty' } | { kind: 'text' } | { kind: 'nonfinite' }

export function parseCell(text: string): CellValue {
  if (text.length === 0 || text.trim().length === 0) return { kind: 'empty' }
  if (!NUMBER.test(text)) return { kind: /^\s*[+-]?(inf(inity)?|nan)\s*$/i.test(text) ? 'nonfinite' : 'text' }
  const value = Number(text)
  return Number.isFinite(value) ? { kind: 'number', value } : { kind: 'nonfinite' } // 1e999 → ∞
}
