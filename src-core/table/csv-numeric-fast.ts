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
  /** Bytes of the lines parsed so far, to re-estimate the rows when the first estimate was short. */
  private bytesParsed = 0

  constructor(
    private readonly width: number,
    delimiter: string,
    decimal: '.' | ',',
    expectedRows: number,
    /** Bytes of the rows to be pushed in all (0: unknown). */
    private readonly totalBytes = 0,
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
      const lf = chunk.indexOf(LF)
      if (lf < 0 && !last) {
        this.carry = concat(this.carry, chunk)
        return this.carry.length <= 1 << 20 // a megabyte without a line end is no numeric row
      }
      offset = lf < 0 ? chunk.length : lf + 1
      const line = concat(this.carry, chunk.subarray(0, offset), lf < 0)
      this.carry = EMPTY
      if (!this.parseLines(line)) return false
    }
    // Through the last LF; the rest waits for more bytes (or, at the end of the file, is the last line).
    const end = Math.max(offset, chunk.lastIndexOf(LF) + 1)
    if (end > offset && !this.parseLines(chunk.subarray(offset, end))) return false
    if (last) {
      this.carry = EMPTY
      return end === chunk.length || this.parseLines(concat(chunk.subarray(end), EMPTY, true))
    }
    this.carry = chunk.slice(end)
    return this.carry.length <= 1 << 20
  }

  /** Columns trimmed to the rows read (views, not copies: no second allocation at the end). */
  finish(): Float64Array[] {
    return this.columns.map((c) => c.subarray(0, this.rowCount))
  }

  /**
   * Parses `bytes`, which end with an LF (the caller appends one to a last line without it), so
   * every scan stops at a byte inside the array: no bounds test per byte, and no read past the
   * end (which V8 handles, slowly).
   */
  private parseLines(bytes: Uint8Array): boolean {
    const end = bytes.length
    const width = this.width
    const delimiter = this.delimiter
    const decimal = this.decimal
    const columns = this.columns
    const missing = this.missing
    let r = this.rowCount
    let i = 0
    while (i < end) {
      // A blank line (LF or CRLF): allowed only at the very end, as trailing blank rows.
      if (bytes[i] === LF || (bytes[i] === CR && bytes[i + 1] === LF)) {
        this.blankLines++
        i += bytes[i] === CR ? 2 : 1
        continue
      }
      if (this.blankLines > 0) return false // blank rows inside the data: the general path numbers them
      if (r === this.capacity) this.grow(r, this.bytesParsed + i)
      let b = 0
      for (let c = 0; c < width; c++) {
        // One field: [+-]? digits [sep digits]? ([eE][+-]?digits)? — or nothing (missing).
        const start = i
        b = bytes[i]!
        let negative = false
        if (b === 45 || b === 43) {
          negative = b === 45
          b = bytes[++i]!
        }
        // Every digit goes into the mantissa; while it stays below 2^53 each step m·10 + d is exact
        // (the sequence only grows, so a final value below 2^53 proves no step rounded).
        let mantissa = 0
        const intStart = i
        while (b >= 48 && b <= 57) {
          mantissa = mantissa * 10 + (b - 48)
          b = bytes[++i]!
        }
        let digits = i - intStart
        let exponent = 0
        if (b === decimal) {
          const fractionStart = ++i
          b = bytes[i]!
          while (b >= 48 && b <= 57) {
            mantissa = mantissa * 10 + (b - 48)
            b = bytes[++i]!
          }
          exponent = fractionStart - i
          digits -= exponent
        }
        if (digits === 0) {
          if (i !== start) return false // a sign or a lone separator
          columns[c]![r] = NaN // an empty field: missing
          missing[c]!++
        } else {
          if (b === 101 || b === 69) {
            b = bytes[++i]!
            let expNegative = false
            if (b === 45 || b === 43) {
              expNegative = b === 45
              b = bytes[++i]!
            }
            let e = 0
            const expStart = i
            while (b >= 48 && b <= 57) {
              if (e < 100_000) e = e * 10 + (b - 48)
              b = bytes[++i]!
            }
            if (i === expStart) return false
            exponent += expNegative ? -e : e
          }
          let value: number
          // Clinger's fast path: a mantissa below 2^53 and |exponent| ≤ 22 are both exact doubles,
          // so one multiplication or division is correctly rounded — the same double as Number()
          // (W. D. Clinger, "How to read floating point numbers accurately", PLDI 1990).
          if (mantissa < TWO_53 && exponent >= -22 && exponent <= 22) {
            value = exponent < 0 ? mantissa / POW10[-exponent]! : mantissa * POW10[exponent]!
            if (negative) value = -value
          } else {
            value = Number(latin1(bytes, start, i, decimal)) // sign included; more digits than a double holds
            if (!Number.isFinite(value)) return false // 1e999: the general path reports it
          }
          columns[c]![r] = value
        }
        if (c < width - 1) {
          if (b !== delimiter) return false
          b = bytes[++i]!
        }
      }
      // End of the row: LF or CRLF, nothing else.
      if (b === CR) b = bytes[++i]!
      if (b !== LF) return false
      i++
      r++
    }
    this.rowCount = r
    this.bytesParsed += end
    return true
  }

  /**
   * The row estimate was short (rows shorter than the sample's): grow once to what the bytes read
   * so far say the whole file holds, not by a fixed factor that copies the columns again and again.
   */
  private grow(rows: number, bytesOfRows: number): void {
    const estimate = bytesOfRows > 0 ? (rows * this.totalBytes) / bytesOfRows : 0
    this.capacity = Math.max(Math.ceil(rows * 1.05), Math.ceil(estimate * 1.02)) + 1024
    for (let c = 0; c < this.width; c++) {
      const grown = new Float64Array(this.capacity)
      grown.set(this.columns[c]!.subarray(0, rows))
      this.columns[c] = grown
    }
  }
}

const LF = 10
const CR = 13
const TWO_53 = 2 ** 53
const EMPTY = new Uint8Array(0)

/** `a` then `b`, and an LF after them when `lineEnd` (the file's last line, unterminated). */
function concat(a: Uint8Array, b: Uint8Array, lineEnd = false): Uint8Array {
  const out = new Uint8Array(a.length + b.length + (lineEnd ? 1 : 0))
  out.set(a)
  out.set(b, a.length)
  if (lineEnd) out[out.length - 1] = LF
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
