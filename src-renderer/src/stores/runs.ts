import { defineStore } from 'pinia'
import { computed, ref, shallowRef, triggerRef } from 'vue'
import { activeStatuses, type RunDetail, type RunId, type RunSummary, type ScanProgress } from '../../../src-core/contract'
import { api } from '../api'
import { LiveHistory } from './live-history'
import { useNotices } from './notices'

const ACTIVE = activeStatuses

/**
 * All runs: the list (refreshed when main says runs changed), full details of the runs being
 * looked at, and the live history of every run that is training — so the Train chart and the
 * comparison of a sweep both draw curves as they grow. Updates from the stream are applied at most
 * once per animation frame, however many batches arrive.
 */
export const useRuns = defineStore('runs', () => {
  const notices = useNotices()
  const list = ref<RunSummary[]>([])
  const details = shallowRef(new Map<RunId, RunDetail>())
  const live = shallowRef(new Map<RunId, LiveHistory>())
  /** Bumped once per animation frame in which live histories changed (charts watch it). */
  const frame = ref(0)
  const selected = ref<RunId[]>([])
  const baseline = ref<RunId | null>(null)
  /** The latest scan report of each linked run in training (training.scan, at most ~10 a second), dropped when it ends. */
  const scans = shallowRef(new Map<RunId, ScanProgress>())
  let subscribed = false
  let framePending = false

  function scheduleFrame(): void {
    if (framePending) return
    framePending = true
    requestAnimationFrame(() => {
      framePending = false
      frame.value++
      triggerRef(live)
    })
  }

  function liveOf(runId: RunId): LiveHistory {
    let h = live.value.get(runId)
    if (!h) {
      h = new LiveHistory()
      live.value.set(runId, h)
    }
    return h
  }

  async function refresh(): Promise<void> {
    try {
      list.value = await api()['runs.list']({})
    } catch (e) {
      notices.error(e)
    }
  }

  async function load(runId: RunId, force = false): Promise<RunDetail | null> {
    if (!force && details.value.has(runId)) return details.value.get(runId)!
    try {
      const detail = await api()['runs.get'](runId)
      const next = new Map(details.value)
      next.set(runId, detail)
      details.value = next
      return detail
    } catch (e) {
      notices.error(e)
      return null
    }
  }

  function subscribe(): void {
    if (subscribed) return
    subscribed = true
    const a = api()
    a.on('training.started', ({ runId, info }) => {
      liveOf(runId).info = info
      scheduleFrame()
    })
    a.on('training.progress', ({ runId, from, loss, valLoss, params, elapsedMs }) => {
      const known = live.value.has(runId)
      const h = liveOf(runId)
      h.append(from, loss, valLoss, params, elapsedMs)
      scheduleFrame()
      // A run that was training before this page subscribed: fetch what it stored so far.
      if (!known && from > 0) {
        void api()['runs.get'](runId).then((d) => {
          h.prefill(d.loss, d.valLoss, d.timeline)
          scheduleFrame()
        }, () => {})
      }
    })
    a.on('training.scan', (progress) => {
      const next = new Map(scans.value)
      next.set(progress.runId, progress)
      scans.value = next
    })
    // A sweep's 64 runs each start and finish: 128 "changed" events in a few seconds. They are
    // gathered for 100 ms and answered with one list refresh and one batch of details, so the
    // comparison recomputes once per batch rather than once per event (bench suite `ui`).
    const pending = new Set<RunId>()
    let flushing: ReturnType<typeof setTimeout> | null = null
    const flush = async () => {
      flushing = null
      const ids = [...pending]
      pending.clear()
      await refresh()
      // Finished runs: fetch each outcome once, then their live histories are no longer needed.
      const ended = ids.filter((id) => scans.value.has(id) && !ACTIVE.includes(list.value.find((r) => r.id === id)?.status ?? 'failed'))
      if (ended.length) {
        const next = new Map(scans.value)
        for (const id of ended) next.delete(id)
        scans.value = next
      }
      const finished = ids.filter((id) => {
        const summary = list.value.find((r) => r.id === id)
        return summary && !ACTIVE.includes(summary.status) && (details.value.has(id) || live.value.has(id))
      })
      if (finished.length === 0) return
      const loaded = await Promise.all(finished.map((id) => api()['runs.get'](id).catch((e: unknown) => (notices.error(e), null))))
      const next = new Map(details.value)
      finished.forEach((id, i) => {
        const detail = loaded[i]
        if (detail) next.set(id, detail)
        live.value.delete(id)
      })
      details.value = next
      scheduleFrame()
    }
    a.on('runs.changed', ({ runIds, deleted }) => {
      if (deleted) {
        const next = new Map(details.value)
        for (const id of runIds) next.delete(id)
        details.value = next
        selected.value = selected.value.filter((id) => !runIds.includes(id))
      }
      for (const id of runIds) pending.add(id)
      flushing ??= setTimeout(() => void flush(), 100)
    })
  }

  /** Loss history of a run, live or stored. */
  function history(runId: RunId): { loss: ArrayLike<number>; valLoss: ArrayLike<number> | null; length: number; timeline: { epoch: number; elapsedMs: number }[] } | null {
    const h = live.value.get(runId)
    if (h) return { loss: h.loss, valLoss: h.valLoss, length: h.length, timeline: h.timeline }
    const d = details.value.get(runId)
    if (d) return { loss: d.loss, valLoss: d.valLoss, length: d.loss.length, timeline: d.timeline }
    return null
  }

  // ---------- edits from the Runs tab (added for issue 5's Runs view) ----------

  /** Puts main's answer into the list at once; the runs.changed refresh that follows agrees with it. */
  function patch(summary: RunSummary): void {
    const i = list.value.findIndex((r) => r.id === summary.id)
    if (i >= 0) list.value.splice(i, 1, summary)
  }

  /** Runs an edit; on failure shows main's sentence and returns false (the list is left as it was). */
  async function edit(request: () => Promise<RunSummary>): Promise<boolean> {
    try {
      patch(await request())
      return true
    } catch (e) {
      notices.error(e)
      return false
    }
  }

  /** Deletes runs (main refuses runs still training, with a sentence that says so). */
  async function remove(ids: RunId[]): Promise<boolean> {
    try {
      await api()['runs.delete'](ids)
      list.value = list.value.filter((r) => !ids.includes(r.id))
      selected.value = selected.value.filter((id) => !ids.includes(id))
      if (baseline.value !== null && ids.includes(baseline.value)) baseline.value = null
      return true
    } catch (e) {
      notices.error(e)
      return false
    }
  }

  return {
    list,
    details,
    live,
    scans,
    frame,
    selected,
    baseline,
    refresh,
    load,
    subscribe,
    history,
    liveOf,
    summary: (id: RunId) => list.value.find((r) => r.id === id) ?? null,
    active: computed(() => list.value.filter((r) => ACTIVE.includes(r.status))),
    patch,
    rename: (id: RunId, name: string) => edit(() => api()['runs.rename'](id, name)),
    setStarred: (id: RunId, starred: boolean) => edit(() => api()['runs.setStarred'](id, starred)),
    setTags: (id: RunId, tags: string[]) => edit(() => api()['runs.setTags'](id, tags)),
    setNotes: (id: RunId, notes: string) => edit(() => api()['runs.setNotes'](id, notes)),
    cancel: (id: RunId) => edit(() => api()['training.cancel'](id)),
    remove,
  }
})
