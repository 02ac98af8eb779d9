import { isImportOption, isInputError, type FixNamer } from '../../src-core/errors'
import { settingDescriptor, settingFlag } from '../../src-core/train/settings'

/**
 * The CLI's words for a fix: the flag that makes it, with its value — `--missing drop`, `--lr`,
 * `--encoding`, `--no-standardize`. (The app names the same fix by its control; src-core/errors.ts.)
 */
export const flagName: FixNamer = (fix) => {
  if (isImportOption(fix.setting)) {
    const flag = fix.setting === 'oneHot' ? 'one-hot' : fix.setting
    return fix.value === undefined ? `--${flag}` : `--${flag} ${fix.value}`
  }
  const cli = settingDescriptor(fix.setting).cli
  switch (cli.kind) {
    case 'switch':
    case 'off':
      return `--${cli.flag}`
    case 'toggle':
      return fix.value === 'false' ? `--no-${cli.flag}` : `--${cli.flag}`
    case 'composite':
      // Given initial parameters have their own flag; other kinds are the first flag's value (--schedule cosine).
      if (fix.setting === 'init' && fix.value === 'explicit') return '--init-weights'
      return settingFlag(fix.setting) + (fix.value === undefined ? '' : ` ${fix.value}`)
    default:
      return fix.value === undefined ? `--${cli.flag}` : `--${cli.flag} ${fix.value}`
  }
}

/** An error's sentence as the CLI prints it: fixes named by their flags. */
export function cliSentence(e: unknown): string {
  if (!isInputError(e)) return (e as Error)?.message ?? String(e)
  if (typeof e.sentenceWith === 'function') return e.sentenceWith(flagName)
  return e.hint ? `${e.message} ${e.hint}` : e.message
}
