/**
 * Which links the desktop app hands to the operating system's browser (shell.openExternal).
 * Anything the page asks to open is untrusted: a link in a dataset's text, an injected script, a
 * bug. openExternal on an arbitrary URL can start other programs through their URL schemes or send
 * the user to a phishing page dressed as Slope, so only the project's own pages pass (Electron
 * security checklist #15). Electron-free, so it is unit-tested in plain Node.
 *
 * The app links to nothing outside itself today except the model schema's home; add a page's
 * origin and path prefix here when the app gains a link to it.
 */
export const PROJECT_LINKS: readonly { origin: string; pathPrefix: string }[] = [{ origin: 'https://slope.invalid', pathPrefix: '/' }]

export function isProjectLink(url: string): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  // Credentials in a URL are a classic disguise (https://slope.invalid@evil.example/).
  if (parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '') return false
  return PROJECT_LINKS.some((l) => parsed.origin === l.origin && parsed.pathname.startsWith(l.pathPrefix))
}
