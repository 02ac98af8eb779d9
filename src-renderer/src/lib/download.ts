/**
 * Saving files from the renderer, which may not touch the file system: a Blob behind an
 * `<a download>` link. In the desktop app Electron answers the download with the system's save
 * dialog; in browser mode the browser saves it to its downloads folder (or asks, per its settings).
 */

/** Characters no file system accepts in a name (Windows is the strictest), and control characters. */
const FORBIDDEN = /[\\/:*?"<>|\u0000-\u001f\u007f]+/g
/** Names Windows reserves for devices, with or without an extension ("CON.csv" is still CON). */
const RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i
const MAX_STEM_CHARS = 100

/**
 * A file name made from a run's (or file's) name: forbidden characters become "_", leading and
 * trailing dots and spaces go (Windows drops trailing ones silently; a leading dot hides the file on
 * Unix), reserved device names get a "_" prefix, the stem is cut to 100 characters (whole code
 * points, so a Chinese name is never cut inside a surrogate pair), and an empty result becomes
 * `fallback`. `extension` (e.g. ".csv") is appended after the cut.
 */
export function safeFileName(name: string, extension = '', fallback = 'slope'): string {
  let stem = name.normalize('NFC').replace(FORBIDDEN, '_').replace(/^[\s.]+|[\s.]+$/g, '')
  stem = [...stem].slice(0, MAX_STEM_CHARS).join('').replace(/[\s.]+$/, '')
  if (!stem) stem = fallback
  if (RESERVED.test(stem)) stem = `_${stem}`
  return `${stem}${extension}`
}

/** Offers `blob` as a download named `fileName` (the save dialog in the desktop app). */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.style.display = 'none'
  document.body.append(link)
  link.click()
  link.remove()
  // The download has read the URL by the time a save dialog could have closed; a minute is ample
  // and frees the (possibly large) blob afterwards.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/** Text (JSON, CSV parts) as a UTF-8 download. */
export function saveText(parts: string | readonly string[], fileName: string, type: string): void {
  saveBlob(new Blob(typeof parts === 'string' ? [parts] : [...parts], { type: `${type};charset=utf-8` }), fileName)
}

/** The bytes of a `data:` URL (chart.js gives PNGs as data URLs). */
export function dataUrlToBlob(dataUrl: string): Blob {
  const m = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(dataUrl)
  if (!m) throw new Error('not a data URL')
  const [, type, base64, payload] = m
  if (!base64) return new Blob([decodeURIComponent(payload!)], { type: type || 'text/plain' })
  const binary = atob(payload!)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return new Blob([bytes], { type: type || 'application/octet-stream' })
}

/**
 * A chart image laid on an opaque background. chart.js draws on a transparent canvas, so a PNG
 * of the dark theme (light text) would be unreadable in an image viewer with a white background.
 */
export async function pngOnBackground(dataUrl: string, background: string): Promise<Blob> {
  const image = new Image()
  image.src = dataUrl
  await image.decode()
  const canvas = document.createElement('canvas')
  canvas.width = image.naturalWidth
  canvas.height = image.naturalHeight
  const context = canvas.getContext('2d')
  if (!context) return dataUrlToBlob(dataUrl)
  context.fillStyle = background
  context.fillRect(0, 0, canvas.width, canvas.height)
  context.drawImage(image, 0, 0)
  return new Promise((resolve) => canvas.toBlob((blob) => resolve(blob ?? dataUrlToBlob(dataUrl)), 'image/png'))
}
