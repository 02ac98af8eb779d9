import { contextBridge, ipcRenderer } from 'electron'
import { eventNames, requestNames, type Api, type EventName, type Events } from '../src-core/contract'

/**
 * Exposes exactly the contract as window.api: one function per request, and `on` for the
 * contract's events. No ipcRenderer, no Node, nothing else crosses into the page.
 */
const requests = Object.fromEntries(requestNames.map((name) => [name, (...args: unknown[]) => ipcRenderer.invoke(name, ...args)]))
const allowedEvents = new Set<string>(eventNames)

const api = {
  ...requests,
  on<K extends EventName>(event: K, listener: (payload: Events[K]) => void): () => void {
    if (!allowedEvents.has(event)) throw new Error(`Unknown event ${event}`)
    const wrapped = (_e: unknown, payload: Events[K]) => listener(payload)
    ipcRenderer.on(event, wrapped)
    return () => ipcRenderer.removeListener(event, wrapped)
  },
} as Api

contextBridge.exposeInMainWorld('api', api)
