import { isImportOption, nameFixes, type FixableText, type InputFix } from '../../../src-core/errors'
import { settingDescriptor, type SettingName } from '../../../src-core/train/settings'
import { settingValueName } from './setting-labels'

/**
 * The sentence of an error a person can act on — ApiError (main), InputError (src-core, e.g. a
 * model file read here), ImportFailure (the parse worker) all carry one — or null for anything
 * else, which is a bug and goes to the notice bar's generic sentence instead.
 */
export function errorSentence(e: unknown): string | null {
  if (e && typeof e === 'object' && 'sentence' in e) {
    const sentence = (e as { sentence: unknown }).sentence
    if (typeof sentence === 'string' && sentence) return sentence
  }
  return null
}

/** An import the user cancelled (the parse worker's ImportFailure says so): not an error to show. */
export function wasCancelled(e: unknown): boolean {
  return !!e && typeof e === 'object' && (e as { cancelled?: unknown }).cancelled === true
}

type Translate = (key: string) => string

/**
 * The app's name for a fix — the control's label and value in the UI's language, “Missing or
 * non-numeric cells: Drop those rows” / “缺失或非数值单元格：删除这些行” — where the CLI says
 * `--missing drop` (src-main/cli/fix-flags.ts).
 */
export function fixLabel(fix: InputFix, t: Translate): string {
  if (isImportOption(fix.setting)) {
    // The Data tab's label of that override; "One-hot encode text columns:" ends in a colon there.
    const label = t(`data.${fix.setting}`).replace(/[:：]\s*$/, '')
    return fix.value === undefined ? label : `${label}${t('train.fix.separator')}${fix.value}`
  }
  const label = t(`settings.fields.${fix.setting}.label`)
  if (fix.value === undefined) return label
  // A composite setting's value is its kind (init "explicit" reads “Given”).
  const path = settingDescriptor(fix.setting).cli.kind === 'composite' ? `${fix.setting}.kind` : fix.setting
  return `${label}${t('train.fix.separator')}${settingValueName(path, fix.value, t) ?? fix.value}`
}

/** Bad input's sentence with its fixes named as the app's controls, quoted. */
export function fixableSentence(text: FixableText, t: Translate): string {
  const name = (fix: InputFix) => `“${fixLabel(fix, t)}”`
  const message = nameFixes(text.message, text.fixes, name)
  const hint = nameFixes(text.hint, text.fixes, name)
  return hint ? `${message} ${hint}` : message
}

/** A fix the app can make with one press: a run setting with a value (an import option is set on the Data tab's own controls). */
export function isSettingFix(fix: InputFix): fix is InputFix & { setting: SettingName; value: string } {
  return !isImportOption(fix.setting) && fix.value !== undefined
}
