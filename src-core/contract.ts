/**
 * The one typed API between the renderer and main (Electron IPC or browser mode's WebSocket).
 * Every request and pushed event is named here once; ipc.ts, preload.ts, the WebSocket server and
 * the renderer client are loops over `requestNames` / `eventNames`, so the compiler flags a
 * missing handler and no channel name is built from strings at run time.
 */

export interface AppInfo {
  name: string
  version: string
  /** 'electron' for the desktop app, 'web' for browser mode. */
  shell: 'electron' | 'web'
}

export interface Requests {
  'app.info': { args: []; result: AppInfo }
}

export interface Events {
  'app.notice': { message: string }
}

export type RequestName = keyof Requests
export type EventName = keyof Events

export type Handlers = {
  [K in RequestName]: (...args: Requests[K]['args']) => Promise<Requests[K]['result']>
}

export const requestNames = ['app.info'] as const satisfies readonly RequestName[]
export const eventNames = ['app.notice'] as const satisfies readonly EventName[]

// Compile-time completeness: a request or event added above but not listed here fails to build.
type Unlisted<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : Exclude<All, Listed>
export const requestNamesComplete: Unlisted<RequestName, (typeof requestNames)[number]> = true
export const eventNamesComplete: Unlisted<EventName, (typeof eventNames)[number]> = true

/** The object the renderer calls: window.api in Electron, the WebSocket client in browser mode. */
export type Api = Handlers & {
  on<K extends EventName>(event: K, listener: (payload: Events[K]) => void): () => void
}
