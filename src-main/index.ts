import { app, BrowserWindow, dialog } from 'electron'
import type { Handlers } from '../src-core/contract'
import { isInputError } from '../src-core/errors'
import type { Emit } from './services/api-handlers'
import { registerIpc, sendEvent } from './ipc'
import { openServices, type AppServices } from './services/app-services'
import { defaultDatabasePath } from './services/paths'
import { bundledTrainWorker } from './services/train-worker'
import { electronNativeBinding } from './services/native-binding'
import { createMainWindow, handleAppScheme, isAppUrl, registerAppScheme } from './window'

/** Electron lifecycle only: services, window, IPC registration. Everything else is Electron-free. */
let mainWindow: BrowserWindow | null = null
let services: AppServices | null = null

app.enableSandbox()
registerAppScheme()
if (!app.requestSingleInstanceLock()) app.quit() // one app instance per database file

const log = (e: unknown) => console.error(e)

void app.whenReady().then(() => {
  handleAppScheme()
  try {
    services = openServices({
      databasePath: defaultDatabasePath(),
      workerFactory: bundledTrainWorker(import.meta.url),
      shell: 'electron',
      nativeBinding: electronNativeBinding(),
    })
  } catch (e) {
    dialog.showErrorBox('Slope cannot open its database', isInputError(e) ? e.sentence : String(e))
    app.quit()
    return
  }
  // One connection per page load of the main window (it also hosts the WebGL worker when it offers
  // its GPU): a reload or a crashed renderer ends the old connection, so its GPU jobs fail cleanly.
  const emit: Emit = (event, payload) => sendEvent(mainWindow?.webContents ?? null, event, payload)
  let connection = services.connect(emit)
  const reconnect = () => {
    connection.disconnect()
    connection = services!.connect(emit)
  }
  const handlers = new Proxy({} as Handlers, { get: (_target, name) => connection.handlers[name as keyof Handlers] })
  registerIpc(
    handlers,
    (event) => mainWindow !== null && event.senderFrame === mainWindow.webContents.mainFrame && isAppUrl(event.senderFrame?.url ?? ''),
    log,
  )
  mainWindow = createMainWindow()
  mainWindow.webContents.on('did-start-navigation', (details) => {
    if (details.isMainFrame && !details.isSameDocument) reconnect()
  })
  mainWindow.webContents.on('render-process-gone', reconnect)
  app.on('second-instance', () => mainWindow?.focus())
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createMainWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

let closing = false
app.on('before-quit', (event) => {
  if (closing || !services) return
  closing = true
  event.preventDefault()
  void services.close().finally(() => app.quit())
})
