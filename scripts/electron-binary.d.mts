/** Finds the Electron executable without triggering electron's lazy download. */
export function findElectron(): { path: string; reason?: undefined } | { path: null; reason: string }
