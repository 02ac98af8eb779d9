import { createI18n } from 'vue-i18n'
import { diagnosisMessages } from '../../../src-core/train/diagnosis-messages'

/**
 * English and Simplified Chinese. Messages live in one module per part of the app
 * (i18n/messages/*.ts, each `export default { en: {...}, 'zh-CN': {...} }`), merged here, so parts
 * of the UI can be worked on without touching one shared file. A test checks both languages have
 * the same keys. The diagnosis sentences are the CLI's too, so they live in core
 * (src-core/train/diagnosis-messages.ts, with its own test) and join here as `diagnosis.*`.
 */
export const locales = ['en', 'zh-CN'] as const
export type Locale = (typeof locales)[number]

type Tree = { [key: string]: string | Tree }
type MessageModule = { default: Record<Locale, Tree> }

const modules = import.meta.glob<MessageModule>('./messages/*.ts', { eager: true })

export function mergedMessages(): Record<Locale, Tree> {
  const out: Record<Locale, Tree> = { en: {}, 'zh-CN': {} }
  for (const module of Object.values(modules)) {
    for (const locale of locales) Object.assign(out[locale], module.default[locale])
  }
  for (const locale of locales) out[locale].diagnosis = diagnosisMessages[locale]
  return out
}

/** First start: the OS/browser language (any Chinese → 简体中文), else English. */
export function detectLocale(languages: readonly string[] = navigator.languages ?? [navigator.language]): Locale {
  return languages.some((l) => l.toLowerCase().startsWith('zh')) ? 'zh-CN' : 'en'
}

export const i18n = createI18n({
  legacy: false,
  locale: 'en',
  fallbackLocale: 'en',
  messages: mergedMessages(),
  datetimeFormats: {
    en: { short: { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' } },
    'zh-CN': { short: { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' } },
  },
  missingWarn: false,
  fallbackWarn: false,
})
