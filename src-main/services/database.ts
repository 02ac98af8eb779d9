import Database from 'better-sqlite3'
import { accessSync, closeSync, constants, existsSync, openSync, readFileSync, readSync, statfsSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { InputError } from '../../src-core/errors'
import { migrations } from './migrations'

/** 'SLOP' — marks a file as Slope's, so another program's SQLite file is never migrated by mistake. */
export const APPLICATION_ID = 0x534c4f50

export interface OpenOptions {
  /** An Electron-ABI build of better-sqlite3 (the desktop app); the Node build otherwise. */
  nativeBinding?: string
}

/**
 * Opens (creating if needed) a Slope database: WAL, foreign keys, migrations. Refuses — leaving the
 * file untouched — anything that is not a Slope database, is damaged, or comes from a newer Slope.
 * Every refusal is an InputError naming the file and what to do.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Database.Database {
  if (path !== ':memory:' && existsSync(path)) checkHeader(path)
  let db: Database.Database
  try {
    db = new Database(path, { nativeBinding: options.nativeBinding })
  } catch (e) {
    throw databaseError(e, path)
  }
  try {
    const version = db.pragma('user_version', { simple: true }) as number
    const appId = db.pragma('application_id', { simple: true }) as number
    const tables = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }
    if (appId !== APPLICATION_ID && (tables.n > 0 || version > 0)) {
      throw new InputError(`${path} is an SQLite database of another program, not Slope’s; it was left untouched.`, 'Choose another --db path.', { file: path })
    }
    if (version > migrations.length) {
      throw new InputError(
        `${path} was written by a newer Slope (database version ${version}; this Slope knows ${migrations.length}); it was left untouched.`,
        'Update Slope, or choose another --db path.',
        { file: path },
      )
    }
    // 16 KiB pages (set before the first table exists): loss history is stored as large BLOBs, and
    // 4 KiB overflow pages make writing it ~4× slower (bench/suites/store.ts).
    if (version === 0 && tables.n === 0) db.pragma('page_size = 16384')
    if (path !== ':memory:') db.pragma('journal_mode = WAL')
    // WAL + NORMAL: a crash of Slope (even SIGKILL) loses no committed transaction and never
    // corrupts the file; only a power cut may drop the last ones. FULL would fsync every progress
    // batch, which costs more than the training it records (bench/suites/store.ts).
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    db.pragma('busy_timeout = 5000') // a second process (CLI beside the app) waits instead of failing
    if (version > 0) {
      const check = (db.pragma('quick_check') as { quick_check: string }[]).map((r) => r.quick_check).join('\n')
      if (check !== 'ok') throw damaged(path, check)
    }
    migrate(db, version)
    return db
  } catch (e) {
    db.close()
    throw e instanceof InputError ? e : databaseError(e, path)
  }
}

/**
 * Opens an existing database for the commands that only read (slope runs, slope export). Where
 * the file or its folder cannot be written (a read-only disk, a backup mounted read-only), SQLite
 * cannot open a WAL database even read-only (it must create the -shm file), so the file is read
 * into memory and opened from there, marked as a rollback-journal database in that copy (header
 * bytes 18–19, https://www.sqlite.org/fileformat2.html#file_format_version_numbers). The file is
 * never written; frames still in a -wal file left by a crash are not seen.
 */
export function openDatabaseForReading(path: string, options: OpenOptions = {}): Database.Database {
  if (writable(path)) {
    try {
      return openDatabase(path, options)
    } catch (e) {
      // A full disk: WAL cannot grow its -shm file, but the runs saved can still be read.
      if (!(e instanceof InputError && (e as { cause?: unknown }).cause === 'disk-full')) throw e
    }
  }
  checkHeader(path)
  let db: Database.Database
  try {
    const bytes = readFileSync(path)
    if (bytes.length >= 20) bytes[18] = bytes[19] = 1
    db = new Database(bytes, { readonly: true, nativeBinding: options.nativeBinding })
  } catch (e) {
    throw databaseError(e, path)
  }
  try {
    const version = db.pragma('user_version', { simple: true }) as number
    const appId = db.pragma('application_id', { simple: true }) as number
    if (appId !== APPLICATION_ID) throw new InputError(`${path} is not a Slope database; it was left untouched.`, 'Choose another --db path.', { file: path })
    if (version !== migrations.length) {
      throw new InputError(
        `${path} is read-only and was written by ${version < migrations.length ? 'an older' : 'a newer'} Slope (database version ${version}; this Slope reads ${migrations.length}).`,
        version < migrations.length ? 'Copy it to a disk you can write to, so that Slope can update it, and use that copy.' : 'Update Slope.',
        { file: path },
      )
    }
    const check = db.pragma('quick_check', { simple: true }) as string
    if (check !== 'ok') throw damaged(path, check)
    return db
  } catch (e) {
    db.close()
    throw e instanceof InputError ? e : databaseError(e, path)
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK)
    accessSync(dirname(path), constants.W_OK) // the -wal and -shm files go beside it
    return true
  } catch {
    return false
  }
}

/** quick_check lists every problem it finds, one per line (a hundred lines, often): the first one says enough. */
function damaged(path: string, check: string): InputError {
  const problems = check.split('\n')
  const first = problems[0]!.slice(0, 160)
  return new InputError(
    `${path} is damaged (SQLite quick_check: ${first}${problems.length > 1 ? ` and ${problems.length - 1} more problems` : ''}); it was left untouched.`,
    'Restore a backup, or choose another --db path (Slope then starts a new database).',
    { file: path },
  )
}

function migrate(db: Database.Database, from: number): void {
  for (let v = from; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!)
      db.pragma(`user_version = ${v + 1}`)
      db.pragma(`application_id = ${APPLICATION_ID}`)
    })()
  }
}

/** A file that is not SQLite at all: say so before SQLite gets a chance to touch it. */
function checkHeader(path: string): void {
  if (statSync(path).isDirectory()) {
    throw new InputError(`${path} is a folder, not a database file.`, 'Give --db the path of a file, e.g. a path ending in slope.db inside that folder.', { file: path })
  }
  const header = Buffer.alloc(16)
  let read = 0
  const fd = openSync(path, 'r')
  try {
    read = readSync(fd, header, 0, 16, 0)
  } finally {
    closeSync(fd)
  }
  if (read === 0) return // an empty file: SQLite initialises it
  if (header.toString('latin1') !== 'SQLite format 3\u0000') {
    throw new InputError(`${path} is not a Slope database (it is not even SQLite); it was left untouched.`, 'Choose another --db path.', { file: path })
  }
}

/** SQLite and file-system failures as sentences (disk full, read-only, damaged, locked). */
export function databaseError(e: unknown, path: string): Error {
  if (e instanceof InputError) return e
  const code = (e as { code?: string }).code ?? ''
  const where = { file: path }
  // A full disk under a WAL database often surfaces as an I/O error (growing the -shm or -wal
  // file fails): free space on that disk tells which.
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT' || (code.startsWith('SQLITE_IOERR') && diskFull(path))) {
    return Object.assign(new InputError(`The disk holding ${path} is full, so Slope cannot save.`, 'Free some space (finished runs already saved are kept) and try again.', where), { cause: 'disk-full' })
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new InputError(`The disk holding ${path} reported an I/O error (${code}).`, 'Check the disk (is it removed, or failing?) and try again, or choose another --db path.', where)
  }
  if (code === 'EISDIR') {
    return new InputError(`${path} is a folder, not a database file.`, 'Give --db the path of a file, e.g. a path ending in slope.db inside that folder.', where)
  }
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new InputError(`The folder ${dirname(path)} for the database ${path} does not exist and cannot be created (${code === 'ENOTDIR' ? 'part of the path is a file' : 'is the disk read-only?'}).`, 'Choose a --db path in a folder you can write to.', where)
  }
  if (code.startsWith('SQLITE_READONLY') || code === 'EROFS' || code === 'EACCES' || code === 'SQLITE_CANTOPEN') {
    return new InputError(`Slope cannot write ${path} (${code === 'SQLITE_CANTOPEN' ? 'cannot open it' : 'read-only'}).`, 'Choose a folder you can write to (--db PATH), or fix its permissions.', where)
  }
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new InputError(`${path} is damaged or not a database; it was left untouched.`, 'Restore a backup or choose another --db path.', where)
  }
  if (code.startsWith('SQLITE_BUSY')) {
    return new InputError(`${path} is busy (another program holds a write lock).`, 'Try again in a moment.', where)
  }
  return e instanceof Error ? e : new Error(String(e))
}

function diskFull(path: string): boolean {
  try {
    const s = statfsSync(dirname(path))
    return s.bavail * s.bsize < 1024 ** 2
  } catch {
    return false
  }
}
