import WebSocket from 'ws'
import type { Envelope } from '../../src-core/contract'
import { decodeMessage, encodeMessage } from '../../src-core/wire-codec'

/**
 * The contract over a real `slope web`'s WebSocket from Node, logged in as the page would be (the
 * printed link traded for the session cookie, our own Origin): for specs that drive the server
 * without the UI, e.g. to kill it mid-run or send it a hostile frame.
 */
export interface SlopeClient {
  call<T = unknown>(method: string, ...args: unknown[]): Promise<Envelope<T>>
  /** Sends raw bytes and resolves with the next reply that carries an envelope. */
  sendRaw(bytes: Uint8Array): Promise<Envelope<unknown>>
  close(): void
}

export async function loginCookie(loginUrl: string): Promise<string> {
  const r = await fetch(loginUrl, { redirect: 'manual' })
  const setCookie = r.headers.get('set-cookie')
  if (!setCookie) throw new Error(`no session cookie from ${loginUrl} (HTTP ${r.status})`)
  return setCookie.split(';')[0]!
}

export async function connectSlope(loginUrl: string): Promise<SlopeClient> {
  const { host } = new URL(loginUrl)
  const cookie = await loginCookie(loginUrl)
  const ws = await new Promise<WebSocket>((resolve, reject) => {
    const socket = new WebSocket(`ws://${host}/api`, { headers: { cookie, origin: `http://${host}` } })
    socket.once('open', () => resolve(socket))
    socket.once('error', reject)
  })
  let nextId = 1
  const waitFor = (match: (m: { id?: unknown; envelope?: Envelope<unknown> }) => boolean) =>
    new Promise<Envelope<unknown>>((resolve, reject) => {
      const onMessage = (data: Buffer) => {
        const m = decodeMessage(new Uint8Array(data)) as { id?: unknown; envelope?: Envelope<unknown> }
        if (m.envelope && match(m)) {
          ws.off('message', onMessage)
          resolve(m.envelope)
        }
      }
      ws.on('message', onMessage)
      ws.once('close', () => reject(new Error('the server closed the connection')))
    })
  return {
    call<T>(method: string, ...args: unknown[]) {
      const id = nextId++
      const reply = waitFor((m) => m.id === id)
      ws.send(encodeMessage({ id, method, args }))
      return reply as Promise<Envelope<T>>
    },
    sendRaw(bytes) {
      const reply = waitFor(() => true)
      ws.send(bytes)
      return reply
    },
    close: () => ws.close(),
  }
}
