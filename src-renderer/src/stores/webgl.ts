import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { WebglCapability } from '../../../src-core/backends/webgl/capability'
import type { ComputeStart } from '../../../src-core/contract'
import { createControl, setControl, tableFromPlain, tableToTransfer, type WebglWorkerEvent, type WebglWorkerRequest } from '../../../src-core/protocol'
import { InputError } from '../../../src-core/errors'
import { api } from '../api'

/**
 * The page as a WebGL compute provider (DESIGN.md "Compute hosts"): it probes WebGL2 in a Web
 * Worker, registers with main's training service, runs the WebGL runs main sends it in that worker,
 * and reports the worker's messages back — so store, chart and comparison do not care which
 * backend ran. Cancel and pause arrive as events and are written to the run's local control buffer.
 */
export const useWebgl = defineStore('webgl', () => {
  const capability = shallowRef<WebglCapability | null>(null)
  const registered = ref(false)
  let worker: Worker | null = null
  const controls = new Map<string, Int32Array>()

  function ensureWorker(): Worker {
    if (worker) return worker
    worker = new Worker(new URL('../workers/webgl-compute-worker.ts', import.meta.url), { type: 'module' })
    worker.onmessage = (event: MessageEvent<WebglWorkerEvent>) => {
      const message = event.data
      if (message.type === 'capability') {
        capability.value = message.capability
        void register()
        return
      }
      const id = message.type === 'lr-finder-done' ? message.requestId : message.runId
      if (message.type !== 'progress' && message.type !== 'started') controls.delete(id)
      void api()['compute.report'](message).catch((e) => console.error(e))
    }
    worker.onerror = (event) => {
      capability.value = { available: false, reason: 'context-lost', message: `The WebGL worker stopped (${event.message}).`, hint: 'Reload the page, or train on the CPU backend instead.' }
      for (const id of controls.keys()) void api()['compute.report']({ type: 'failed', runId: id, inputError: true, message: 'The WebGL worker stopped unexpectedly.', hint: 'Train on the CPU backend instead.', where: {} })
      controls.clear()
      worker = null
    }
    return worker
  }

  async function register(): Promise<void> {
    if (!capability.value?.available || registered.value) return
    if (!crossOriginIsolated) return // without shared memory a run could not be cancelled or paused
    try {
      await api()['compute.register']({ kind: 'webgl', renderer: capability.value.info.renderer, software: capability.value.info.software })
      registered.value = true
    } catch (e) {
      console.error(e)
    }
  }

  function probe(): void {
    const a = api()
    a.on('compute.start', (start: ComputeStart) => run(start))
    a.on('compute.control', ({ runId, action }) => {
      const control = controls.get(runId)
      if (control) setControl(control, action)
    })
    ensureWorker().postMessage({ type: 'probe' } satisfies WebglWorkerRequest)
  }

  function run(start: ComputeStart): void {
    const id = start.kind === 'run' ? start.message.runId : start.message.requestId
    try {
      const w = ensureWorker()
      const table = tableToTransfer(tableFromPlain(start.message.table))
      if (start.kind === 'run') {
        const control = createControl()
        controls.set(id, new Int32Array(control))
        w.postMessage({ ...start.message, table, control } satisfies WebglWorkerRequest)
      } else {
        controls.set(id, new Int32Array(createControl()))
        w.postMessage({ ...start.message, table } satisfies WebglWorkerRequest)
      }
    } catch (e) {
      // The job never reached the worker: say so, or main would wait for it forever.
      controls.delete(id)
      const input = e instanceof InputError
      void api()['compute.report']({ type: 'failed', runId: id, inputError: input, message: (e as Error)?.message ?? String(e), hint: input ? e.hint : '', where: input ? e.where : {} }).catch((err) => console.error(err))
    }
  }

  return {
    capability,
    registered,
    probe,
    available: computed(() => registered.value),
    /** What the backend choice says about WebGL here (translated by the component). */
    status: computed<
      { kind: 'probing' } | { kind: 'unavailable'; sentence: string } | { kind: 'not-isolated' } | { kind: 'ready'; renderer: string; software: boolean }
    >(() => {
      const c = capability.value
      if (!c) return { kind: 'probing' }
      if (!c.available) return { kind: 'unavailable', sentence: `${c.message} ${c.hint}` }
      if (!crossOriginIsolated) return { kind: 'not-isolated' }
      return { kind: 'ready', renderer: c.info.renderer, software: c.info.software }
    }),
  }
})
