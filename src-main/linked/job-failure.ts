import { InputError, isInputError } from '../../src-core/errors'

/**
 * A linked worker job's failure as it crosses the thread boundary (an Error does not survive
 * postMessage with its hint and place): what the job posts, and the error main rebuilds from it —
 * an InputError for the user's sentence, a plain Error (reported as internal) otherwise.
 */
export interface JobFailure {
  inputError: boolean
  message: string
  hint: string
  where: object
}

export function jobFailure(e: unknown): JobFailure {
  if (isInputError(e)) return { inputError: true, message: e.message, hint: e.hint, where: e.where }
  return { inputError: false, message: (e as Error)?.message ?? String(e), hint: '', where: {} }
}

export function errorOfJobFailure(f: JobFailure): Error {
  return f.inputError ? new InputError(f.message, f.hint, f.where) : new Error(f.message)
}
