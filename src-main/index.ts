import { app, BrowserWindow } from 'electron'
import type { Handlers } from '../src-core/contract'
import { appVersion } from './app-version'
import { registerIpc } from './ipc'
import { createMainWindow } from './window'

/** Electron lifecycle only: services, window, IPC registration. Everything else is Electron-free. */
let mainWindow: BrowserWindow | null = null

const handlers: Handlers = {
  'app.info': async () => ({ name: 'Slope', version: appVersion, shell: 'electron' }),
}

app.enableSandbox()

void app.whenReady().then(() => {
  registerIpc(handlers, (event) => mainWindow !== null && event.senderFrame === mainWindow.webContents.mainFrame)
  mainWindow = createMainWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createMainWindow()
  })
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
