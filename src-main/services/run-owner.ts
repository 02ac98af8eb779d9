import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import type Database from 'better-sqlite3'

/**
 * Which process owns a run, and whether that process is still there.
 *
 * A lease in the database itself, not an OS-level lock: Node has no portable advisory file lock
 * (node:fs offers no flock, and a native addon for it is one more thing to build for two ABIs),
 * SQLite's own locks last one transaction rather than a process's life, and lock files on shared
 * or network folders are unreliable. A row in `run_owners` works wherever the database works.
 *
 * Each process that creates runs registers one owner row (a random id, pid, host, start time)
 * and refreshes its heartbeat every HEARTBEAT_MS from a timer that never keeps the process alive.
 * An owner is gone when
 *  - its row is missing (it closed, or another process reaped it), or
 *  - it is on this host and its pid no longer exists (kill -9, a crash: seen at the next read), or
 *  - its heartbeat is older than LEASE_MS (a pid reused by another program, a hung process, an
 *    owner on another machine sharing the database through a network folder).
 * So a killed process's runs read `interrupted` at once on the same machine, and within LEASE_MS
 * anywhere else; a live process's runs are never touched by anyone else.
 */
export const HEARTBEAT_MS = 5_000
/** Six missed heartbeats: a busy 2-core machine stalls an event loop for seconds, not for half a minute. */
export const LEASE_MS = 30_000

export interface OwnerRow {
  id: string
  pid: number
  host: string
  started_at: string
  heartbeat_at: number
}

export class ProcessOwner {
  readonly id: string
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly db: Database.Database,
    private readonly clock: () => number = Date.now,
  ) {
    const startedAt = new Date(this.clock())
    // pid and start time make the id readable in the database; the random part makes it unique.
    this.id = `${hostname()}:${process.pid}:${startedAt.getTime()}:${randomUUID().slice(0, 8)}`
    db.prepare('INSERT INTO run_owners (id, pid, host, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?)').run(this.id, process.pid, hostname(), startedAt.toISOString(), this.clock())
    const beat = db.prepare('INSERT OR REPLACE INTO run_owners (id, pid, host, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?)')
    this.timer = setInterval(() => {
      try {
        // INSERT OR REPLACE: if a reader reaped us while this process hung, we are back.
        beat.run(this.id, process.pid, hostname(), startedAt.toISOString(), this.clock())
      } catch {
        // A busy or full database: try again at the next beat; the lease is six beats long.
      }
    }, HEARTBEAT_MS)
    this.timer.unref()
  }

  /** A clean exit: the owner row goes, so whatever this process left active reads interrupted. */
  release(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    try {
      if (this.db.open) this.db.prepare('DELETE FROM run_owners WHERE id = ?').run(this.id)
    } catch {
      // read-only or full: the lease runs out instead
    }
  }
}

/** Whether the owner of an active run is gone (see ProcessOwner). `row` is null when no owner row exists. */
export function ownerIsGone(row: OwnerRow | null, now: number, host: string = hostname()): boolean {
  if (!row) return true
  if (now - row.heartbeat_at > LEASE_MS) return true
  return row.host === host && !pidExists(row.pid)
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0) // signal 0: checks existence and permission, sends nothing
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' // exists, belongs to another user
  }
}
