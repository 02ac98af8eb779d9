import { join } from 'node:path'
import { afterAll } from 'vitest'
import type { Envelope, EventName, Events, WireError } from '../../src-core/contract'
import { dispatch, type Emit } from '../services/api-handlers'
import { openServices, type AppServices } from '../services/app-services'
import { sourceTrainWorker } from '../services/train-worker'
import { tempDir } from './temp'

/**
 * The app's services for a test file as the transports use them: real services on a temporary
 * SQLite file with the real training worker, and per `connection()` one connection's handlers,
 * called through `dispatch` (validation and envelopes included), the events it got and what
 * dispatch logged as internal errors. Everything opened is closed after the file.
 */
export function appConnections(prefix: string) {
  const dir = tempDir(prefix)
  const opened: AppServices[] = []
  afterAll(async () => {
    for (const s of opened) await s.close()
  })
  function connection() {
    const services = openServices({ databasePath: join(dir, `s-${opened.length}.db`), workerFactory: sourceTrainWorker, shell: 'web', poolSize: 1 })
    opened.push(services)
    const events: { event: EventName; payload: unknown }[] = []
    const listeners: ((event: EventName, payload: unknown) => void)[] = []
    const emit: Emit = <K extends EventName>(event: K, payload: Events[K]) => {
      events.push({ event, payload })
      for (const l of listeners) l(event, payload)
    }
    const logged: unknown[] = []
    const { handlers } = services.connect(emit)
    const call = (name: string, ...args: unknown[]) => dispatch(handlers, name, args, (e) => logged.push(e))
    /** Resolves with the payload of the next event of that name. */
    const next = (name: EventName) => new Promise<unknown>((resolve) => listeners.push((event, payload) => event === name && resolve(payload)))
    return { services, handlers, events, logged, call, next }
  }
  return { dir, connection }
}

export function valueOf<T>(envelope: Envelope<unknown>): T {
  if (envelope.ok) return envelope.value as T
  throw new Error(`expected a value, got ${JSON.stringify(envelope.error)}`)
}

export function errorOf(envelope: Envelope<unknown>): WireError {
  if (!envelope.ok) return envelope.error
  throw new Error(`expected an error, got ${JSON.stringify(envelope.value)}`)
}
