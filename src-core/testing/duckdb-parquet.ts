import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * DuckDB as the independent Parquet writer and reader for tests: files are written by
 * `COPY (SELECT …) TO … (FORMAT parquet)`, and what Slope reads is checked against what DuckDB
 * reads from the same file, with the expected values computed in SQL.
 */
export class DuckParquet {
  readonly dir = mkdtempSync(join(tmpdir(), 'slope-parquet-'))
  private constructor(private readonly conn: DuckDBConnection) {}

  static async open(): Promise<DuckParquet> {
    const db = await DuckDBInstance.create(':memory:')
    return new DuckParquet(await db.connect())
  }

  /** Writes `select`'s rows to `name` in the temp folder; `options` are COPY's (COMPRESSION zstd, ROW_GROUP_SIZE 2048). */
  async write(name: string, select: string, options = ''): Promise<string> {
    const path = join(this.dir, name)
    await this.conn.run(`COPY (${select}) TO '${path}' (FORMAT parquet${options ? `, ${options}` : ''})`)
    return path
  }

  async query(sql: string): Promise<Record<string, unknown>[]> {
    return (await this.conn.runAndReadAll(sql)).getRowObjectsJS()
  }

  /** Row groups, and per column chunk its codec and encodings, as DuckDB's parquet_metadata() reports them. */
  async layout(path: string): Promise<{ rowGroups: number; chunks: { column: string; compression: string; encodings: string }[] }> {
    const rows = await this.query(`SELECT row_group_id, path_in_schema AS column, compression, encodings FROM parquet_metadata('${path}')`)
    return {
      rowGroups: new Set(rows.map((r) => r.row_group_id)).size,
      chunks: rows.map((r) => ({ column: String(r.column), compression: String(r.compression), encodings: String(r.encodings) })),
    }
  }

  /**
   * Each column of the file as DuckDB reads it, with the values Slope should hold, computed by
   * DuckDB: numbers as DOUBLE, dates and timestamps as Excel serial day numbers (days since
   * 1899-12-30), booleans as TRUE/FALSE, text as is; null where the file has none.
   */
  async reference(path: string): Promise<{ name: string; type: string; slope: 'number' | 'date' | 'text'; values: (number | string | null)[] }[]> {
    const described = await this.query(`DESCRIBE SELECT * FROM read_parquet('${path}')`)
    const columns = described.map((d) => ({ name: String(d.column_name), type: String(d.column_type) }))
    const expressions = columns.map(({ name, type }) => {
      const c = `"${name.replaceAll('"', '""')}"`
      if (type === 'BOOLEAN') return { slope: 'text' as const, sql: `CASE WHEN ${c} IS NULL THEN NULL WHEN ${c} THEN 'TRUE' ELSE 'FALSE' END` }
      if (type === 'VARCHAR' || type === 'UUID') return { slope: 'text' as const, sql: `CAST(${c} AS VARCHAR)` }
      if (type === 'DATE') return { slope: 'date' as const, sql: `CAST(datediff('day', DATE '1899-12-30', ${c}) AS DOUBLE)` }
      if (type.startsWith('TIMESTAMP')) return { slope: 'date' as const, sql: `epoch_us(${c}) / 86400000000.0 + 25569` }
      return { slope: 'number' as const, sql: `CAST(${c} AS DOUBLE)` }
    })
    const select = expressions.map((e, i) => `${e.sql} AS v${i}`).join(', ')
    const rows = (await this.conn.runAndReadAll(`SELECT ${select} FROM read_parquet('${path}')`)).getColumnsJS()
    return columns.map((c, i) => ({ ...c, slope: expressions[i]!.slope, values: rows[i]!.map((v) => (v === null ? null : typeof v === 'string' ? v : Number(v))) }))
  }
}
