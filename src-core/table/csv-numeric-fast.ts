/**
 * The numeric fast path for delimited text: bytes straight into Float64Array columns, with no
 * string per cell (papaparse makes one string per field, then each is matched and converted —
 * most of the time of a large numeric import, and all of its garbage).
 *
 * It accepts only the simplest layout: ASCII digits, signs, one decimal separator, exponents,
 * the delimiter, LF or CRLF line ends, empty fields (missing). Anything else — a quote, a letter,
 * a space, a byte ≥ 0x80, a row of the wrong width, a blank line inside the data, a value that
 * overflows — makes `push` return false, and the caller parses the whole file again with the
 * general parser, which gives the same result (tests prove it on generated files) or the precise
 * error. So this path never decides anything the general one would decide differently.
 */
export class NumericCsvKernel {
  readonly columns: Float64Array[]
  readonly missing: Float64Array
  private capacity: number
  private rowCount = 0
  private carry: Uint8Array = EMPTY
  private blankLines = 0
  private readonly delimiter: number
  private readonly decimal: number

  constructor(
    private readonly width: number,
    delimiter: string,
    decimal: '.' | ',',
    expectedRows: number,
  ) {
    this.delimiter = delimiter.charCodeAt(0)
    this.decimal = decimal.charCodeAt(0)
    this.capacity = Math.max(1024, Math.ceil(expectedRows))
    this.columns = Array.from({ length: width }, () => new Float64Array(this.capacity))
    this.missing = new Float64Array(width)
  }

  get rows(): number {
    return this.rowCount
  }

  /**
   * Parses the complete lines of `chunk` (plus what was left of the previous chunk); keeps an
   * unfinished last line for the next call. `last` marks the end of the file.
   */
  push(chunk: Uint8Array, last: boolean): boolean {
    let offset = 0
    if (this.carry.length) {
      // Finish the line left over from the previous chunk: copy only that line, not the chunk.
      const lf = chunk.indexOf(10)
      if (lf < 0 && !last) {
        this.carry = concat(this.carry, chunk)
        return this.carry.length <= 1 << 20 // a megabyte without a line end is no numeric row
      }
      offset = lf < 0 ? chunk.length : lf + 1
      const line = concat(this.carry, chunk.subarray(0, offset))
      this.carry = EMPTY
      if (!this.parseLines(line)) return false
    }
    // Through the last LF; the rest waits for more bytes (all of it when this is the last chunk).
    const end = last ? chunk.length : Math.max(offset, chunk.lastIndexOf(10) + 1)
    if (end > offset && !this.parseLines(chunk.subarray(offset, end))) return false
    this.carry = last ? EMPTY : chunk.slice(end)
    return this.carry.length <= 1 << 20
  }

  /** Columns trimmed to the rows read (views, not copies: no second allocation at the end). */
  finish(): Float64Array[] {
    return this.columns.map((c) => c.subarray(0, this.rowCount))
  }

  /** Parses `bytes`, which end with a line end unless they are the end of the file. */
  private parseLines(bytes: Uint8Array): boolean {
    const end = bytes.length
    const width = this.width
    const delimiter = this.delimiter
    const decimal = this.decimal
    const columns = this.columns
    let i = 0
    while (i < end) {
      // A blank line (LF or CRLF): allowed only at the very end, as trailing blank rows.
      if (bytes[i] === 10 || (bytes[i] === 13 && bytes[i + 1] === 10)) {
        this.blankLines++
        i += bytes[i] === 13 ? 2 : 1
        continue
      }
      if (this.blankLines > 0) return false // blank rows inside the data: the general path numbers them
      if (this.rowCount === this.capacity) this.grow()
      const r = this.rowCount
      for (let c = 0; c < width; c++) {
        // One field: [+-]? digits [sep digits]? ([eE][+-]?digits)? — or nothing (missing).
        const start = i
        let b = bytes[i]!
        let negative = false
        if (b === 45 || b === 43) {
          negative = b === 45
          b = bytes[++i]!
        }
        let mantissa = 0
        let digits = 0 // significant digits accumulated in `mantissa`
        let seen = 0 // digits seen, leading zeros included
        let exponent = 0
        let exact = true
        while (b >= 48 && b <= 57) {
          if (mantissa !== 0 || b !== 48) {
            if (digits < 15) {
              mantissa = mantissa * 10 + (b - 48)
              digits++
            } else {
              exact = false
            }
          }
          seen++
          b = bytes[++i]!
        }
        if (b === decimal) {
          b = bytes[++i]!
          while (b >= 48 && b <= 57) {
            if (mantissa !== 0 || b !== 48) {
              if (digits < 15) {
                mantissa = mantissa * 10 + (b - 48)
                digits++
                exponent--
              } else {
                exact = false
              }
            } else {
              exponent-- // a leading zero after the separator: 0.001
            }
            seen++
            b = bytes[++i]!
          }
        }
        if (seen === 0) {
          if (i !== start) return false // a sign or a lone separator
          // empty field
          columns[c]![r] = NaN
          this.missing[c]!++
        } else {
          if (b === 101 || b === 69) {
            b = bytes[++i]!
            let expNegative = false
            if (b === 45 || b === 43) {
              expNegative = b === 45
              b = bytes[++i]!
            }
            let e = 0
            let expDigits = 0
            while (b >= 48 && b <= 57) {
              if (e < 100_000) e = e * 10 + (b - 48)
              expDigits++
              b = bytes[++i]!
            }
            if (expDigits === 0) return false
            exponent += expNegative ? -e : e
          }
          let value: number
          // Clinger's fast path: a mantissa below 2^53 and |exponent| ≤ 22 are both exact doubles,
          // so one multiplication or division is correctly rounded — the same double as Number()
          // (W. D. Clinger, "How to read floating point numbers accurately", PLDI 1990).
          if (exact && exponent >= -22 && exponent <= 22) {
            value = exponent < 0 ? mantissa / POW10[-exponent]! : mantissa * POW10[exponent]!
            if (negative) value = -value
          } else {
            value = Number(latin1(bytes, start, i, decimal)) // sign included
          }
          if (!Number.isFinite(value)) return false // 1e999: the general path reports it
          columns[c]![r] = value
        }
        if (c < width - 1) {
          if (b !== delimiter) return false
          i++
        }
      }
      // End of the row: LF or CRLF, nothing else.
      let b = bytes[i]
      if (b === 13) b = bytes[++i]
      if (b === 10) i++
      else if (i !== bytes.length) return false
      this.rowCount++
    }
    return true
  }

  private grow(): void {
    this.capacity = Math.ceil(this.capacity * 1.25) + 1024
    for (let c = 0; c < this.width; c++) {
      const grown = new Float64Array(this.capacity)
      grown.set(this.columns[c]!)
      this.columns[c] = grown
    }
  }
}

const EMPTY = new Uint8Array(0)

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

/** 10^0 … 10^22 by repeated exact multiplication (each is a double exactly). */
const POW10: number[] = [1]
for (let k = 1; k <= 22; k++) POW10.push(POW10[k - 1]! * 10)

/** The bytes of one field as a JavaScript number literal ("1,5" → "1.5"), for the exact slow conversion. */
function latin1(bytes: Uint8Array, start: number, end: number, decimal: number): string {
  let s = ''
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i] === decimal ? 46 : bytes[i]!)
  return s
}
