import type { z } from 'zod'
import { InputError } from './errors'

/**
 * Where a value checked by `parseInput` came from, for its sentence. A string is the input's name
 * ("training.start", "the GPU window's report").
 */
export interface InputSource {
  /** What the value is, said after the field: "(name in training.start)". */
  input?: string
  /** The value is an argument list (a contract request): its first path element is the argument's position. */
  arguments?: boolean
  /** Field → how a person knows it (a CLI flag, a label), looked up by the whole path, then by its first key. */
  fields?: Readonly<Record<string, string>>
  /** What to do; default: correct it and try again. */
  hint?: string
}

/**
 * Validates untrusted input against a zod schema; the first problem becomes one InputError
 * sentence naming the field ("A name cannot be empty (name in training.start)."), never a zod issue
 * dump. Every entry point uses it — the request dispatcher of IPC and the WebSocket, the services,
 * the CLI — so bad input reads the same wherever it arrives.
 *
 * Note for src-core/train/config.ts: `parseTrainConfig` does this by hand for the run settings; it
 * can become `parseInput(trainConfigSchema, input, { fields: settingNames, hint: 'Change that
 * setting and try again.' })` with the same sentences.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: string | InputSource = {}): z.output<S> {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  throw inputErrorOf(result.error, typeof where === 'string' ? { input: where } : where)
}

/** The sentence of a zod failure's first issue (exported for callers that must safeParse themselves). */
export function inputErrorOf(error: z.ZodError, where: InputSource = {}): InputError {
  const issue = error.issues[0]
  if (!issue) return new InputError(`Invalid input${where.input ? ` (${where.input})` : ''}.`, where.hint ?? defaultHint)
  const { field, wholeArgument } = fieldName(issue.path, where)
  const place = [field, where.input].filter(Boolean).join(wholeArgument ? ' of ' : ' in ')
  return new InputError(`${problem(issue)}${place ? ` (${place})` : ''}.`, where.hint ?? defaultHint)
}

const defaultHint = 'Correct it and try again.'

function problem(issue: z.core.$ZodIssue): string {
  let text = issue.message.trim().replace(/[.\s]+$/, '')
  // zod's own wording for an absent field reads like a type error; say what it means.
  if (issue.code === 'invalid_type' && /received undefined$/.test(text)) text = 'a value is required'
  return text.charAt(0).toUpperCase() + text.slice(1)
}

/** The field as a person reads it: `features[2]`, `config.learningRate`, a label from `fields`, or "argument 2". */
function fieldName(path: readonly PropertyKey[], where: InputSource): { field: string; wholeArgument: boolean } {
  let rest = path
  if (where.arguments && typeof path[0] === 'number') {
    // Inside one argument, its fields name the problem well enough; only a whole bad argument needs its position.
    if (path.length === 1) return { field: `argument ${path[0] + 1}`, wholeArgument: true }
    rest = path.slice(1)
  }
  if (!rest.length) return { field: '', wholeArgument: false }
  const whole = rest.map(String).join('.')
  const first = String(rest[0])
  const fields = where.fields ?? {}
  if (Object.hasOwn(fields, whole)) return { field: fields[whole]!, wholeArgument: false }
  if (Object.hasOwn(fields, first)) return { field: fields[first]!, wholeArgument: false }
  return { field: rest.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i ? '.' : ''}${String(key)}`)).join(''), wholeArgument: false }
}
