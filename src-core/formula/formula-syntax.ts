import { InputError } from '../errors'

/**
 * Wilkinson–Rogers model formulas as R and patsy read them (`y ~ a + b:c`, `(a + b)^2`, `- 1`,
 * `I(x ^ 2)`, `log(z)`, `C(city, Treatment("北京"))`), tokenized and parsed by recursive descent.
 *
 * Two precedence tables, as in patsy: outside calls the operators are formula operators
 * (`+ -` < `* /` < `:` < `^ **`); inside a call's parentheses they are arithmetic, with Python's
 * precedence (`+ -` < `* /` < unary minus < `**`/`^`, right-associative) — so `log(x + 1)` adds
 * one and `I(x ^ 2)` squares.
 *
 * Positions are 1-based character (code point) columns of the formula text, for messages such as
 * "unknown column `价钱` at 5".
 */

export type FormulaNode =
  | { kind: 'name'; name: string; quoted: boolean; pos: number }
  | { kind: 'number'; value: number; text: string; pos: number }
  | { kind: 'string'; value: string; text: string; pos: number }
  | { kind: 'call'; callee: string; args: FormulaNode[]; keywords: { name: string; value: FormulaNode }[]; pos: number }
  | { kind: 'binary'; op: BinaryOp; left: FormulaNode; right: FormulaNode; pos: number }
  | { kind: 'unary'; op: '+' | '-'; operand: FormulaNode; pos: number }
  | { kind: 'paren'; inner: FormulaNode; pos: number }

export type BinaryOp = '+' | '-' | '*' | '/' | ':' | '^' | '**'

export interface ParsedFormula {
  text: string
  /** Left of `~`; null for a one-sided formula (`~ x`). */
  response: FormulaNode | null
  rhs: FormulaNode
}

type TokenKind = 'name' | 'number' | 'string' | 'op' | 'end'
interface Token {
  kind: TokenKind
  text: string
  /** name: the identifier (backticks removed); string: the value. */
  value: string
  quoted: boolean
  pos: number
}

const OPERATORS = ['**', '~', '+', '-', '*', '/', ':', '^', '(', ')', ',', '='] as const

// Identifiers as Python 3 has them (any letter, so 价格 and größe need no quotes), plus "." as R
// allows in names (x.1); names with spaces or other characters go in backticks.
const IDENT_START = /[\p{L}\p{Nl}_]/u
const IDENT_PART = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}.]/u

export function formulaError(text: string, pos: number, problem: string, hint: string): InputError {
  return new InputError(`Formula "${text}" at ${pos}: ${problem}${problem.endsWith('?') ? '' : '.'}`, hint)
}

function tokenize(text: string): Token[] {
  const chars = [...text] // code points, so positions count 价 as one character
  const tokens: Token[] = []
  let i = 0
  const at = (k: number) => chars[k] ?? ''
  while (i < chars.length) {
    const c = chars[i]!
    if (/\s/u.test(c)) {
      i++
      continue
    }
    const pos = i + 1
    if (c === '`') {
      let j = i + 1
      while (j < chars.length && chars[j] !== '`') j++
      if (j >= chars.length) throw formulaError(text, pos, 'a backtick-quoted name is not closed', 'Close the name with a second backtick: `my column`.')
      const name = chars.slice(i + 1, j).join('')
      if (name.length === 0) throw formulaError(text, pos, 'an empty backtick-quoted name', 'Put the column name between the backticks.')
      tokens.push({ kind: 'name', text: chars.slice(i, j + 1).join(''), value: name, quoted: true, pos })
      i = j + 1
      continue
    }
    if (c === '"' || c === "'") {
      let j = i + 1
      let value = ''
      while (j < chars.length && chars[j] !== c) {
        if (chars[j] === '\\' && j + 1 < chars.length) j++
        value += chars[j]
        j++
      }
      if (j >= chars.length) throw formulaError(text, pos, 'a quoted text is not closed', `End it with ${c}.`)
      tokens.push({ kind: 'string', text: chars.slice(i, j + 1).join(''), value, quoted: false, pos })
      i = j + 1
      continue
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(at(i + 1)))) {
      const rest = chars.slice(i).join('')
      const m = /^(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?/.exec(rest)!
      tokens.push({ kind: 'number', text: m[0], value: m[0], quoted: false, pos })
      i += [...m[0]].length
      continue
    }
    if (IDENT_START.test(c)) {
      let j = i + 1
      while (j < chars.length && IDENT_PART.test(chars[j]!)) j++
      const name = chars.slice(i, j).join('')
      tokens.push({ kind: 'name', text: name, value: name, quoted: false, pos })
      i = j
      continue
    }
    const op = OPERATORS.find((o) => chars.slice(i, i + o.length).join('') === o)
    if (!op) throw formulaError(text, pos, `unexpected character "${c}"`, 'Names with spaces or symbols go in backticks: `price ($)`.')
    tokens.push({ kind: 'op', text: op, value: op, quoted: false, pos })
    i += op.length
  }
  tokens.push({ kind: 'end', text: '', value: '', quoted: false, pos: chars.length + 1 })
  return tokens
}

class Parser {
  private k = 0
  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  private get peek(): Token {
    return this.tokens[this.k]!
  }

  private isOp(...ops: string[]): boolean {
    return this.peek.kind === 'op' && ops.includes(this.peek.text)
  }

  private next(): Token {
    return this.tokens[this.k++]!
  }

  private expect(op: string, what: string): Token {
    if (!this.isOp(op)) throw this.unexpected(what)
    return this.next()
  }

  unexpected(expected: string): InputError {
    const t = this.peek
    if (t.kind === 'end') return formulaError(this.text, t.pos, `the formula ends where ${expected} should come`, 'Complete the formula, e.g. y ~ x + z.')
    return formulaError(this.text, t.pos, `unexpected "${t.text}" where ${expected} should come`, 'Check the formula’s operators and parentheses, e.g. y ~ x + I(x ^ 2).')
  }

  formula(): ParsedFormula {
    let response: FormulaNode | null = null
    if (!this.isOp('~')) response = this.sum('formula')
    this.expect('~', 'the "~" between the response and the terms')
    const rhs = this.sum('formula')
    if (this.peek.kind !== 'end') throw this.unexpected(this.isOp('~') ? 'a term (one "~" per formula)' : 'an operator')
    return { text: this.text, response, rhs }
  }

  // Formula level: sum → signed → product → interaction → power → atom (patsy's precedences:
  // unary ± binds like binary ±, so "- a*b" drops a*b). Arithmetic level (inside calls), as
  // Python: sum → product → unary → power → atom.
  private sum(mode: Mode): FormulaNode {
    let left = this.operand(mode)
    while (this.isOp('+', '-')) {
      const op = this.next()
      left = { kind: 'binary', op: op.text as BinaryOp, left, right: this.operand(mode), pos: op.pos }
    }
    return left
  }

  private operand(mode: Mode): FormulaNode {
    if (mode === 'formula' && this.isOp('+', '-')) {
      const op = this.next()
      return { kind: 'unary', op: op.text as '+' | '-', operand: this.operand(mode), pos: op.pos }
    }
    return this.product(mode)
  }

  private product(mode: Mode): FormulaNode {
    let left = mode === 'formula' ? this.interaction() : this.unary()
    while (this.isOp('*', '/')) {
      const op = this.next()
      left = { kind: 'binary', op: op.text as BinaryOp, left, right: mode === 'formula' ? this.interaction() : this.unary(), pos: op.pos }
    }
    return left
  }

  private interaction(): FormulaNode {
    let left = this.formulaPower()
    while (this.isOp(':')) {
      const op = this.next()
      left = { kind: 'binary', op: ':', left, right: this.formulaPower(), pos: op.pos }
    }
    return left
  }

  private formulaPower(): FormulaNode {
    let left = this.atom('formula')
    while (this.isOp('^', '**')) {
      const op = this.next()
      left = { kind: 'binary', op: op.text as BinaryOp, left, right: this.atom('formula'), pos: op.pos }
    }
    return left
  }

  private unary(): FormulaNode {
    if (this.isOp('+', '-')) {
      const op = this.next()
      return { kind: 'unary', op: op.text as '+' | '-', operand: this.unary(), pos: op.pos }
    }
    return this.power()
  }

  private power(): FormulaNode {
    const base = this.atom('arithmetic')
    if (!this.isOp('^', '**')) return base
    const op = this.next()
    // Python: ** is right-associative and its exponent may carry a sign (2 ** -1); -x ** 2 is -(x ** 2).
    return { kind: 'binary', op: op.text as BinaryOp, left: base, right: this.unary(), pos: op.pos }
  }

  private atom(mode: Mode): FormulaNode {
    const t = this.peek
    if (t.kind === 'op' && t.text === '(') {
      this.next()
      const inner = this.sum(mode)
      this.expect(')', 'a closing ")"')
      return { kind: 'paren', inner, pos: t.pos }
    }
    if (t.kind === 'number') {
      this.next()
      return { kind: 'number', value: Number(t.text), text: t.text, pos: t.pos }
    }
    if (t.kind === 'string') {
      this.next()
      return { kind: 'string', value: t.value, text: t.text, pos: t.pos }
    }
    if (t.kind === 'name') {
      this.next()
      if (!t.quoted && this.isOp('(')) return this.call(t)
      return { kind: 'name', name: t.value, quoted: t.quoted, pos: t.pos }
    }
    throw this.unexpected(mode === 'formula' ? 'a term' : 'a value')
  }

  private call(callee: Token): FormulaNode {
    this.expect('(', '"("')
    const args: FormulaNode[] = []
    const keywords: { name: string; value: FormulaNode }[] = []
    if (!this.isOp(')')) {
      for (;;) {
        const t = this.peek
        if (t.kind === 'name' && !t.quoted && this.tokens[this.k + 1]?.text === '=') {
          this.k += 2
          keywords.push({ name: t.value, value: this.sum('arithmetic') })
        } else {
          if (keywords.length) throw formulaError(this.text, t.pos, 'a positional argument after a named one', `Write ${callee.value}(…)’s positional arguments first.`)
          args.push(this.sum('arithmetic'))
        }
        if (!this.isOp(',')) break
        this.next()
      }
    }
    this.expect(')', `a closing ")" for ${callee.value}(`)
    return { kind: 'call', callee: callee.value, args, keywords, pos: callee.pos }
  }
}

type Mode = 'formula' | 'arithmetic'

export function parseFormula(text: string): ParsedFormula {
  if (text.trim().length === 0) throw new InputError('The formula is empty.', 'Write the response, "~" and the terms, e.g. y ~ x + z.')
  return new Parser(text, tokenize(text)).formula()
}

/** A name is written bare when Python would read it as one identifier; otherwise in backticks. */
export function quoteName(name: string): string {
  const chars = [...name]
  const bare = chars.length > 0 && IDENT_START.test(chars[0]!) && chars.every((c) => IDENT_PART.test(c))
  return bare ? name : `\`${name}\``
}

/**
 * An expression as patsy normalizes a factor's code (tokens re-spaced: `I(x**2)` → `I(x ** 2)`,
 * `log(x+1)` → `log(x + 1)`, `C(c,Treatment('a'))` → `C(c, Treatment('a'))`), so term names line up
 * with statsmodels'. Parentheses are kept as written.
 */
export function printNode(node: FormulaNode): string {
  switch (node.kind) {
    case 'name':
      return node.quoted ? quoteName(node.name) : node.name
    case 'number':
    case 'string':
      return node.text
    case 'paren':
      return `(${printNode(node.inner)})`
    case 'unary':
      return `${node.op}${printNode(node.operand)}`
    case 'binary':
      return `${printNode(node.left)} ${node.op} ${printNode(node.right)}`
    case 'call':
      return `${node.callee}(${[...node.args.map(printNode), ...node.keywords.map((k) => `${k.name}=${printNode(k.value)}`)].join(', ')})`
  }
}
