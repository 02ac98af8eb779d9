import { contextBridge, ipcRenderer, webUtils } from 'electron'
import { eventNames, requestNames, type EventName, type RequestName, type Transport } from '../src-core/contract'

/**
 * Exposes exactly the contract's transport as window.api: `request` for the contract's request
 * names and `on` for its events. No ipcRenderer, no Node, nothing else crosses into the page but
 * `pathOfFile` below.
 */
const requests = new Set<string>(requestNames)
const events = new Set<string>(eventNames)

const transport: Transport = {
  request(name: RequestName, args: unknown[]) {
    if (!requests.has(name)) return Promise.reject(new Error(`Unknown request ${String(name)}`))
    return ipcRenderer.invoke(name, ...args)
  },
  on(event: EventName, listener: (payload: unknown) => void) {
    if (!events.has(event)) throw new Error(`Unknown event ${String(event)}`)
    const wrapped = (_e: unknown, payload: unknown) => listener(payload)
    ipcRenderer.on(event, wrapped)
    return () => {
      ipcRenderer.removeListener(event, wrapped)
    }
  },
}

contextBridge.exposeInMainWorld('api', transport)

// A dropped file's path (Electron 32 removed File.path), so the Data tab links a file too large to
// import where it is (README "Linked datasets"). It answers for a File the page already holds: the
// page learns the path of what the user dropped or chose, nothing it could not name already.
contextBridge.exposeInMainWorld('pathOfFile', (file: File) => webUtils.getPathForFile(file))
