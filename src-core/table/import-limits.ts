/**
 * Caps on untrusted input: past any of them the import stops with a message saying which cap and
 * what to do, instead of exhausting memory or hanging. Hosts may lower them (tests do).
 */
export interface ImportLimits {
  /** Text files (CSV/TSV). Read in chunks, so the cap is about patience, not memory. */
  maxTextFileBytes: number
  /** XLSX/XLS/ODS files as stored. */
  maxWorkbookBytes: number
  /**
   * Parquet files as stored. Read by position, one row group at a time, so the file never sits in
   * memory whole; the cell cap bounds the table built from it.
   */
  maxParquetBytes: number
  /**
   * Sum of the uncompressed sizes of a zip container's entries (XLSX, ODS): the zip-bomb guard.
   * Also the cap on one Parquet row group's column chunks once decompressed.
   */
  maxInflatedBytes: number
  /**
   * Cells in a workbook's sheets (all of them: SheetJS reads every sheet) and distinct texts in its
   * shared-string table, and bytes of XML in one part — counted while the zip guard inflates the
   * file, before SheetJS builds anything (it costs ~300 bytes a cell). See workbook-census.ts.
   */
  maxWorkbookCells: number
  maxSharedStrings: number
  maxWorkbookPartBytes: number
  /** Rows × columns of the table. */
  maxCells: number
  maxColumns: number
  /** Characters in one cell. */
  maxFieldChars: number
  /** Characters of a row still unfinished (a long cell or a quote that never closes). */
  maxRowChars: number
}

export const DEFAULT_LIMITS: ImportLimits = {
  maxTextFileBytes: 1024 ** 3,
  maxWorkbookBytes: 200 * 1024 ** 2,
  maxParquetBytes: 1024 ** 3,
  maxInflatedBytes: 1024 ** 3,
  maxWorkbookCells: 5_000_000, // ~1.5 GB inside SheetJS; CSV has no such cost
  maxSharedStrings: 1_000_000,
  maxWorkbookPartBytes: 256 * 1024 ** 2, // below V8's longest string (~512 M characters), SheetJS holds a part as one
  maxCells: 100_000_000,
  maxColumns: 16_384, // Excel's own limit
  maxFieldChars: 1024 ** 2,
  maxRowChars: 4 * 1024 ** 2,
}

export function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${+(n / 1024 ** 3).toFixed(1)} GiB`
  if (n >= 1024 ** 2) return `${+(n / 1024 ** 2).toFixed(1)} MiB`
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`
  return `${n} bytes`
}
