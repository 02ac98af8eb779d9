import { InputError } from '../../src-core/errors'
import { buildDesign, transformInputs, type FormulaState } from '../../src-core/formula/design-matrix'
import { formulaDocument, type FormulaDocument } from '../../src-core/formula/formula-document'
import { formulaError } from '../../src-core/formula/formula-syntax'
import type { CategoricalFactor, FormulaColumns, FormulaTerms, NumericFactor } from '../../src-core/formula/formula-terms'
import { CompensatedSum } from '../../src-core/model/compensated-sum'
import { byCodePoint } from '../../src-core/table/one-hot'
import { emptyCell, type CellChunk, type ColumnStatistics, type LinkedSource, type ScanChunk } from './linked-source'
import { checkLinkedFormula, linkedFormulaColumns } from './linked-formula-check'
import { RowHashSplit } from './row-hash-split'
import { chunkImport } from './streamed-predict'

/**
 * A formula (README "Formulas") trained on linked data: the design is built chunk by chunk by the
 * same code as in memory (design-matrix.ts `buildDesign`), so least squares and gradient descent
 * take the design's columns through their usual "columns of a chunk" input (ScanChunk: the
 * design columns, then the response).
 *
 * What the design remembers (patsy's stateful part, `FormulaState`) must be known before the first
 * chunk is built, so it comes from one streamed pass of its own (`prepareLinkedFormula`): each
 * categorical factor's levels over every row (sorted as in memory, code point order for text,
 * numerically for C(number)), and each scale()/center() factor's mean and population sd of its
 * argument, evaluated per chunk by design-matrix.ts `transformInputs` and merged over chunks
 * (compensated sums within a chunk, Chan's update between chunks). As in memory (trainingDesign),
 * those statistics come from the training rows only: the rows RowHashSplit does not hold out.
 * A formula with neither reads no rows for its state. poly(x, k) is raw powers (stateless), so
 * every formula streams.
 *
 * Linked data have no missing-value policy: an empty cell in a column the formula reads stops the
 * run naming its row (as every linked scan does); a value outside a function's domain (log of a
 * negative) is buildDesign's own error, naming the row as in memory (the spreadsheet row: the
 * header is row 1).
 */

export interface LinkedFormula {
  text: string
  state: FormulaState
  /** The model file's `formula`, as an in-memory formula run writes it. */
  document: FormulaDocument
  response: string
  /** The design's columns, as patsy names them: the features the solvers see. */
  features: string[]
  intercept: boolean
  /** The file's columns the formula reads, as numbers and as text. */
  numbers: string[]
  texts: string[]
}

function columnsRead(terms: FormulaTerms, kinds: FormulaColumns): { numbers: string[]; texts: string[] } {
  const read = new Set<string>()
  for (const f of [terms.response!, ...terms.terms.flatMap((t) => t.factors)]) for (const c of f.columns) read.add(c)
  const all = [...read]
  return { numbers: all.filter((c) => kinds.kindOf(c) === 'number'), texts: all.filter((c) => kinds.kindOf(c) === 'text') }
}

/** An empty cell in a column the formula reads stops the run at its row, as linked scans do (no missing-value policy on linked data). */
function checkComplete(chunk: CellChunk): void {
  for (const [name, values] of chunk.numbers) {
    for (let i = 0; i < chunk.rows; i++) {
      if (!Number.isNaN(values[i]!)) continue
      throw emptyCell(name, chunk.firstRow + i + 1, 'number')
    }
  }
  for (const [name, values] of chunk.texts) {
    for (let i = 0; i < chunk.rows; i++) {
      if (values[i] !== null) continue
      throw emptyCell(name, chunk.firstRow + i + 1, 'text')
    }
  }
}

/** Mean and Σ(x − mean)² merged over chunks (Chan et al.), each chunk's with compensated sums. */
class Moments {
  n = 0
  mean = 0
  m2 = 0
  add(values: Float64Array, keep: (i: number) => boolean): void {
    const sum = new CompensatedSum()
    let n = 0
    for (let i = 0; i < values.length; i++) if (keep(i)) (sum.add(values[i]!), n++)
    if (n === 0) return
    const mean = sum.value / n
    const ss = new CompensatedSum()
    for (let i = 0; i < values.length; i++) if (keep(i)) ss.add((values[i]! - mean) ** 2)
    const total = this.n + n
    const delta = mean - this.mean
    this.m2 += ss.value + (delta * delta * this.n * n) / total
    this.mean += (delta * n) / total
    this.n = total
  }
}

export interface FormulaPassOptions {
  where?: string
  rowsPerChunk?: number
  signal?: AbortSignal
  /** The run's validation split (seed, fraction): held-out rows teach scale()/center() nothing. */
  split?: { seed: number; fraction: number }
  /** After each chunk of the state pass: rows read. */
  onProgress?: (rows: number) => void
}

const fileOf = (source: LinkedSource) => (source.files.length === 1 ? source.files[0]! : source.pattern)

/** The formula's state from one streamed pass (none when it has no factor and no scale()/center()), and its design's names. */
export async function prepareLinkedFormula(source: LinkedSource, formula: string, options: FormulaPassOptions = {}): Promise<LinkedFormula> {
  const kinds = linkedFormulaColumns(source.columns)
  const terms = checkLinkedFormula(formula, source.columns)
  const { numbers, texts } = columnsRead(terms, kinds)
  const factors = [...terms.response ? [terms.response] : [], ...terms.terms.flatMap((t) => t.factors)]
  const categorical = unique(factors.filter((f): f is CategoricalFactor => f.type === 'categorical'))
  const stateful = unique(factors.filter((f): f is NumericFactor => f.type === 'numeric' && f.transform !== null))
  const seen = new Map(categorical.map((f) => [f.name, new Set<string | number>()]))
  const moments = new Map(stateful.map((f) => [f.name, new Moments()]))
  const split = new RowHashSplit(options.split?.seed ?? 0, options.split?.fraction ?? 0)
  if (categorical.length + stateful.length > 0) {
    let rows = 0
    for await (const chunk of source.scanCells(numbers, texts, { where: options.where, rowsPerChunk: options.rowsPerChunk, signal: options.signal })) {
      checkComplete(chunk)
      for (const f of categorical) {
        const set = seen.get(f.name)!
        const values = f.source === 'text' ? chunk.texts.get(f.column)! : chunk.numbers.get(f.column)!
        for (let i = 0; i < chunk.rows; i++) set.add(values[i]!)
      }
      if (stateful.length) {
        const inputs = transformInputs(formula, chunkImport(chunk, fileOf(source)))
        const keep = (i: number) => !split.heldOut(chunk.firstRow + i)
        for (const f of stateful) moments.get(f.name)!.add(inputs.get(f.name)!, keep)
      }
      rows += chunk.rows
      options.onProgress?.(rows)
    }
  }
  const state: FormulaState = {
    factors: categorical.map((f) => levelsOf(terms, f, seen.get(f.name)!)),
    transforms: stateful.map((f) => {
      const m = moments.get(f.name)!
      const sd = Math.sqrt(m.m2 / m.n)
      if (f.transform === 'scale' && !(sd > 0)) throw formulaError(terms.formula.text, f.expr.pos, `${f.name} of a constant column`, 'Leave the constant column out of the formula.')
      return { name: f.name, mean: m.n ? m.mean : NaN, scale: f.transform === 'scale' ? sd : 1 }
    }),
  }
  // The design of no rows gives the names, the order of the state as in memory, and the document.
  const empty: CellChunk = { rows: 0, firstRow: 0, numbers: new Map(numbers.map((n) => [n, new Float64Array(0)])), texts: new Map(texts.map((n) => [n, []])) }
  const design = buildDesign(formula, chunkImport(empty, fileOf(source)), state)
  return {
    text: design.formula,
    state: design.state,
    document: formulaDocument(design),
    response: design.response!.name,
    features: design.columns.map((c) => c.name),
    intercept: design.intercept,
    numbers,
    texts,
  }
}

function unique<T extends { name: string }>(factors: T[]): T[] {
  return factors.filter((f, i) => factors.findIndex((g) => g.name === f.name) === i)
}

/** A factor's levels and reference as design-matrix.ts codedFactor finds them in memory, with its sentences. */
function levelsOf(terms: FormulaTerms, f: CategoricalFactor, values: Set<string | number>): FormulaState['factors'][number] {
  const levels = f.source === 'text' ? [...(values as Set<string>)].sort(byCodePoint) : [...(values as Set<number>)].sort((a, b) => a - b).map(String)
  if (levels.length < 2) {
    throw formulaError(terms.formula.text, f.reference?.pos ?? 1, `${f.name} has ${levels.length === 1 ? `only one value ("${levels[0]}")` : 'no values'}, so it cannot be a factor`, 'Leave it out of the formula.')
  }
  let reference = 0
  if (f.reference) {
    const want = f.reference.value
    reference = levels.indexOf(typeof want === 'number' ? String(want) : want)
    if (reference < 0) {
      const shown = levels.slice(0, 20).map((l) => `"${l}"`).join(', ')
      throw formulaError(terms.formula.text, f.reference.pos, `"${want}" is not a level of column \`${f.column}\``, `Its levels are: ${shown}${levels.length > 20 ? ', …' : ''}.`)
    }
  }
  return { name: f.name, levels, reference: levels[reference]! }
}

/** The linked rows as design chunks: the design's columns, then the response — what the streamed solvers read. */
export async function* designChunks(source: LinkedSource, formula: LinkedFormula, options: { where?: string; rowsPerChunk?: number; signal?: AbortSignal } = {}): AsyncGenerator<ScanChunk> {
  for await (const chunk of source.scanCells(formula.numbers, formula.texts, options)) {
    checkComplete(chunk)
    const design = buildDesign(formula.text, chunkImport(chunk, fileOf(source)), formula.state)
    if (design.unknownLevelRows.includes(1)) {
      throw new InputError('The linked data changed while it was read: a factor has a level the first pass did not see.', 'Leave the files unchanged during training, then train again.')
    }
    yield { rows: chunk.rows, firstRow: chunk.firstRow, columns: [...design.values, design.response!.values] }
  }
}

/**
 * What a formula run reads before its fit, as the CLI and the app's worker job both run it: the
 * state pass, then (for gradient descent) the design columns' statistics.
 */
export async function prepareFormulaRun(
  source: LinkedSource,
  formula: string,
  options: FormulaPassOptions & { designStatistics: boolean },
): Promise<{ formula: LinkedFormula; columns: ColumnStatistics[] | null }> {
  const prepared = await prepareLinkedFormula(source, formula, options)
  return { formula: prepared, columns: options.designStatistics ? await designStatistics(source, prepared, options) : null }
}

/**
 * Count, mean, population sd, min and max of each design column and the response over the training
 * rows (those the split does not hold out), in one pass: gradient descent standardizes the design's
 * columns with them, as in memory it standardizes a formula run's columns.
 */
export async function designStatistics(source: LinkedSource, formula: LinkedFormula, options: FormulaPassOptions = {}): Promise<ColumnStatistics[]> {
  const names = [...formula.features, formula.response]
  const moments = names.map(() => new Moments())
  const min = names.map(() => Infinity)
  const max = names.map(() => -Infinity)
  const split = new RowHashSplit(options.split?.seed ?? 0, options.split?.fraction ?? 0)
  let rows = 0
  for await (const chunk of designChunks(source, formula, options)) {
    const keep = (i: number) => !split.heldOut(chunk.firstRow + i)
    chunk.columns.forEach((values, j) => {
      moments[j]!.add(values, keep)
      for (let i = 0; i < chunk.rows; i++) {
        if (!keep(i)) continue
        if (values[i]! < min[j]!) min[j] = values[i]!
        if (values[i]! > max[j]!) max[j] = values[i]!
      }
    })
    rows += chunk.rows
    options.onProgress?.(rows)
  }
  return names.map((name, j) => ({ name, count: moments[j]!.n, mean: moments[j]!.mean, std: Math.sqrt(moments[j]!.m2 / moments[j]!.n), min: min[j]!, max: max[j]! }))
}
