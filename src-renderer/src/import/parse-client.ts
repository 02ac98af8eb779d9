import type { ImportProgress } from '../../../src-core/table/byte-source'
import { acceptedExtensions, formatListSentence } from '../../../src-core/table/formats/registry'
import type { ImportOptions, ImportResult } from '../../../src-core/table/import-table'
import { tableFromMessage, type ParseRequest, type ParseResponse } from '../../../src-core/table/parse-protocol'

/** The `accept` of every file input that imports a table: the registry's extensions. */
export const fileInputAccept = acceptedExtensions()

/** The formats the parse worker reads, as a sentence in the UI's language, for messages. */
export function formatList(locale: string): string {
  return formatListSentence(locale)
}

/** An import that failed: the importer's sentence parts (what, where, what to do). */
export class ImportFailure extends Error {
  override readonly name = 'ImportFailure'
  constructor(
    message: string,
    readonly hint: string,
    readonly where: { file?: string; row?: number; column?: string },
    readonly cancelled: boolean,
  ) {
    super(message)
  }

  get sentence(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message
  }
}

export interface ParseJob {
  result: Promise<ImportResult>
  cancel(): void
}

let worker: Worker | null = null
let nextId = 1
const pending = new Map<number, { resolve(r: ImportResult): void; reject(e: unknown): void; onProgress?: (p: ImportProgress) => void }>()

/** The parse worker (untrusted files are parsed off the UI thread), started on first use. */
function parseWorker(): Worker {
  if (worker) return worker
  worker = new Worker(new URL('../workers/parse-worker.ts', import.meta.url), { type: 'module' })
  worker.onmessage = (event: MessageEvent<ParseResponse>) => {
    const message = event.data
    const job = pending.get(message.id)
    if (!job) return
    if (message.type === 'progress') return job.onProgress?.(message.progress)
    pending.delete(message.id)
    if (message.type === 'done') job.resolve(tableFromMessage(message.result))
    else job.reject(new ImportFailure(message.message, message.hint, message.where, message.cancelled))
  }
  worker.onerror = (event) => {
    // The worker itself broke (a bug, not a bad file): fail what was waiting, start afresh next time.
    for (const job of pending.values()) job.reject(new ImportFailure(`The file reader stopped unexpectedly (${event.message}).`, 'Try again; if it happens again, please report it.', {}, false))
    pending.clear()
    worker?.terminate()
    worker = null
  }
  return worker
}

function start(request: Exclude<ParseRequest, { type: 'cancel' }>, onProgress?: (p: ImportProgress) => void): ParseJob {
  const w = parseWorker()
  const result = new Promise<ImportResult>((resolve, reject) => pending.set(request.id, { resolve, reject, onProgress }))
  w.postMessage(request)
  return { result, cancel: () => w.postMessage({ type: 'cancel', id: request.id } satisfies ParseRequest) }
}

export function parseFile(file: File, options: ImportOptions = {}, onProgress?: (p: ImportProgress) => void): ParseJob {
  return start({ type: 'parse-file', id: nextId++, file, options }, onProgress)
}

/** A block pasted from a spreadsheet, or an example bundled with the app. */
export function parseText(name: string, text: string, options: ImportOptions = {}, onProgress?: (p: ImportProgress) => void): ParseJob {
  return start({ type: 'parse-text', id: nextId++, name, text, options }, onProgress)
}

/** SHA-256 (hex) of a file's bytes or a text, the dataset's fingerprint. */
export async function sha256Of(data: Blob | string): Promise<string> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : new Uint8Array(await data.arrayBuffer())
  const digest = await crypto.subtle.digest('SHA-256', bytes)
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
}
