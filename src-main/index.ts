import { app, BrowserWindow, dialog } from 'electron'
import { isInputError } from '../src-core/errors'
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
  const handlers = services.connect((event, payload) => sendEvent(mainWindow?.webContents ?? null, event, payload))
  registerIpc(
    handlers,
    (event) => mainWindow !== null && event.senderFrame === mainWindow.webContents.mainFrame && isAppUrl(event.senderFrame?.url ?? ''),
    log,
  )
  mainWindow = createMainWindow()
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
