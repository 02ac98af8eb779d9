import packageJson from '../package.json' with { type: 'json' }

/** The version in package.json, written into every model file. */
export const appVersion: string = packageJson.version
