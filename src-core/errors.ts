import type { FileOption } from './table/formats/format-reader'
import type { SettingName } from './train/settings'
import { settingTexts } from './train/setting-text'

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

/** The import options a fix may name: the file options (`slope inspect --encoding`, the Data tab's overrides) and one-hot encoding. */
export type ImportOptionName = FileOption | 'oneHot'

/**
 * A change that fixes the problem: a setting of the run or an import option, and the value that
 * would do (none: the person picks one). A hint names its fixes by `{0}`, `{1}`, … and each surface
 * words them its own way — the CLI as a flag (`--missing drop`), the app as the control's label and
 * value in its language ("Missing or non-numeric cells: Drop those rows") — so no sentence the app
 * shows names a command-line flag, and the Train tab can offer the fix as a button.
 */
export interface InputFix {
  setting: SettingName | ImportOptionName
  value?: string
}

/** How one surface names a fix. */
export type FixNamer = (fix: InputFix) => string

/** `text` with its `{i}` placeholders replaced by the names of `fixes[i]`. */
export function nameFixes(text: string, fixes: readonly InputFix[], name: FixNamer): string {
  if (fixes.length === 0) return text
  return text.replace(/\{(\d+)\}/g, (whole, i: string) => {
    const fix = fixes[Number(i)]
    return fix ? name(fix) : whole
  })
}

// The Data tab's English labels (src-renderer/src/i18n/messages/data.ts): the words of the stored sentence.
/**
 * Import notes are plain strings (`notes: string[]`), so a note names its fix inline, `{encoding}`:
 * the option with no value, replaced here by the surface's name for it.
 */
export function nameNoteFixes(note: string, name: FixNamer): string {
  return note.replace(/\{([a-zA-Z]+)\}/g, (whole, setting: string) =>
    isImportOption(setting) || Object.hasOwn(settingTexts.en.fields, setting) ? name({ setting: setting as InputFix['setting'] }) : whole,
  )
}

const importOptionLabels: Record<ImportOptionName, string> = { encoding: 'Encoding', delimiter: 'Delimiter', decimal: 'Decimal separator', sheet: 'Sheet', oneHot: 'One-hot encode text columns' }

export function isImportOption(setting: string): setting is ImportOptionName {
  return Object.hasOwn(importOptionLabels, setting)
}

/**
 * The app's English words for a fix — “Missing or non-numeric cells: Drop those rows” — from the
 * settings table's texts: the sentence a stored run error, an import failure or a notice carries
 * before a surface words it its own way.
 */
export const controlName: FixNamer = (fix) => {
  if (isImportOption(fix.setting)) return `“${importOptionLabels[fix.setting]}${fix.value === undefined ? '' : `: ${fix.value}`}”`
  const text = settingTexts.en.fields[fix.setting]
  const value = fix.value === undefined ? undefined : (text.choices?.[fix.value] ?? fix.value)
  return `“${text.label}${value === undefined ? '' : `: ${value}`}”`
}

/**
 * An error's words before a surface names its fixes (`{0}` placeholders kept), with the fixes: what
 * goes with a failed run into storage, so the CLI can still print flags and the app offer buttons.
 */
export interface FixableText {
  message: string
  hint: string
  fixes: InputFix[]
}

export class InputError extends Error {
  override readonly name = 'InputError'
  /** What to do, fixes named as the app's controls (in English); `text` keeps the placeholders. */
  readonly hint: string
  readonly text: FixableText
  constructor(
    message: string,
    /** What to do; `{0}`, `{1}`… in it (or in `message`) stand for the names of `fixes`. */
    hint: string = '',
    readonly where: InputErrorLocation = {},
    readonly fixes: readonly InputFix[] = [],
  ) {
    // message and hint are worded for the app here, so every path that forwards them (the parse
    // worker, the wire, a stored run) carries no flag; the CLI words them again from `text`.
    super(nameFixes(message, fixes, controlName))
    this.hint = nameFixes(hint, fixes, controlName)
    this.text = { message, hint, fixes: [...fixes] }
  }

  static fromText(text: FixableText, where: InputErrorLocation = {}): InputError {
    return new InputError(text.message, text.hint, where, text.fixes)
  }

  /** The sentence shown to a person: what is wrong, then what to do (fixes named as the app's controls). */
  get sentence(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message
  }

  /** The sentence with the fixes named by one surface (the CLI: flags). */
  sentenceWith(name: FixNamer): string {
    const message = nameFixes(this.text.message, this.fixes, name)
    const hint = nameFixes(this.text.hint, this.fixes, name)
    return hint ? `${message} ${hint}` : message
  }
}

export function isInputError(e: unknown): e is InputError {
  return e instanceof InputError || (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'InputError')
}
