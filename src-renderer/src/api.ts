import type { Api, Envelope, EventName, Events, RequestName, Transport, WireError } from '../../src-core/contract'
import { requestNames } from '../../src-core/contract'
import { decodeMessage, encodeMessage, oversizeError } from '../../src-core/wire-codec'

/**
 * The renderer's only door to main. In the desktop app the preload provides the transport as
 * window.api (Electron IPC); in browser mode this file opens a WebSocket to /api on the page's own
 * origin (the session cookie authenticates it). Either way every request returns its result or
 * throws an ApiError whose `sentence` is fit to show.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError'
  readonly hint: string
  readonly inputError: boolean
  readonly where: WireError['where']
  constructor(error: WireError) {
    super(error.message)
    this.hint = error.hint
    this.inputError = error.inputError
    this.where = error.where
  }

  get sentence(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message
  }
}

declare global {
  interface Window {
    api?: Transport
    /** Electron only (preload.ts): a File's path on disk, '' for one that has none (pasted, generated). */
    pathOfFile?: (file: File) => string
  }
}

/**
 * Where a dropped or chosen file is on disk, so a large one can be linked in place: the desktop app
 * knows (Electron's webUtils, through the preload); a browser never tells a page a file's folder, so null.
 */
export function pathOfFile(file: File): string | null {
  return window.pathOfFile?.(file) || null
}

/** Browser mode's transport: request/response by id over one WebSocket, events pushed. */
export function webSocketTransport(url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api`): Transport {
  const pending = new Map<number, (e: Envelope<unknown>) => void>()
  const listeners = new Map<string, Set<(payload: unknown) => void>>()
  let nextId = 1
  let socket: WebSocket | null = null
  let opened: Promise<WebSocket> | null = null

  const connect = (): Promise<WebSocket> => {
    if (opened) return opened
    opened = new Promise((resolve, reject) => {
      const ws = new WebSocket(url)
      ws.binaryType = 'arraybuffer'
      ws.onopen = () => {
        socket = ws
        resolve(ws)
      }
      ws.onerror = () => reject(new ApiError({ inputError: false, message: 'Slope’s server cannot be reached.', hint: 'Is `slope web` still running? Start it again and reload the page.', where: {} }))
      ws.onclose = () => {
        socket = null
        opened = null
        for (const [, settle] of pending) settle({ ok: false, error: { inputError: false, message: 'The connection to Slope’s server was lost.', hint: 'Start `slope web` again and reload the page.', where: {} } })
        pending.clear()
      }
      ws.onmessage = (event) => {
        const message = decodeMessage(new Uint8Array(event.data as ArrayBuffer)) as { id?: number; envelope?: Envelope<unknown>; event?: string; payload?: unknown }
        if (message.event !== undefined) {
          for (const l of listeners.get(message.event) ?? []) l(message.payload)
        } else if (typeof message.id === 'number') {
          pending.get(message.id)?.(message.envelope!)
          pending.delete(message.id)
        }
      }
    })
    return opened
  }

  return {
    async request(name, args) {
      const ws = socket ?? (await connect())
      const id = nextId++
      const message = encodeMessage({ id, method: name, args })
      // The server would close the connection on a bigger one (maxPayload); say why instead.
      const tooLarge = oversizeError(message.byteLength)
      if (tooLarge) return { ok: false, error: { inputError: true, message: tooLarge.message, hint: tooLarge.hint, where: {} } }
      return new Promise((resolve) => {
        pending.set(id, resolve)
        ws.send(message)
      })
    },
    on(event, listener) {
      void connect().catch(() => {}) // events need the socket open even before the first request
      if (!listeners.has(event)) listeners.set(event, new Set())
      listeners.get(event)!.add(listener)
      return () => listeners.get(event)?.delete(listener)
    },
  }
}

/** Wraps a transport into the typed Api: unwraps envelopes, throws ApiError. */
export function createApi(transport: Transport): Api {
  const api = {} as Record<string, unknown>
  for (const name of requestNames) {
    api[name] = async (...args: unknown[]) => {
      const envelope = await transport.request(name as RequestName, args)
      if (!envelope.ok) throw new ApiError(envelope.error)
      return envelope.value
    }
  }
  api.on = <K extends EventName>(event: K, listener: (payload: Events[K]) => void) => transport.on(event, listener as (p: unknown) => void)
  return api as Api
}

let instance: Api | null = null

/** The app's Api: Electron's preload transport when present, else browser mode's WebSocket. */
export function api(): Api {
  instance ??= createApi(window.api ?? webSocketTransport())
  return instance
}
