/**
 * The one error type for problems a person can fix: bad files, bad cells, bad settings.
 * `message` says what is wrong and where; `hint` says what to do. The CLI prints
 * `error: <message> <hint>`, the UI shows the same sentence. Anything else thrown is a
 * programming error: logged, never shown to the user as a stack trace.
 */
export interface InputErrorLocation {
  file?: string
  /** Row number as a spreadsheet shows it: 1-based, the header row included. */
  row?: number
  column?: string
  /** The setting at fault (a TrainConfig key): the CLI names its flag, the app its control. */
  setting?: string
}

export class InputError extends Error {
  override readonly name = 'InputError'
  constructor(
    message: string,
    readonly hint: string = '',
    readonly where: InputErrorLocation = {},
  ) {
    super(message)
  }

  /** The sentence shown to a person: what is wrong, then what to do. */
  get sentence(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError || (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'InputError')
}
