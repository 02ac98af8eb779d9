import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * Where Slope keeps its database: the folder Electron calls userData for an app named "Slope",
 * computed here without Electron so the CLI, browser mode and the desktop app share one file.
 * SLOPE_DB overrides it (tests, scripts).
 */
export function defaultDatabasePath(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.SLOPE_DB) return env.SLOPE_DB
  return join(userDataFolder(env, platform), 'slope.db')
}

export function userDataFolder(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const home = homedir()
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Slope')
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Slope')
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Slope')
}
