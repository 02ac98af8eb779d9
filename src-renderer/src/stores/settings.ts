import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import { detectLocale, i18n, locales, type Locale } from '../i18n'

export type Theme = 'light' | 'dark'

const STORAGE_KEY = 'slope.settings'

interface Saved {
  locale?: Locale
  theme?: Theme
}

function load(): Saved {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Saved
  } catch {
    return {}
  }
}

/** Language and theme: remembered between sessions; the first start follows the OS. */
export const useSettings = defineStore('settings', () => {
  const saved = load()
  const locale = ref<Locale>(saved.locale && locales.includes(saved.locale) ? saved.locale : detectLocale())
  const prefersDark = typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches
  const theme = ref<Theme>(saved.theme ?? (prefersDark ? 'dark' : 'light'))

  const apply = () => {
    i18n.global.locale.value = locale.value
    document.documentElement.lang = locale.value
    document.documentElement.dataset.theme = theme.value
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ locale: locale.value, theme: theme.value }))
  }
  watch([locale, theme], apply, { immediate: true })

  return { locale, theme }
})
