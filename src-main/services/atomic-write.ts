import { randomBytes } from 'node:crypto'
import { open, rename, unlink } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { InputError } from '../../src-core/errors'

/**
 * Writes `data` to `path` so that the file is either the old one or the complete new one, never
 * a truncated mix: into a temporary file in the same folder (rename is atomic only within one
 * file system), fsync, then rename over the target (POSIX rename(2); on Windows, MoveFileEx with
 * replace). On a full disk or any other failure the temporary file is removed, the old file is
 * untouched, and the error is one sentence saying what happened and what to do.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  let handle: Awaited<ReturnType<typeof open>> | null = null
  try {
    handle = await open(temp, 'wx', 0o644)
    await handle.writeFile(data)
    await handle.sync()
    await handle.close()
    handle = null
    await rename(temp, path)
  } catch (e) {
    await handle?.close().catch(() => undefined)
    await unlink(temp).catch(() => undefined)
    throw writeError(path, e as NodeJS.ErrnoException)
  }
}

/** The sentence for a failed write: a full disk, a folder that is not there, no permission… */
export function writeError(path: string, e: NodeJS.ErrnoException): Error {
  const where = { file: basename(path) }
  switch (e.code) {
    case 'ENOSPC':
    case 'EDQUOT':
    case 'EFBIG':
      return new InputError(`The disk is full: ${path} could not be written (the file that was there is unchanged).`, 'Free some space, or write to another disk, and try again.', where)
    case 'ENOENT':
      return new InputError(`Cannot write ${path}: the folder ${dirname(path)} does not exist.`, 'Create the folder, or choose another path.', where)
    case 'EACCES':
    case 'EPERM':
      return new InputError(`Cannot write ${path}: permission denied.`, 'Choose a folder you may write to.', where)
    case 'EROFS':
      return new InputError(`Cannot write ${path}: the disk is read-only.`, 'Choose a folder on a disk you may write to.', where)
    case 'EISDIR':
      return new InputError(`Cannot write ${path}: it is a folder.`, 'Give a file name, e.g. a path ending in the file to create.', where)
    case 'ENOTDIR':
      return new InputError(`Cannot write ${path}: part of the path is a file, not a folder.`, 'Check the path.', where)
    default:
      return e
  }
}
