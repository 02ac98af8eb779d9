import type { DatasetData } from '../../../src-core/contract'
import { textColumnsFromUpload } from '../../../src-core/dataset-upload'
import { designTable, trainingDesign, type FormulaDesign, type RowChoice } from '../../../src-core/formula/design-matrix'
import { Table } from '../../../src-core/table/table'

/**
 * The table a run trained on, rebuilt from its dataset: the file's numeric columns, or for a formula
 * run its design — built by the core's one design builder from the numeric and the text columns
 * (factors), with scale()/center() learnt from the same training rows — so the Fit tab's rows are
 * the rows training saw.
 */
export function runTable(dataset: DatasetData, formula: string | null, rows: RowChoice): { table: Table; design: FormulaDesign | null } {
  const file = new Table(dataset.columns, dataset.data, { firstRowNumber: dataset.firstRowNumber, rowGaps: dataset.rowGaps, excluded: dataset.excluded, file: dataset.fileName })
  if (formula === null) return { table: file, design: null }
  const textColumns = textColumnsFromUpload(dataset.textColumns, file.rowCount, dataset.fileName)
  const design = trainingDesign(formula, { table: file, textColumns }, rows)
  return { table: designTable(design, file.source), design }
}
