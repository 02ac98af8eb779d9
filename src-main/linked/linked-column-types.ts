// DuckDB-free (no @duckdb/node-api import): the app's training service and `slope train` load it at start.

/** Numeric DuckDB types, read as doubles; VARCHAR is text; anything else (dates, lists…) is neither. */
export function isNumericType(type: string): boolean {
  return /^(DOUBLE|FLOAT|REAL|DECIMAL|BIGINT|INTEGER|SMALLINT|TINYINT|HUGEINT|UBIGINT|UINTEGER|USMALLINT|UTINYINT|UHUGEINT)/.test(type)
}
