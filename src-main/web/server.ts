import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream, existsSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join, resolve } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import * as z from 'zod'
import type { Envelope, EventName, Events } from '../../src-core/contract'
import { InputError } from '../../src-core/errors'
import { parseInput } from '../../src-core/parse-input'
import type { Connection } from '../services/app-services'
import { decodeMessage, encodeMessage, MAX_MESSAGE_BYTES } from '../../src-core/wire-codec'
import { dispatch, toWireError, type Emit } from '../services/api-handlers'
import { CONTENT_SECURITY_POLICY, resolveStaticFile } from './static-files'

export interface WebServerOptions {
  /** 0 picks a free port. */
  port: number
  /** The built renderer (out/renderer). */
  rendererDir: string
  /** One page's connection: its handlers, given the function that pushes events to that page. */
  connect: (emit: Emit) => Connection
  log?: (e: unknown) => void
}

export interface WebServer {
  url: string
  port: number
  /**
   * The login link, with the per-launch token. Valid until this server stops, not once: it is how a
   * second browser, or the same one after its cookies were cleared, signs in again; it never leaves
   * this machine and the redirect drops it from the address bar and history.
   */
  loginUrl: string
  close(): Promise<void>
}

const SESSION_COOKIE = 'slope_session'
/** Matches src-renderer/index.html's meta CSP, sent as a header too (it also covers non-HTML responses). */
/**
 * Browser mode: the built renderer and the contract over a WebSocket at /api, from one process.
 * Security (DESIGN.md "Browser mode"): bound to 127.0.0.1 only; a random per-launch token in the
 * printed link is exchanged for an HttpOnly SameSite=Strict session cookie; the Host header must be
 * the loopback name and our port (DNS rebinding); WebSocket upgrades need our own Origin and the
 * cookie (cross-site WebSocket hijacking).
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const rendererDir = resolve(options.rendererDir)
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`the renderer is not built (${join(rendererDir, 'index.html')} is missing)`)
  }
  const token = randomBytes(32).toString('base64url')
  const session = randomBytes(32).toString('base64url')
  const sockets = new Set<WebSocket>()
  let port = 0

  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`])
  const hasSession = (req: IncomingMessage) => safeEqual(cookie(req, SESSION_COOKIE), session)

  const server = createServer((req, res) => {
    try {
      if (!allowedHosts().has(req.headers.host ?? '')) return plain(res, 403, 'Forbidden: Slope only answers on 127.0.0.1.')
      const url = new URL(req.url ?? '/', `http://${req.headers.host}`)
      if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Method not allowed.')
      const given = url.searchParams.get('token')
      if (given !== null) {
        if (!safeEqual(given, token)) return plain(res, 401, 'This link’s token is not the one this launch of slope web printed. Open the link it printed (it stays valid until slope web stops).')
        url.searchParams.delete('token')
        res.writeHead(302, {
          Location: url.pathname + url.search,
          'Set-Cookie': `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`,
          'Cache-Control': 'no-store',
        })
        return res.end()
      }
      if (!hasSession(req)) return plain(res, 401, 'Open the link that slope web printed (it carries this launch’s token).')
      serveFile(rendererDir, url.pathname, res)
    } catch (e) {
      options.log?.(e)
      plain(res, 500, 'Internal error.')
    }
  })

  // A bigger message is refused by ws before it is buffered (close 1009); the page checks the
  // same limit before sending, to say so in a sentence (src-renderer/src/api.ts).
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES })
  server.on('upgrade', (req, socket, head) => {
    const host = req.headers.host ?? ''
    const url = new URL(req.url ?? '/', 'http://x')
    const ok = url.pathname === '/api' && allowedHosts().has(host) && req.headers.origin === `http://${host}` && hasSession(req)
    if (!ok) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n')
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws)
      const emit: Emit = <K extends EventName>(event: K, payload: Events[K]) => {
        if (ws.readyState === ws.OPEN) ws.send(encodeMessage({ event, payload }))
      }
      const { handlers, disconnect } = options.connect(emit)
      ws.on('close', () => {
        sockets.delete(ws)
        disconnect()
      })
      ws.on('message', (data, isBinary) => {
        // Whatever a message does, it gets an answer and the process goes on: the last resort
        // only logs (an unhandled rejection would end slope web and every run it trains).
        answer(ws, data, isBinary, handlers).catch((e: unknown) => options.log?.(e))
      })
    })
  })

  /** One request: decoded, its id checked before anything else, dispatched, answered by id. */
  async function answer(ws: WebSocket, data: unknown, isBinary: boolean, handlers: Connection['handlers']): Promise<void> {
    let id: number | string | null = null
    let envelope: Envelope<unknown>
    try {
      if (!isBinary) throw new InputError('Malformed message: text frames are not part of the protocol.', 'This looks like a bug in the caller.')
      const message = decodeFrame(data)
      id = envelopeId(message)
      const request = parseInput(requestFrameSchema, message, { input: 'the message', hint: 'This looks like a bug in the caller.' })
      envelope = await dispatch(handlers, request.method, request.args, options.log)
    } catch (e) {
      envelope = { ok: false, error: toWireError(e, options.log) }
    }
    if (ws.readyState !== ws.OPEN) return
    let reply: Uint8Array
    try {
      reply = encodeMessage({ id, envelope })
    } catch (e) {
      // A result the codec refuses (too deep, cyclic): a programming error, answered as one.
      reply = encodeMessage({ id, envelope: { ok: false, error: toWireError(e, options.log) } })
    }
    ws.send(reply)
  }

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject)
    server.listen(options.port, '127.0.0.1', () => resolveListen())
  })
  port = (server.address() as AddressInfo).port
  const url = `http://127.0.0.1:${port}/`
  return {
    url,
    port,
    loginUrl: `${url}?token=${token}`,
    async close() {
      for (const s of sockets) s.terminate()
      wss.close()
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}

function serveFile(root: string, pathname: string, res: ServerResponse): void {
  const found = resolveStaticFile(root, pathname)
  if (!found) return plain(res, 404, 'Not found.')
  res.writeHead(200, {
    'Content-Type': found.contentType,
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    // Cross-origin isolation: SharedArrayBuffer (run control of the page's WebGL worker) needs both.
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Embedder-Policy': 'require-corp',
    'Cache-Control': found.file.endsWith('.html') ? 'no-store' : 'max-age=3600',
  })
  createReadStream(found.file).pipe(res)
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-store' })
  res.end(`${text}\n`)
}

function cookie(req: IncomingMessage, name: string): string {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return ''
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** One request from the page: its id (echoed in the answer), the request's name and its arguments (checked by dispatch). */
const requestFrameSchema = z.object({
  id: z.union([z.number(), z.string().max(100)]),
  method: z.string().max(200),
  args: z.array(z.unknown()),
})

/**
 * The id a reply may echo: a finite number or a short string, else none. Checked before the rest of
 * the message, so nothing of an odd id (a deep structure, a megabyte of text) is ever re-encoded.
 */
function envelopeId(message: unknown): number | string | null {
  const id = message !== null && typeof message === 'object' ? (message as { id?: unknown }).id : undefined
  if (typeof id === 'number' && Number.isFinite(id)) return id
  if (typeof id === 'string' && id.length <= 100) return id
  return null
}

/** A frame the wire codec cannot read is the caller's mistake, said as one. */
function decodeFrame(data: unknown): unknown {
  try {
    return decodeMessage(toBytes(data))
  } catch (e) {
    throw new InputError(`Malformed message: ${(e as Error).message}.`, 'This looks like a bug in the caller.')
  }
}

function toBytes(data: unknown): Uint8Array {
  if (data instanceof Uint8Array) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data as Buffer[]))
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  throw new TypeError('unexpected frame payload')
}
