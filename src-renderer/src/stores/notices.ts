import { defineStore } from 'pinia'
import { ref } from 'vue'
import { ApiError } from '../api'

export interface Notice {
  id: number
  kind: 'error' | 'info'
  text: string
}

/**
 * Messages for the user: every error as the sentence main (or the importer) wrote — what, where,
 * what to do. Internal errors get a generic sentence; their details go to the console, never a
 * stack trace on screen.
 */
export const useNotices = defineStore('notices', () => {
  const items = ref<Notice[]>([])
  let next = 1

  function show(kind: Notice['kind'], text: string): void {
    items.value.push({ id: next++, kind, text })
    if (items.value.length > 5) items.value.shift()
  }

  function error(e: unknown): void {
    if (e instanceof ApiError) show('error', e.sentence)
    else if (e && typeof e === 'object' && 'sentence' in e && typeof (e as { sentence: unknown }).sentence === 'string') show('error', (e as { sentence: string }).sentence)
    else {
      console.error(e)
      show('error', `Something went wrong inside Slope: ${(e as Error)?.message ?? String(e)}.`)
    }
  }

  function dismiss(id: number): void {
    items.value = items.value.filter((n) => n.id !== id)
  }

  return { items, show, error, info: (text: string) => show('info', text), dismiss }
})
