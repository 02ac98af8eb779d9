import type { InputError } from '../errors'
import { closestName } from './closest-name'
import { formulaError, parseFormula, printNode, type FormulaNode, type ParsedFormula } from './formula-syntax'

/**
 * A formula's terms, as patsy's `ModelDesc` has them: the intercept or not, and a list of terms,
 * each a set of factors (`a:b` has the factors a and b). A factor is numeric (a column, `log(z)`,
 * `I(x ^ 2)`, `scale(x)`) or categorical (a text column, `C(col)`); how categorical factors are
 * coded (full rank or against a reference) is decided later, when the design is built
 * (design-matrix.ts), exactly as patsy decides it.
 */

/** Elementwise functions of arithmetic (natural log as in R, numpy and patsy). */
export const ELEMENTWISE_FUNCTIONS = ['log', 'log10', 'log2', 'log1p', 'exp', 'sqrt', 'abs'] as const
export type ElementwiseFunction = (typeof ELEMENTWISE_FUNCTIONS)[number]
/** Functions that make terms; `scale` standardizes (ddof 0, as patsy), `center` subtracts the mean. */
const TERM_FUNCTIONS = ['I', 'C', 'poly', 'scale', 'center', 'standardize'] as const
const ALL_FUNCTIONS: readonly string[] = [...ELEMENTWISE_FUNCTIONS, ...TERM_FUNCTIONS]

export type NumericFactor = {
  type: 'numeric'
  /** As patsy names it: `x`, `log(z)`, `I(x ^ 2)`. */
  name: string
  /** Arithmetic to evaluate (for scale/center: their argument). */
  expr: FormulaNode
  /** Stateful transform applied after `expr`, with statistics remembered from the training data. */
  transform: 'scale' | 'center' | null
  /** Data columns the factor reads. */
  columns: string[]
}

export type CategoricalFactor = {
  type: 'categorical'
  name: string
  column: string
  /** The column holds text (levels as written) or numbers (C(col): levels are its distinct values). */
  source: 'text' | 'number'
  /** Treatment("…") reference, as written; null: the first level. */
  reference: { value: string | number; pos: number } | null
  columns: string[]
}

export type Factor = NumericFactor | CategoricalFactor

export interface Term {
  factors: Factor[]
  /** `a:b`, or "Intercept" for the empty term. */
  name: string
}

export interface FormulaTerms {
  formula: ParsedFormula
  response: NumericFactor | null
  intercept: boolean
  /** Terms besides the intercept, in the formula's order (patsy reorders them in the design). */
  terms: Term[]
}

/** What a formula may refer to: the data's columns and which hold text. */
export interface FormulaColumns {
  /** Every column, numeric or text, for lookups and "did you mean". */
  names: readonly string[]
  kindOf(name: string): 'number' | 'text' | undefined
}

interface Expr {
  intercept: boolean
  interceptRemoved: boolean
  terms: Term[]
}

const termKey = (factors: readonly Factor[]) => [...factors.map((f) => f.name)].sort().join('\u0000')

function makeTerm(factors: readonly Factor[]): Term {
  const unique: Factor[] = []
  for (const f of factors) if (!unique.some((u) => u.name === f.name)) unique.push(f)
  return { factors: unique, name: unique.length ? unique.map((f) => f.name).join(':') : 'Intercept' }
}

function uniqueTerms(terms: readonly Term[]): Term[] {
  const seen = new Set<string>()
  return terms.filter((t) => {
    const key = termKey(t.factors)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

const expr = (terms: Term[], intercept = false, interceptRemoved = false): Expr => ({ intercept, interceptRemoved, terms: uniqueTerms(terms) })

/** `optionalResponse` (prediction): data without the response's columns give a null response. */
export function formulaTerms(text: string, columns: FormulaColumns, optionalResponse = false): FormulaTerms {
  const formula = parseFormula(text)
  return new TermBuilder(formula, columns, optionalResponse).build()
}

class TermBuilder {
  constructor(
    private readonly formula: ParsedFormula,
    private readonly columns: FormulaColumns,
    private readonly optionalResponse: boolean,
  ) {}

  private error(pos: number, problem: string, hint: string): InputError {
    return formulaError(this.formula.text, pos, problem, hint)
  }

  build(): FormulaTerms {
    const { response, rhs } = this.formula
    let responseFactor: NumericFactor | null = null
    if (response && !(this.optionalResponse && namesIn(response).some((n) => !this.columns.kindOf(n)))) {
      const inner = response.kind === 'paren' ? response.inner : response
      if (inner.kind === 'binary' || inner.kind === 'unary' || inner.kind === 'number') {
        throw this.error(inner.pos, 'the response is not one column or function of columns', 'Write one response left of "~", e.g. y or log(y); arithmetic goes in I(…).')
      }
      const factor = this.factorOf(inner)
      if (factor.type === 'categorical') {
        throw this.error(inner.pos, `the response ${factor.name} holds text`, 'Linear regression predicts a number: choose a numeric response.')
      }
      responseFactor = factor
    }
    const result = this.eval(rhs)
    const terms = responseFactor ? result.terms.filter((t) => !(t.factors.length === 1 && t.factors[0]!.name === responseFactor.name)) : result.terms
    return { formula: this.formula, response: responseFactor, intercept: !result.interceptRemoved, terms }
  }

  private eval(node: FormulaNode): Expr {
    switch (node.kind) {
      case 'paren':
        return this.eval(node.inner)
      case 'number':
        if (node.value === 0) return expr([], false, true)
        if (node.value === 1) return expr([], true, false)
        throw this.error(node.pos, `the number ${node.text} is not a term`, 'Only 1 (keep the intercept) and 0 or -1 (drop it) stand alone; arithmetic goes in I(…).')
      case 'string':
        throw this.error(node.pos, `the text ${node.text} is not a term`, 'Name a column; text belongs in C(col, Treatment("level")).')
      case 'unary':
        if (node.op === '+') return this.eval(node.operand)
        if (isNumber(node.operand, 0)) return expr([], true, false)
        if (isNumber(node.operand, 1)) return expr([], false, true)
        throw this.error(node.pos, 'a minus sign with nothing to subtract from', 'Drop a term after the others: y ~ a + b - a, or drop the intercept with - 1.')
      case 'name':
      case 'call':
        if (node.kind === 'call' && node.callee === 'poly') return expr(this.poly(node))
        return expr([makeTerm([this.factorOf(node)])])
      case 'binary':
        return this.binary(node)
    }
  }

  private binary(node: Extract<FormulaNode, { kind: 'binary' }>): Expr {
    const { op } = node
    if (op === '+') {
      const left = this.eval(node.left)
      if (isNumber(node.right, 0)) return expr(left.terms, false, true)
      const right = this.eval(node.right)
      if (right.intercept) return expr([...left.terms, ...right.terms], true, false)
      return expr([...left.terms, ...right.terms], left.intercept, left.interceptRemoved)
    }
    if (op === '-') {
      const left = this.eval(node.left)
      if (isNumber(node.right, 0)) return expr(left.terms, true, false)
      if (isNumber(node.right, 1)) return expr(left.terms, false, true)
      const right = this.eval(node.right)
      const drop = new Set(right.terms.map((t) => termKey(t.factors)))
      const kept = left.terms.filter((t) => !drop.has(termKey(t.factors)))
      if (right.intercept) return expr(kept, false, true)
      return expr(kept, left.intercept, left.interceptRemoved)
    }
    if (op === ':') return this.interact(this.eval(node.left), this.eval(node.right), node.pos)
    if (op === '*') {
      const left = this.eval(node.left)
      const right = this.eval(node.right)
      return expr([...left.terms, ...right.terms, ...this.interact(left, right, node.pos).terms])
    }
    if (op === '/') {
      // Nesting, as patsy: a / b = a + a:b; (a + b) / c = a + b + a:b:c.
      const left = this.eval(node.left)
      const right = this.eval(node.right)
      this.checkInteractable(left, node.pos)
      const combined = expr([makeTerm(left.terms.flatMap((t) => t.factors))])
      return expr([...left.terms, ...this.interact(combined, right, node.pos).terms])
    }
    // ^ and **: all interactions up to that order.
    const left = this.eval(node.left)
    this.checkInteractable(left, node.pos)
    const exponent = node.right.kind === 'paren' ? node.right.inner : node.right
    const power = exponent.kind === 'number' && Number.isInteger(exponent.value) ? exponent.value : -1
    if (power < 1) throw this.error(node.right.pos, `"${op}" needs a whole number of at least 1`, 'Write e.g. (a + b + c)^2 for all pairwise interactions; powers of a column go in I(x ^ 2) or poly(x, 2).')
    let all = left.terms
    let big = left
    for (let i = 1; i < Math.min(power, left.terms.length); i++) {
      big = this.interact(left, big, node.pos)
      all = [...all, ...big.terms]
    }
    return expr(all)
  }

  private checkInteractable(e: Expr, pos: number): void {
    if (e.intercept) throw this.error(pos, 'the intercept cannot interact with anything', 'Remove the 1 from the interaction.')
  }

  private interact(left: Expr, right: Expr, pos: number): Expr {
    this.checkInteractable(left, pos)
    this.checkInteractable(right, pos)
    return expr(left.terms.flatMap((l) => right.terms.map((r) => makeTerm([...l.factors, ...r.factors]))))
  }

  /** poly(x, k): the raw powers x, I(x ^ 2), …, I(x ^ k) as separate terms (R's poly(x, k, raw = TRUE)). */
  private poly(node: Extract<FormulaNode, { kind: 'call' }>): Term[] {
    const [arg, degree] = node.args
    const k = degree && degree.kind === 'number' && Number.isInteger(degree.value) && degree.value >= 1 ? degree.value : -1
    if (!arg || node.args.length !== 2 || k < 1) {
      throw this.error(node.pos, 'poly() needs a column and a whole-number degree', 'Write poly(x, 3) for x, x² and x³.')
    }
    for (const kw of node.keywords) {
      const raw = kw.name === 'raw' && kw.value.kind === 'name' && ['TRUE', 'True', 'T'].includes(kw.value.name)
      if (!raw) throw this.error(kw.value.pos, `poly(…, ${kw.name}=…) is not supported`, 'Slope’s poly() gives raw powers (R’s raw = TRUE); orthogonal polynomials are not available.')
    }
    const base = arg.kind === 'name' || arg.kind === 'call' || arg.kind === 'paren' || arg.kind === 'number' ? arg : ({ kind: 'paren', inner: arg, pos: arg.pos } as const)
    const terms: Term[] = []
    for (let j = 1; j <= k; j++) {
      const factor: FormulaNode =
        j === 1
          ? arg.kind === 'name' || arg.kind === 'call'
            ? arg
            : { kind: 'call', callee: 'I', args: [arg], keywords: [], pos: arg.pos }
          : { kind: 'call', callee: 'I', args: [{ kind: 'binary', op: '^', left: base, right: { kind: 'number', value: j, text: String(j), pos: degree!.pos }, pos: node.pos }], keywords: [], pos: node.pos }
      const f = this.factorOf(factor)
      if (f.type === 'categorical') throw this.error(arg.pos, `poly() of ${f.name}, which holds text`, 'Powers need a numeric column.')
      terms.push(makeTerm([f]))
    }
    return terms
  }

  /** One factor: a column name or a call (I, C, log, scale, …). */
  private factorOf(node: FormulaNode): Factor {
    if (node.kind === 'name') {
      const kind = this.columnKind(node)
      if (kind === 'text') return { type: 'categorical', name: node.name, column: node.name, source: 'text', reference: null, columns: [node.name] }
      return { type: 'numeric', name: node.name, expr: node, transform: null, columns: [node.name] }
    }
    if (node.kind !== 'call') throw this.error(node.pos, `"${printNode(node)}" is not a term`, 'Arithmetic on columns goes in I(…), e.g. I(x ^ 2) or I(a / b).')
    const name = printNode(node)
    const { callee } = node
    if (callee === 'C') return this.categorical(node, name)
    if (callee === 'poly') throw this.error(node.pos, 'poly() inside another term', 'Use poly(x, k) as a term of its own; interact its powers one by one, e.g. a:I(x ^ 2).')
    if (callee === 'scale' || callee === 'standardize' || callee === 'center') {
      const arg = this.singleArgument(node)
      return { type: 'numeric', name, expr: arg, transform: callee === 'center' ? 'center' : 'scale', columns: this.arithmeticColumns(arg, name) }
    }
    if (callee === 'I') {
      const arg = this.singleArgument(node)
      return { type: 'numeric', name, expr: arg, transform: null, columns: this.arithmeticColumns(arg, name) }
    }
    if ((ELEMENTWISE_FUNCTIONS as readonly string[]).includes(callee)) {
      return { type: 'numeric', name, expr: node, transform: null, columns: this.arithmeticColumns(node, name) }
    }
    throw this.unknownFunction(node)
  }

  private unknownFunction(node: Extract<FormulaNode, { kind: 'call' }>): InputError {
    const near = closestName(node.callee, ALL_FUNCTIONS)
    return this.error(node.pos, `unknown function ${node.callee}()${near ? `; did you mean ${near}()?` : ''}`, `Functions are ${ALL_FUNCTIONS.map((f) => `${f}()`).join(', ')}.`)
  }

  private singleArgument(node: Extract<FormulaNode, { kind: 'call' }>): FormulaNode {
    if (node.args.length !== 1 || node.keywords.length) throw this.error(node.pos, `${node.callee}() takes one argument`, `Write e.g. ${node.callee}(x).`)
    return node.args[0]!
  }

  private categorical(node: Extract<FormulaNode, { kind: 'call' }>, name: string): CategoricalFactor {
    const [arg, coding, ...more] = node.args
    if (!arg || more.length || node.keywords.length) throw this.error(node.pos, 'C() takes a column and optionally Treatment("level")', 'Write C(col) or C(col, Treatment("level")).')
    if (arg.kind !== 'name') throw this.error(arg.pos, 'C() needs a column name', 'Write C(col), with the column’s name as it is in the data.')
    const kind = this.columnKind(arg)
    let reference: CategoricalFactor['reference'] = null
    if (coding) {
      const ok = coding.kind === 'call' && coding.callee === 'Treatment' && coding.args.length + coding.keywords.length <= 1 && coding.keywords.every((k) => k.name === 'reference')
      if (!ok) throw this.error(coding.pos, 'the only coding is Treatment("level")', 'Write C(col, Treatment("level")) to choose the reference level.')
      const ref = coding.args[0] ?? coding.keywords[0]?.value
      if (ref) {
        const value = ref.kind === 'string' ? ref.value : ref.kind === 'number' ? ref.value : ref.kind === 'unary' && ref.op === '-' && ref.operand.kind === 'number' ? -ref.operand.value : null
        if (value === null) throw this.error(ref.pos, 'the reference level is not a quoted text or a number', 'Write Treatment("北京") or Treatment(3).')
        reference = { value, pos: ref.pos }
      }
    }
    return { type: 'categorical', name, column: arg.name, source: kind === 'text' ? 'text' : 'number', reference, columns: [arg.name] }
  }

  private columnKind(node: Extract<FormulaNode, { kind: 'name' }>): 'number' | 'text' {
    const kind = this.columns.kindOf(node.name)
    if (kind) return kind
    const near = closestName(node.name, this.columns.names)
    throw this.error(
      node.pos,
      `unknown column \`${node.name}\`${near ? `; did you mean \`${near}\`?` : ''}`,
      `Columns are: ${this.columns.names.map((n) => `\`${n}\``).join(', ')}. Names with spaces or symbols go in backticks.`,
    )
  }

  /** Columns read by arithmetic, after checking every piece of it can be computed. */
  private arithmeticColumns(node: FormulaNode, factorName: string): string[] {
    const found: string[] = []
    const visit = (n: FormulaNode): void => {
      switch (n.kind) {
        case 'number':
          return
        case 'string':
          throw this.error(n.pos, `text ${n.text} in arithmetic`, 'Arithmetic takes columns and numbers.')
        case 'name':
          if (this.columnKind(n) === 'text') {
            throw this.error(n.pos, `column \`${n.name}\` holds text, so ${factorName} cannot compute with it`, `Use it as a factor: ${n.name} or C(${n.name}).`)
          }
          if (!found.includes(n.name)) found.push(n.name)
          return
        case 'paren':
          return visit(n.inner)
        case 'unary':
          return visit(n.operand)
        case 'binary':
          visit(n.left)
          visit(n.right)
          return
        case 'call':
          if (n.callee === 'I' || (ELEMENTWISE_FUNCTIONS as readonly string[]).includes(n.callee)) {
            if (n.args.length !== 1 || n.keywords.length) throw this.error(n.pos, `${n.callee}() takes one argument`, `Write e.g. ${n.callee}(x).`)
            return visit(n.args[0]!)
          }
          if (ALL_FUNCTIONS.includes(n.callee)) throw this.error(n.pos, `${n.callee}() inside arithmetic`, `Use ${n.callee}(…) as a term of its own.`)
          throw this.unknownFunction(n)
      }
    }
    visit(node)
    return found
  }
}

function namesIn(node: FormulaNode): string[] {
  switch (node.kind) {
    case 'name':
      return [node.name]
    case 'paren':
      return namesIn(node.inner)
    case 'unary':
      return namesIn(node.operand)
    case 'binary':
      return [...namesIn(node.left), ...namesIn(node.right)]
    case 'call':
      return node.args.flatMap(namesIn)
    default:
      return []
  }
}

function isNumber(node: FormulaNode, value: number): boolean {
  const inner = node.kind === 'paren' ? node.inner : node
  return inner.kind === 'number' && inner.value === value
}
