import { defineStore } from 'pinia'
import { ref } from 'vue'

/**
 * The one level of intervals in the app: the Fit plot's band and the Predict panel's interval read
 * and set it, so changing either changes both. Until the user types one, each shows its run's
 * ci_level (the level of the report's coefficient intervals), or 95 % for a model without one.
 */
export const useIntervalLevel = defineStore('intervalLevel', () => {
  /** Percent, as typed (a number input gives a number); null: not chosen yet. */
  const chosen = ref<string | number | null>(null)
  /** What an input shows for a model of this ci_level (a fraction, e.g. 0.95). */
  const shown = (ciLevel: number | null | undefined): string | number => chosen.value ?? Math.round((ciLevel ?? 0.95) * 1e6) / 1e4
  return { chosen, shown }
})

/** The level as a fraction from a percent as typed; null when it is not above 0 and below 100. */
export function levelFromPercent(text: string | number): number | null {
  const v = Number(text)
  return String(text).trim() !== '' && v > 0 && v < 100 ? v / 100 : null
}
