import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron'
import { requestNames, type Events, type EventName, type Handlers } from '../src-core/contract'

/**
 * Registers one ipcMain handler per contract request. Each call is checked to come from the app's
 * own main frame (Electron checklist: validate the sender), and its result is returned as is;
 * handlers validate their own arguments (zod) because IPC payloads are untrusted.
 */
export function registerIpc(handlers: Handlers, isTrustedSender: (event: IpcMainInvokeEvent) => boolean): void {
  for (const name of requestNames) {
    ipcMain.handle(name, (event, ...args: unknown[]) => {
      if (!isTrustedSender(event)) throw new Error(`Refused ${name} from an untrusted frame`)
      return (handlers[name] as (...a: unknown[]) => Promise<unknown>)(...args)
    })
  }
}

export function sendEvent<K extends EventName>(target: WebContents, name: K, payload: Events[K]): void {
  if (!target.isDestroyed()) target.send(name, payload)
}
