import { mkdirSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname } from 'node:path'
import { randomUUID } from 'node:crypto'
import type { AppInfo, Handlers } from '../../src-core/contract'
import { InputError } from '../../src-core/errors'
import { appVersion } from '../app-version'
import { linkThresholdBytes } from '../linked/link-threshold'
import { createHandlers, type Emit } from './api-handlers'
import { databaseError, openDatabase } from './database'
import { LinkedDatasets } from './linked-datasets'
import { RunStore } from './run-store'
import { TrainingService } from './training'
import type { WorkerFactory } from './train-worker'

export interface ServiceOptions {
  databasePath: string
  workerFactory: WorkerFactory
  shell: AppInfo['shell']
  /** Electron-ABI better-sqlite3 for the desktop app. */
  nativeBinding?: string
  poolSize?: number
  /** Helper threads per run (see TrainingOptions.helperThreadsPerRun). */
  helperThreadsPerRun?: number
}

/** The pool size the issue asks for: one core left for the UI and main, at least one worker. */
export function defaultPoolSize(): number {
  return Math.max(1, availableParallelism() - 1)
}

/**
 * Opens the database and starts the services every shell (desktop, browser mode, CLI) shares.
 * Runs whose process is gone (killed, crashed) read 'interrupted' from here on; the runs of
 * processes still training (another `slope train`, the desktop app) are left alone (run-owner.ts).
 */
export function openServices(options: ServiceOptions) {
  if (options.databasePath !== ':memory:') {
    try {
      mkdirSync(dirname(options.databasePath), { recursive: true })
    } catch (e) {
      throw databaseError(e, options.databasePath)
    }
  }
  const db = openDatabase(options.databasePath, { nativeBinding: options.nativeBinding })
  const store = new RunStore(db, options.databasePath)
  const interrupted = store.reapOrphans()
  const training = new TrainingService(store, options.workerFactory, {
    poolSize: options.poolSize ?? defaultPoolSize(),
    appVersion,
    helperThreadsPerRun: options.helperThreadsPerRun,
  })
  const linked = new LinkedDatasets(store)
  // Every open connection's emit: broadcasts reach all windows and tabs.
  const connections = new Set<Emit>()
  const broadcast: Emit = (event, payload) => {
    for (const emit of connections) emit(event, payload)
  }
  training.on({
    started: (runId, info) => broadcast('training.started', { runId, info }),
    progress: (runId, from, loss, valLoss, params, elapsedMs) => broadcast('training.progress', { runId, from, loss, valLoss, params, elapsedMs }),
    changed: (runIds) => broadcast('runs.changed', { runIds }),
    scan: (progress) => broadcast('training.scan', progress),
  })
  const appInfo: AppInfo = { name: 'Slope', version: appVersion, shell: options.shell, databasePath: options.databasePath, cpuCount: availableParallelism(), linkThresholdBytes: linkThresholdBytes() }
  return {
    store,
    training,
    linked,
    appInfo,
    interrupted,
    /**
     * One connection (the desktop window, a browser tab): its handlers, with `emit` reaching that
     * connection. Run and dataset changes and training progress are broadcast to every connection;
     * compute jobs go only to the connection that offered its GPU. `disconnect` when it goes away.
     */
    connect(emit: Emit): Connection {
      connections.add(emit)
      let unregister: (() => void) | null = null
      let providerId: string | null = null
      const handlers = createHandlers({ store, training, linked, appInfo }, broadcast, {
        registerProvider(offer) {
          unregister?.()
          const id = randomUUID()
          providerId = id
          unregister = training.registerProvider({
            id,
            kind: offer.kind,
            renderer: offer.renderer,
            start: (start) => emit('compute.start', start),
            control: (runId, action) => emit('compute.control', { runId, action }),
          })
          return id
        },
        report: (event) => {
          if (!providerId) throw new InputError('This window has not offered its GPU.', 'Reload the page.')
          training.report(providerId, event)
        },
      })
      return {
        handlers,
        disconnect() {
          connections.delete(emit)
          unregister?.()
          unregister = null
          providerId = null
        },
      }
    },
    async close() {
      await training.close()
      await linked.close()
      store.close()
    },
  }
}

export type AppServices = ReturnType<typeof openServices>

export interface Connection {
  handlers: Handlers
  disconnect(): void
}
