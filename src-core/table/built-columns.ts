import { columnStats } from './column-stats'
import { Table, type ExcludedColumn } from './table'
import { MAX_TRACKED_LEVELS, type BuiltTable, type ColumnReport, type TextColumn } from './table-builder'

/**
 * What every reader assembles at the end of an import, row-based (TableBuilder) or columnar
 * (typed-columns.ts, Parquet): the report of each column, the numeric columns kept for training,
 * the text kept for messages, the columns left out and why, the text columns one-hot can encode.
 * One place, so both kinds of reader word "holds text (row 7: …)" and build the Table alike.
 */
export class BuiltColumns {
  private readonly reports: ColumnReport[] = []
  private readonly keptNames: string[] = []
  private readonly keptColumns: Float64Array[] = []
  private readonly cellText = new Map<number, Map<number, string>>()
  private readonly excluded: ExcludedColumn[] = []
  private readonly textColumns = new Map<string, TextColumn>()
  /** Text columns with more distinct values than MAX_TRACKED_LEVELS: their values are not kept. */
  private readonly tooManyLevels: string[] = []

  /** Reports a column; number and date columns are then kept (stats filled in), others excluded. */
  report(report: ColumnReport): ColumnReport {
    this.reports.push(report)
    return report
  }

  /** A number or date column kept for training, with the original text of its odd cells. */
  keep(report: ColumnReport, values: Float64Array, shown: Map<number, string>): void {
    if (shown.size) this.cellText.set(this.keptNames.length, shown)
    report.stats = columnStats(values)
    this.keptNames.push(report.name)
    this.keptColumns.push(values)
  }

  /** An empty or text column left out of training; a text column stays available to one-hot encoding. */
  exclude(report: ColumnReport, firstText: { row: number; text: string } | null, text: TextColumn | null): void {
    this.excluded.push({
      name: report.name,
      reason: report.type === 'empty' || !firstText ? 'is empty' : `holds text (row ${firstText.row.toLocaleString('en-US')}: "${clip(firstText.text)}")`,
    })
    if (text) {
      report.distinct = text.levels.length
      this.textColumns.set(report.name, text)
    } else if (report.type === 'text' && firstText) {
      this.tooManyLevels.push(report.name)
    }
  }

  result(where: { file: string; firstRowNumber: number; headerRow: number | null; rows: number; notes: string[]; rowGaps?: readonly (readonly [number, number])[] }): BuiltTable {
    return {
      table: new Table(this.keptNames, this.keptColumns, { file: where.file, firstRowNumber: where.firstRowNumber, cellText: this.cellText, excluded: this.excluded, rowGaps: where.rowGaps }),
      columns: this.reports,
      textColumns: this.textColumns,
      headerRow: where.headerRow,
      rows: where.rows,
      notes: this.tooManyLevels.length
        ? [...where.notes, `${this.tooManyLevels.map((n) => `"${n}"`).join(', ')} ${this.tooManyLevels.length > 1 ? 'have' : 'has'} more than ${MAX_TRACKED_LEVELS.toLocaleString('en-US')} distinct texts: not kept as a factor (a formula's C() or one-hot encoding); group the values into fewer categories to use ${this.tooManyLevels.length > 1 ? 'them' : 'it'}`]
        : where.notes,
    }
  }
}

function clip(s: string): string {
  return s.length > 40 ? `${s.slice(0, 40)}…` : s
}
