/**
 * The app's parse worker: untrusted files are parsed off the renderer's main thread (Electron's
 * security guidance), by the same src-core code the CLI runs under Node. Speaks ParseRequest /
 * ParseResponse (src-core/table/parse-protocol.ts). Every format of src-core/table/formats/registry.ts
 * is read here, detected by its bytes.
 */
import { isInputError } from '../../../src-core/errors'
import { CHUNK_BYTES, textSource, type ByteSource } from '../../../src-core/table/byte-source'
import { importTable } from '../../../src-core/table/import-table'
import { resultToMessage, type ParseRequest, type ParseResponse } from '../../../src-core/table/parse-protocol'

const scope = globalThis as unknown as {
  postMessage(message: ParseResponse, transfer?: Transferable[]): void
  onmessage: ((event: MessageEvent<ParseRequest>) => void) | null
}
const running = new Map<number, AbortController>()

/**
 * A browser File as a ByteSource: read in slices, so a large file never sits in memory whole;
 * formats read by position (Parquet: footer first, then column chunks) slice it directly.
 */
function blobSource(file: Blob & { name: string }): ByteSource {
  return {
    name: file.name,
    size: file.size,
    async *read() {
      for (let offset = 0; offset < file.size; offset += CHUNK_BYTES) {
        yield new Uint8Array(await file.slice(offset, offset + CHUNK_BYTES).arrayBuffer())
      }
    },
    async slice(start, end) {
      return new Uint8Array(await file.slice(start, end).arrayBuffer())
    },
  }
}

scope.onmessage = (event) => {
  const request = event.data
  if (request.type === 'cancel') {
    running.get(request.id)?.abort()
    return
  }
  void parse(request)
}

async function parse(request: Exclude<ParseRequest, { type: 'cancel' }>): Promise<void> {
  const { id } = request
  const controller = new AbortController()
  running.set(id, controller)
  let lastProgress = 0
  try {
    const source = request.type === 'parse-file' ? blobSource(request.file) : textSource(request.name, request.text)
    const result = await importTable(source, request.options, {
      signal: controller.signal,
      onProgress: (progress) => {
        const now = performance.now()
        if (now - lastProgress < 50) return // a few updates a second are enough for a progress bar
        lastProgress = now
        scope.postMessage({ type: 'progress', id, progress })
      },
    })
    const { message, transfer } = resultToMessage(result)
    scope.postMessage({ type: 'done', id, result: message }, transfer)
  } catch (e) {
    const cancelled = controller.signal.aborted
    const input = isInputError(e)
    scope.postMessage({
      type: 'error',
      id,
      message: cancelled ? 'Import cancelled.' : input ? e.message : 'Slope could not read this file (an internal error; please report it).',
      hint: input ? e.hint : '',
      where: input ? e.where : {},
      cancelled,
      inputError: input,
    })
    if (!input && !cancelled) console.error(e) // a programming error: logged, never shown as a stack trace
  } finally {
    running.delete(id)
  }
}
