/**
 * Plain-text tables for the terminal. Column widths count display cells, not UTF-16 units: CJK
 * characters take two cells in a terminal (Unicode East Asian Width W/F), so Chinese column names
 * line up with Latin ones.
 */
export function displayWidth(s: string): number {
  let w = 0
  for (const ch of s) {
    const cp = ch.codePointAt(0)!
    if (cp < 0x20 || (cp >= 0x300 && cp < 0x370) || cp === 0x200b) continue // controls, combining marks
    w += isWide(cp) ? 2 : 1
  }
  return w
}

function isWide(cp: number): boolean {
  return (
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0x303e) ||
    (cp >= 0x3041 && cp <= 0x33ff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0xa000 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1f64f) ||
    (cp >= 0x20000 && cp <= 0x3fffd)
  )
}

/** Rows of cells → aligned lines; `right` marks the columns to right-align (numbers). */
export function formatTextTable(rows: readonly (readonly string[])[], right: readonly boolean[]): string {
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((r) => displayWidth(r[j] ?? ''))))
  return rows
    .map((r) =>
      r
        .map((cell, j) => {
          const pad = ' '.repeat(widths[j]! - displayWidth(cell))
          return right[j] ? pad + cell : j === r.length - 1 ? cell : cell + pad
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}
