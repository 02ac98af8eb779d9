import type { ImportProgress } from './byte-source'
import type { ImportOptions, ImportResult } from './import-table'
import { Table } from './table'

/**
 * Messages between the app and its parse worker (src-renderer/src/workers/parse-worker.ts): the
 * one contract of that boundary. Column data cross as transferred Float64Array buffers, never
 * JSON; the Table is rebuilt on the other side with `tableFromMessage`.
 */
export type ParseRequest =
  | { type: 'parse-file'; id: number; file: Blob & { name: string }; options: ImportOptions }
  /** A block pasted from a spreadsheet (tab-separated text). */
  | { type: 'parse-text'; id: number; name: string; text: string; options: ImportOptions }
  | { type: 'cancel'; id: number }

export type ParseResponse =
  | { type: 'progress'; id: number; progress: ImportProgress }
  | { type: 'done'; id: number; result: ParsedTableMessage }
  /** `message` + `hint` are the InputError's sentence parts; `cancelled` when the request was cancelled. */
  | { type: 'error'; id: number; message: string; hint: string; where: { file?: string; row?: number; column?: string }; cancelled: boolean; inputError: boolean }

/** An ImportResult as structured-clone data: the Table's parts instead of the class. */
export type ParsedTableMessage = Omit<ImportResult, 'table'> & {
  table: { names: string[]; columns: Float64Array[]; source: Table['source'] }
}

export function resultToMessage(result: ImportResult): { message: ParsedTableMessage; transfer: ArrayBuffer[] } {
  const { table, ...rest } = result
  const columns = table.columns.map((c) => c)
  const transfer = new Set<ArrayBuffer>()
  for (const c of columns) transfer.add(c.buffer as ArrayBuffer)
  for (const t of result.textColumns.values()) transfer.add(t.codes.buffer as ArrayBuffer)
  return { message: { ...rest, table: { names: [...table.names], columns, source: table.source } }, transfer: [...transfer] }
}

export function tableFromMessage(message: ParsedTableMessage): ImportResult {
  const { table, ...rest } = message
  return { ...rest, table: new Table(table.names, table.columns, table.source) }
}
