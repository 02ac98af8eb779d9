import { mkdirSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname } from 'node:path'
import type { AppInfo, Handlers } from '../../src-core/contract'
import { appVersion } from '../app-version'
import { createHandlers, type Emit } from './api-handlers'
import { databaseError, openDatabase } from './database'
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
 * Runs a crash left 'running' become 'interrupted' here, before anything else reads them.
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
  const interrupted = store.markInterrupted()
  const training = new TrainingService(store, options.workerFactory, {
    poolSize: options.poolSize ?? defaultPoolSize(),
    appVersion,
    helperThreadsPerRun: options.helperThreadsPerRun,
  })
  const appInfo: AppInfo = { name: 'Slope', version: appVersion, shell: options.shell, databasePath: options.databasePath, cpuCount: availableParallelism() }
  return {
    store,
    training,
    appInfo,
    interrupted,
    /**
     * The contract's handlers for one transport, whose `emit` also receives the training service's
     * events (started, progress, run changes): the one place where services meet a shell.
     */
    connect(emit: Emit): Handlers {
      training.on({
        started: (runId, info) => emit('training.started', { runId, info }),
        progress: (runId, from, loss, valLoss, params, elapsedMs) => emit('training.progress', { runId, from, loss, valLoss, params, elapsedMs }),
        changed: (runIds) => emit('runs.changed', { runIds }),
      })
      return createHandlers({ store, training, appInfo }, emit)
    },
    async close() {
      await training.close()
      store.close()
    },
  }
}

export type AppServices = ReturnType<typeof openServices>
