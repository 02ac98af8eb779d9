import { InputError } from '../errors'
import { DEFAULT_LIMITS } from '../table/import-limits'
import { rowsPassingPolicy, type MissingPolicy } from '../table/missing'
import { byCodePoint } from '../table/one-hot'
import { splitRows } from '../table/split'
import { Table, type TableSource } from '../table/table'
import type { TextColumn } from '../table/table-builder'
import { formulaError, type FormulaNode } from './formula-syntax'
import { formulaTerms, type CategoricalFactor, type ElementwiseFunction, type Factor, type FormulaColumns, type FormulaTerms, type NumericFactor, type Term } from './formula-terms'

/**
 * A formula evaluated on a columnar table: the design columns patsy's `dmatrices` would build, in
 * its order and with its names, plus the response. Categorical factors use treatment coding;
 * which factors get a full-rank coding and which drop their reference level follows patsy's rule
 * (redundancy.py): each term spans only what the terms before it in its bucket do not, so
 * `y ~ x:c` codes c in full while `y ~ c + x:c` drops its reference in both terms.
 */

/** The data a formula reads: numeric columns, and text columns dictionary-encoded (import's `textColumns`). */
export interface FormulaData {
  table: Table
  textColumns: ReadonlyMap<string, TextColumn>
}

/** What a model must remember to build the same columns from new data (patsy's stateful part). */
export interface FormulaState {
  /** Each categorical factor (by name): its levels in code order and the reference level. */
  factors: { name: string; levels: string[]; reference: string }[]
  /** Each scale()/center() factor: the training mean and standard deviation (ddof 0; 1 for center). */
  transforms: { name: string; mean: number; scale: number }[]
}

/** How a prediction of a transformed response goes back to the response column's units. */
export type BackTransform = 'exp' | 'pow10' | 'pow2' | 'expm1' | 'square' | 'log' | 'uncenter' | 'unscale'

export interface DesignColumnInfo {
  /** As patsy names the column: `x`, `I(x ^ 2)`, `city[T.Rome]`, `x:city[T.Rome]`. */
  name: string
  /** The formula term it belongs to (`x:city`). */
  term: string
  /** Its factors, left to right: a numeric factor contributes its values, a categorical one a 0/1 indicator. */
  factors: ({ kind: 'numeric'; name: string; columns: string[] } | { kind: 'level'; name: string; column: string; level: string })[]
}

export interface FormulaDesign {
  formula: string
  intercept: boolean
  response: { name: string; values: Float64Array; column: string | null; backTransform: BackTransform | null } | null
  columns: DesignColumnInfo[]
  values: Float64Array[]
  state: FormulaState
  /** Per row, 1 where a categorical value is one the state does not know (prediction only): missing in the design. */
  unknownLevelRows: Uint8Array
}

export function formulaColumns(data: FormulaData): FormulaColumns {
  const { table, textColumns } = data
  // Every text column, one-hot encoded ones too (their dummies are numeric columns of their own).
  const text = [...textColumns.keys()].filter((n) => !table.has(n))
  return {
    names: [...table.names, ...text],
    kindOf: (name) => (table.has(name) ? 'number' : textColumns.has(name) ? 'text' : undefined),
  }
}

/**
 * Builds the design. Without `state` (training) levels and scale()/center() statistics come from
 * these data; with it (prediction) from the model, and a level the model never saw makes that row
 * missing.
 */
export function buildDesign(formula: string, data: FormulaData, state?: FormulaState, statsRows?: Uint32Array): FormulaDesign {
  const terms = formulaTerms(formula, formulaColumns(data), state !== undefined)
  return new DesignBuilder(terms, data, state, statsRows).build()
}

/**
 * The values of each scale()/center() factor's argument (before its transform), by factor name:
 * what linked data (src-main/linked/formula-chunks.ts) learn the mean and sd from chunk by chunk,
 * evaluated by the same code (and with the same row errors) as a whole design.
 */
export function transformInputs(formula: string, data: FormulaData): Map<string, Float64Array> {
  const terms = formulaTerms(formula, formulaColumns(data))
  const stateful = [...(terms.response ? [terms.response] : []), ...terms.terms.flatMap((t) => t.factors)].filter((f): f is NumericFactor => f.type === 'numeric' && f.transform !== null)
  // mean 0 and scale 1 leave the argument's values as they are: (v − 0) / 1 = v exactly.
  const identity: FormulaState = { factors: [], transforms: stateful.map((f) => ({ name: f.name, mean: 0, scale: 1 })) }
  const builder = new DesignBuilder(terms, data, identity)
  return new Map(stateful.map((f) => [f.name, builder.factorValues(f)]))
}

/** How a run picks its rows (TrainConfig's names): the missing-value policy and the seeded validation split. */
export interface RowChoice {
  missing: MissingPolicy
  validationFraction: number
  seed: number
}

/**
 * The design a run trains on. scale()/center() learn their mean and sd from the run's training rows
 * only, so held-out rows never leak into the model (and the model file records those numbers). The
 * training rows are found on a first build: the missing-value policy and the seeded split read only
 * which cells are missing, which the statistics do not change, so prepareData picks the same rows
 * from the second build. Without a split (or without such terms) the statistics come from every row
 * with a value, as patsy's.
 */
export function trainingDesign(formula: string, data: FormulaData, rows: RowChoice): FormulaDesign {
  const first = buildDesign(formula, data)
  if (rows.validationFraction === 0 || first.state.transforms.length === 0 || !first.response) return first
  const table = designTable(first, data.table.source)
  const features = first.columns.map((_, j) => j + 1)
  const split = splitRows(rowsPassingPolicy(table, 0, features, rows.missing).rows, rows.validationFraction, rows.seed)
  return buildDesign(formula, data, undefined, split.train)
}

interface Subterm {
  factors: Factor[]
  /** Categorical factor name → coded in full (true) or against its reference (false). */
  full: Map<string, boolean>
}

/**
 * patsy's `_make_subterm_infos`: terms bucketed by their set of numeric factors (the bucket
 * without numeric factors first, the rest in order of appearance), each bucket sorted by degree,
 * and within a bucket every term coded to add only the subspace not spanned already.
 */
export function orderAndCode(intercept: boolean, terms: readonly Term[]): { term: Term; subterms: Subterm[] }[] {
  const all: Term[] = intercept ? [{ factors: [], name: 'Intercept' }, ...terms] : [...terms]
  const buckets = new Map<string, Term[]>()
  for (const term of all) {
    const key = term.factors.filter((f) => f.type === 'numeric').map((f) => f.name).sort().join('\u0000')
    if (!buckets.has(key)) buckets.set(key, [])
    buckets.get(key)!.push(term)
  }
  const order = [...buckets.keys()]
  if (buckets.has('')) order.splice(order.indexOf(''), 1), order.unshift('')
  const out: { term: Term; subterms: Subterm[] }[] = []
  for (const key of order) {
    const bucket = [...buckets.get(key)!].sort((a, b) => a.factors.length - b.factors.length) // stable, as Python's
    const used = new Set<string>()
    for (const term of bucket) out.push({ term, subterms: pickContrasts(term, used) })
  }
  return out
}

/** An expanded factor: categorical factor name and whether it is coded in full ("+") or not ("-"). */
type ExpandedFactor = { name: string; full: boolean }
const expandedKey = (e: ExpandedFactor[]) => e.map((f) => `${f.name}\u0001${f.full ? '+' : '-'}`).sort().join('\u0000')

/** patsy's pick_contrasts_for_term (redundancy.py), step by step. */
function pickContrasts(term: Term, used: Set<string>): Subterm[] {
  const categorical = term.factors.filter((f): f is CategoricalFactor => f.type === 'categorical')
  // Subsets of the categorical factors, shortest first, ties in the order of their factors.
  let subsets: number[][] = [[]]
  for (let i = 0; i < categorical.length; i++) subsets = [...subsets, ...subsets.map((s) => [...s, i])]
  subsets.sort((a, b) => {
    for (let k = 0; k < Math.min(a.length, b.length); k++) if (a[k] !== b[k]) return a[k]! - b[k]!
    return a.length - b.length
  })
  subsets.sort((a, b) => a.length - b.length)
  const subterms: ExpandedFactor[][] = []
  for (const subset of subsets) {
    const s = subset.map((i) => ({ name: categorical[i]!.name, full: false }))
    const key = expandedKey(s)
    if (!used.has(key)) subterms.push(s)
  }
  for (const s of subterms) used.add(expandedKey(s))
  // Simplify greedily from the left: () + a- = a+, a- + a-:b- = a-:b+ …
  for (let changed = true; changed; ) {
    changed = false
    outer: for (let i = 0; i < subterms.length; i++) {
      const short = subterms[i]!
      for (let j = i + 1; j < subterms.length; j++) {
        const long = subterms[j]!
        const shortKeys = new Set(short.map((e) => expandedKey([e])))
        const extra = long.filter((e) => !shortKeys.has(expandedKey([e])))
        if (long.length - short.length === 1 && extra.length === 1) {
          subterms[j] = [...short, { name: extra[0]!.name, full: true }]
          subterms.splice(i, 1)
          changed = true
          break outer
        }
      }
    }
  }
  return subterms.map((s) => ({
    factors: term.factors.filter((f) => f.type === 'numeric' || s.some((e) => e.name === f.name)),
    full: new Map(s.map((e) => [e.name, e.full])),
  }))
}

const ELEMENTWISE: Record<ElementwiseFunction, { apply: (x: number) => number; domain: (x: number) => boolean; problem: string }> = {
  log: { apply: Math.log, domain: (x) => x > 0, problem: 'log of a non-positive value' },
  log10: { apply: Math.log10, domain: (x) => x > 0, problem: 'log10 of a non-positive value' },
  log2: { apply: Math.log2, domain: (x) => x > 0, problem: 'log2 of a non-positive value' },
  log1p: { apply: Math.log1p, domain: (x) => x > -1, problem: 'log1p of a value of −1 or less' },
  exp: { apply: Math.exp, domain: () => true, problem: 'exp of a value too large' },
  sqrt: { apply: Math.sqrt, domain: (x) => x >= 0, problem: 'sqrt of a negative value' },
  abs: { apply: Math.abs, domain: () => true, problem: 'abs' },
}

const BACK_TRANSFORMS: Partial<Record<string, BackTransform>> = { log: 'exp', log10: 'pow10', log2: 'pow2', log1p: 'expm1', sqrt: 'square', exp: 'log' }

/** A numeric level as Python prints it for an integer or float column ("3", "2.5"). */
function levelText(v: number): string {
  return String(v)
}

interface CodedFactor {
  levels: string[]
  reference: number
  /** Per row: level index, −1 missing. */
  codes: Int32Array
}

class DesignBuilder {
  private readonly rows: number
  private readonly numeric = new Map<string, Float64Array>()
  private readonly coded = new Map<string, CodedFactor>()
  private readonly state: FormulaState = { factors: [], transforms: [] }
  private unknownRows: Uint8Array

  constructor(
    private readonly terms: FormulaTerms,
    private readonly data: FormulaData,
    private readonly frozen?: FormulaState,
    /** Rows scale()/center() learn from (training rows); every row when absent. */
    private readonly statsRows?: Uint32Array,
  ) {
    const first = data.textColumns.values().next().value
    this.rows = data.table.columns.length > 0 ? data.table.rowCount : (first?.codes.length ?? 0)
    this.unknownRows = new Uint8Array(this.rows)
  }

  private error(pos: number, problem: string, hint: string): InputError {
    return formulaError(this.terms.formula.text, pos, problem, hint)
  }

  build(): FormulaDesign {
    const { response, intercept, terms, formula } = this.terms
    const columns: DesignColumnInfo[] = []
    const values: Float64Array[] = []
    for (const { term, subterms } of orderAndCode(intercept, terms)) {
      if (term.factors.length === 0) continue // the intercept: the solver adds it
      for (const subterm of subterms) this.addSubterm(term, subterm, columns, values)
    }
    const seen = new Set<string>()
    for (const c of columns) {
      if (seen.has(c.name)) throw new InputError(`Formula "${formula.text}" makes two columns named ${c.name}.`, 'Rename a column of the data so that its names differ.')
      seen.add(c.name)
    }
    let responseOut: FormulaDesign['response'] = null
    if (response) {
      const node = response.expr
      // Invertible functions of one column: log(y) predicts log(y), and exp of that is y's median.
      const inverse = node.kind === 'call' && node.args[0]?.kind === 'name' ? BACK_TRANSFORMS[node.callee] : undefined
      responseOut = {
        name: response.name,
        values: this.numericValues(response),
        column: response.columns.length === 1 ? response.columns[0]! : null,
        backTransform: response.transform === 'center' ? 'uncenter' : response.transform === 'scale' ? 'unscale' : (inverse ?? null),
      }
    }
    return { formula: formula.text, intercept, response: responseOut, columns, values, state: this.state, unknownLevelRows: this.unknownRows }
  }

  private addSubterm(term: Term, subterm: Subterm, columns: DesignColumnInfo[], values: Float64Array[]): void {
    // One list of (name piece, values, info) per factor; columns are their products, the
    // left-most factor varying fastest (patsy and R).
    const perFactor = subterm.factors.map((f) => {
      if (f.type === 'numeric') {
        const v = this.numericValues(f)
        return [{ piece: f.name, values: v, info: { kind: 'numeric' as const, name: f.name, columns: f.columns } }]
      }
      const coded = this.codedFactor(f)
      const full = subterm.full.get(f.name)!
      const levels = coded.levels.map((l, i) => ({ l, i })).filter(({ i }) => full || i !== coded.reference)
      return levels.map(({ l, i }) => {
        const v = new Float64Array(this.rows)
        for (let r = 0; r < this.rows; r++) {
          const code = coded.codes[r]!
          v[r] = code < 0 ? NaN : code === i ? 1 : 0
        }
        return { piece: `${f.name}[${full ? '' : 'T.'}${l}]`, values: v, info: { kind: 'level' as const, name: f.name, column: f.column, level: l } }
      })
    })
    const counts = perFactor.map((p) => p.length)
    const total = counts.reduce((a, b) => a * b, 1)
    // A factor of k levels makes k − 1 columns (a ZIP code: hundreds), each 8 bytes a row: refuse a
    // design larger than the largest table an import builds before allocating it.
    const cells = (columns.length + total) * this.rows
    if (cells > DEFAULT_LIMITS.maxCells) {
      throw new InputError(
        `Formula "${this.terms.formula.text}" makes over ${(columns.length + total).toLocaleString('en-US')} design columns of ${this.rows.toLocaleString('en-US')} rows (term ${term.name}): more than the ${DEFAULT_LIMITS.maxCells.toLocaleString('en-US')} cells Slope holds.`,
        'Group a factor’s levels into fewer categories, or drop an interaction with a factor.',
      )
    }
    for (let k = 0; k < total; k++) {
      let rest = k
      const picks = perFactor.map((p, j) => {
        const idx = rest % counts[j]!
        rest = Math.floor(rest / counts[j]!)
        return p[idx]!
      })
      const v = picks.length === 1 ? picks[0]!.values : new Float64Array(this.rows).fill(1)
      if (picks.length > 1) for (const p of picks) for (let r = 0; r < this.rows; r++) v[r]! *= p.values[r]!
      columns.push({ name: picks.map((p) => p.piece).join(':'), term: term.name, factors: picks.map((p) => p.info) })
      values.push(v)
    }
  }

  private codedFactor(f: CategoricalFactor): CodedFactor {
    const done = this.coded.get(f.name)
    if (done) return done
    const known = this.frozen?.factors.find((k) => k.name === f.name)
    let rowText: (r: number) => string | null
    let present: string[]
    if (f.source === 'text') {
      const text = this.data.textColumns.get(f.column)!
      rowText = (r) => (text.codes[r]! < 0 ? null : text.levels[text.codes[r]!]!)
      present = [...text.levels].sort(byCodePoint)
    } else {
      const col = this.data.table.column(f.column)
      rowText = (r) => (Number.isNaN(col[r]!) ? null : levelText(col[r]!))
      const distinct = [...new Set(Array.from(col).filter((x) => !Number.isNaN(x)))].sort((a, b) => a - b)
      present = distinct.map(levelText)
    }
    const levels = known ? known.levels : present
    if (!known && levels.length < 2) {
      throw this.error(f.reference?.pos ?? 1, `${f.name} has ${levels.length === 1 ? `only one value ("${levels[0]}")` : 'no values'}, so it cannot be a factor`, 'Leave it out of the formula.')
    }
    let reference = 0
    if (known) reference = levels.indexOf(known.reference)
    else if (f.reference) {
      const want = f.reference.value
      reference = typeof want === 'number' ? levels.indexOf(levelText(want)) : levels.indexOf(want)
      if (reference < 0) {
        const shown = levels.slice(0, 20).map((l) => `"${l}"`).join(', ')
        throw this.error(f.reference.pos, `"${want}" is not a level of column \`${f.column}\``, `Its levels are: ${shown}${levels.length > 20 ? ', …' : ''}.`)
      }
    }
    const index = new Map(levels.map((l, i) => [l, i]))
    const codes = new Int32Array(this.rows)
    for (let r = 0; r < this.rows; r++) {
      const t = rowText(r)
      const i = t === null ? undefined : index.get(t)
      if (t !== null && i === undefined) this.unknownRows[r] = 1
      codes[r] = i ?? -1
    }
    const coded = { levels, reference, codes }
    this.coded.set(f.name, coded)
    this.state.factors.push({ name: f.name, levels: [...levels], reference: levels[reference]! })
    return coded
  }

  /** One numeric factor's values (transformInputs). */
  factorValues(f: NumericFactor): Float64Array {
    return this.numericValues(f)
  }

  private numericValues(f: NumericFactor): Float64Array {
    const done = this.numeric.get(f.name)
    if (done) return done
    const v = this.evaluate(f.expr, f)
    if (f.transform) {
      let stats: { mean: number; scale: number } | undefined = this.frozen?.transforms.find((t) => t.name === f.name)
      if (!stats) {
        const learnFrom = this.statsRows ? Array.from(this.statsRows, (r) => v[r]!) : v
        let n = 0
        let sum = 0
        for (const x of learnFrom) if (!Number.isNaN(x)) (n++, (sum += x))
        const mean = n ? sum / n : NaN
        let ss = 0
        for (const x of learnFrom) if (!Number.isNaN(x)) ss += (x - mean) ** 2
        const sd = Math.sqrt(ss / n)
        if (f.transform === 'scale' && !(sd > 0)) throw this.error(f.expr.pos, `${f.name} of a constant column`, 'Leave the constant column out of the formula.')
        stats = { mean, scale: f.transform === 'scale' ? sd : 1 }
      }
      this.state.transforms.push({ name: f.name, mean: stats.mean, scale: stats.scale })
      for (let r = 0; r < v.length; r++) v[r] = (v[r]! - stats.mean) / stats.scale
    }
    this.numeric.set(f.name, v)
    return v
  }

  /** Elementwise arithmetic over the rows; a value outside a function's domain is an error naming its row. */
  private evaluate(node: FormulaNode, factor: NumericFactor): Float64Array {
    const n = this.rows
    switch (node.kind) {
      case 'number':
        return new Float64Array(n).fill(node.value)
      case 'name':
        return Float64Array.from(this.data.table.column(node.name))
      case 'paren':
        return this.evaluate(node.inner, factor)
      case 'unary': {
        const v = this.evaluate(node.operand, factor)
        if (node.op === '-') for (let r = 0; r < n; r++) v[r] = -v[r]!
        return v
      }
      case 'binary': {
        const a = this.evaluate(node.left, factor)
        const b = this.evaluate(node.right, factor)
        const op = node.op
        for (let r = 0; r < n; r++) {
          const x = a[r]!
          const y = b[r]!
          a[r] = op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : op === '/' ? x / y : x ** y
          if (!Number.isFinite(a[r]!) && Number.isFinite(x) && Number.isFinite(y)) {
            const what = op === '/' ? 'division by zero' : op === '^' || op === '**' ? 'a power that is not a real number' : 'a result too large'
            throw this.rowError(node.pos, what, factor, r)
          }
        }
        return a
      }
      case 'call': {
        const v = this.evaluate(node.args[0]!, factor)
        if (node.callee === 'I') return v
        const fn = ELEMENTWISE[node.callee as ElementwiseFunction]
        for (let r = 0; r < n; r++) {
          const x = v[r]!
          if (Number.isNaN(x)) continue
          if (!fn.domain(x)) throw this.rowError(node.pos, fn.problem, factor, r)
          v[r] = fn.apply(x)
          if (!Number.isFinite(v[r]!) && Number.isFinite(x)) throw this.rowError(node.pos, fn.problem, factor, r)
        }
        return v
      }
      case 'string':
        throw new Error('strings are rejected when the terms are built')
    }
  }

  private rowError(pos: number, problem: string, factor: NumericFactor, r: number): InputError {
    const where = factor.columns.length === 1 ? `column ${factor.columns[0]}` : factor.name
    return new InputError(
      `Formula "${this.terms.formula.text}" at ${pos}: ${problem} in row ${this.data.table.rowNumber(r)} of ${where}.`,
      'Fix or remove that row, or choose a transformation defined for all its values (log1p(x) takes zeros).',
      { row: this.data.table.rowNumber(r), column: factor.columns.length === 1 ? factor.columns[0] : undefined },
    )
  }
}

/**
 * The design as a table the training path takes unchanged: the response first, then one column per
 * design column, named as patsy names them — so least squares, gradient descent (standardized per
 * design column) and every statistic work per term. Row numbers stay the file's.
 */
export function designTable(design: FormulaDesign, source: TableSource, responseOptional = false): Table {
  if (!design.response && !responseOptional) throw new InputError(`Formula "${design.formula}" has no response.`, 'Write the column to predict left of "~", e.g. y ~ x.')
  const { cellText: _cellText, excluded: _excluded, ...rest } = source // both index the file's columns, not these
  const response = design.response ? { names: [design.response.name], values: [design.response.values] } : { names: [], values: [] }
  return new Table([...response.names, ...design.columns.map((c) => c.name)], [...response.values, ...design.values], rest)
}
