import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron'
import { requestNames, type Events, type EventName, type Handlers } from '../src-core/contract'
import { dispatch } from './services/api-handlers'

/**
 * One ipcMain handler per contract request (the channel is the request's name). Each call must come
 * from the app's own main frame (Electron checklist: validate the sender); arguments are validated
 * against the contract's schemas in `dispatch`, because IPC payloads are untrusted.
 */
export function registerIpc(handlers: Handlers, isTrustedSender: (event: IpcMainInvokeEvent) => boolean, log: (e: unknown) => void): void {
  for (const name of requestNames) {
    ipcMain.handle(name, (event, ...args: unknown[]) => {
      if (!isTrustedSender(event)) {
        log(new Error(`refused ${name} from an untrusted frame: ${event.senderFrame?.url}`))
        return { ok: false, error: { inputError: false, message: 'Request refused.', hint: '', where: {} } }
      }
      return dispatch(handlers, name, args, log)
    })
  }
}

export function sendEvent<K extends EventName>(target: WebContents | null, name: K, payload: Events[K]): void {
  if (target && !target.isDestroyed()) target.send(name, payload)
}
