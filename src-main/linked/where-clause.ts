import { InputError } from '../../src-core/errors'

/**
 * `--where "region = 'EU' AND y > 0"` turned into SQL with every column name checked against the
 * file's schema and double-quoted, and every literal bound as a parameter: no text the user typed
 * reaches the SQL, so a column called `x"; DROP …` or a literal with quotes is only ever data.
 *
 * Grammar (enough for row filters; DuckDB does the work):
 *   or   := and ("OR" and)*        and := not ("AND" not)*       not := "NOT" not | atom
 *   atom := "(" or ")" | column op value | column "IS" ["NOT"] "NULL"
 *   op   := = | != | <> | < | <= | > | >=      value := number | 'text' ('' escapes a quote)
 *   column := bare name [A-Za-z_][A-Za-z0-9_]* | "quoted name" ("" escapes a quote)
 */
export interface WhereSql {
  sql: string
  values: (number | string)[]
}

type Token = { kind: 'name' | 'word' | 'number' | 'text' | 'op' | 'paren'; text: string; at: number }

const WORDS = new Set(['AND', 'OR', 'NOT', 'IS', 'NULL'])

function tokenize(where: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  const fail = (at: number, what: string) => {
    throw new InputError(`The --where filter has ${what} at character ${at + 1}: ${where}`, 'Write comparisons like  region = \'EU\' AND y > 0  (quote names with "double quotes", text with \'single quotes\').')
  }
  while (i < where.length) {
    const c = where[i]!
    if (/\s/.test(c)) { i++; continue }
    const at = i
    if (c === '(' || c === ')') { tokens.push({ kind: 'paren', text: c, at }); i++; continue }
    const op = /^(<=|>=|<>|!=|=|<|>)/.exec(where.slice(i))
    if (op) { tokens.push({ kind: 'op', text: op[1] === '!=' ? '<>' : op[1]!, at }); i += op[1]!.length; continue }
    if (c === '"' || c === "'") {
      let text = ''
      i++
      for (;;) {
        if (i >= where.length) fail(at, 'an unclosed quote')
        if (where[i] === c) {
          if (where[i + 1] === c) { text += c; i += 2; continue }
          i++
          break
        }
        text += where[i++]
      }
      tokens.push({ kind: c === '"' ? 'name' : 'text', text, at })
      continue
    }
    const number = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(where.slice(i))
    if (number) { tokens.push({ kind: 'number', text: number[0], at }); i += number[0].length; continue }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(where.slice(i))
    if (word) {
      const upper = word[0].toUpperCase()
      tokens.push(WORDS.has(upper) ? { kind: 'word', text: upper, at } : { kind: 'name', text: word[0], at })
      i += word[0].length
      continue
    }
    fail(at, `an unexpected "${c}"`)
  }
  return tokens
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** Parses `where` against the file's column names; throws InputError naming the unknown column or the bad token. */
export function whereToSql(where: string, columns: readonly string[], firstParameter = 1): WhereSql {
  const tokens = tokenize(where)
  const values: (number | string)[] = []
  let k = 0
  const peek = () => tokens[k]
  const fail = (what: string): never => {
    const t = peek()
    throw new InputError(
      `The --where filter ${t ? `has ${what} at character ${t.at + 1}` : `ends early (${what})`}: ${where}`,
      'Write comparisons like  region = \'EU\' AND y > 0  (quote names with "double quotes", text with \'single quotes\').',
    )
  }
  const isWord = (w: string) => peek()?.kind === 'word' && peek()!.text === w
  const or = (): string => {
    let s = and()
    while (isWord('OR')) { k++; s = `${s} OR ${and()}` }
    return s
  }
  const and = (): string => {
    let s = not()
    while (isWord('AND')) { k++; s = `${s} AND ${not()}` }
    return s
  }
  const not = (): string => {
    if (isWord('NOT')) { k++; return `NOT ${not()}` }
    return atom()
  }
  const atom = (): string => {
    const t = peek()
    if (t?.kind === 'paren' && t.text === '(') {
      k++
      const s = or()
      if (peek()?.text !== ')') fail('a missing ")"')
      k++
      return `(${s})`
    }
    if (t?.kind !== 'name') return fail('no column name')
    if (!columns.includes(t.text)) {
      throw new InputError(`The --where filter names the column "${t.text}", which the file does not have.`, `Its columns are: ${columns.join(', ')}.`, { column: t.text })
    }
    k++
    const column = quoteIdentifier(t.text)
    if (isWord('IS')) {
      k++
      const negated = isWord('NOT')
      if (negated) k++
      if (!isWord('NULL')) fail('no NULL after IS')
      k++
      return `${column} IS ${negated ? 'NOT ' : ''}NULL`
    }
    const op = peek()
    if (op?.kind !== 'op') return fail('no comparison (=, <>, <, <=, >, >=)')
    k++
    const value = peek()
    if (value?.kind !== 'number' && value?.kind !== 'text') return fail('no value to compare with')
    k++
    values.push(value.kind === 'number' ? Number(value.text) : value.text)
    return `${column} ${op.text} $${firstParameter + values.length - 1}`
  }
  if (tokens.length === 0) fail('nothing')
  const sql = or()
  if (k < tokens.length) fail(`"${peek()!.text}" left over`)
  return { sql, values }
}
