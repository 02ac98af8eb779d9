import { request as httpRequest } from 'node:http'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { Envelope, RunSummary } from '../../src-core/contract'
import { decodeMessage, encodeMessage } from '../../src-core/wire-codec'
import { tutorialUpload } from '../testing/datasets'
import { tempDir } from '../testing/temp'
import { openServices, type AppServices } from '../services/app-services'
import { sourceTrainWorker } from '../services/train-worker'
import { startWebServer, type WebServer } from './server'

const dir = tempDir()
const renderer = join(dir, 'renderer')
mkdirSync(join(renderer, 'assets'), { recursive: true })
writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Slope</title>')
writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)')
writeFileSync(join(dir, 'secret.txt'), 'outside the renderer')

let services: AppServices
let server: WebServer
let cookie = ''

beforeAll(async () => {
  services = openServices({ databasePath: join(dir, 'web.db'), workerFactory: sourceTrainWorker, shell: 'web', poolSize: 2 })
  server = await startWebServer({ port: 0, rendererDir: renderer, connect: (emit) => services.connect(emit), log: () => {} })
  const token = new URL(server.loginUrl).searchParams.get('token')!
  cookie = String((await get(`/?token=${token}`)).headers['set-cookie']).split(';')[0]!
})
afterAll(async () => {
  await server.close()
  await services.close()
})

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

function get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, headers: { host: `127.0.0.1:${server.port}`, ...headers } }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (d: string) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

function connect(headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api`, { headers })
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    ws.once('error', reject)
  })
}

let nextId = 1
function call(ws: WebSocket, method: unknown, args: unknown): Promise<Envelope<unknown>> {
  const id = nextId++
  return new Promise((resolve) => {
    const onMessage = (data: Buffer) => {
      const m = decodeMessage(new Uint8Array(data)) as { id?: number; envelope?: Envelope<unknown> }
      if (m.id === id) {
        ws.off('message', onMessage)
        resolve(m.envelope!)
      }
    }
    ws.on('message', onMessage)
    ws.send(encodeMessage({ id, method, args }))
  })
}

const origin = () => `http://127.0.0.1:${server.port}`

describe('browser mode HTTP', () => {
  it('listens on 127.0.0.1 only and prints a login link with a token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`)
    expect(server.loginUrl).toMatch(/\?token=[A-Za-z0-9_-]{43}$/)
  })

  it('without the token or the session cookie: 401', async () => {
    expect((await get('/')).status).toBe(401)
    expect((await get('/?token=guess')).status).toBe(401)
    expect((await get('/', { cookie: 'slope_session=guess' })).status).toBe(401)
  })

  it('the token buys an HttpOnly, SameSite=Strict session cookie and a redirect that drops it from the URL', async () => {
    const token = new URL(server.loginUrl).searchParams.get('token')!
    const r = await get(`/?token=${token}`)
    expect(r.status).toBe(302)
    expect(r.headers.location).toBe('/')
    const setCookie = String(r.headers['set-cookie'])
    expect(setCookie).toMatch(/^slope_session=[A-Za-z0-9_-]+; HttpOnly; SameSite=Strict; Path=\//)
    expect(setCookie.split(';')[0]).toBe(cookie)
    const page = await get('/', { cookie })
    expect(page.status).toBe(200)
    expect(page.body).toContain('<title>Slope</title>')
    expect(page.headers['content-security-policy']).toContain("script-src 'self'")
    expect((await get('/assets/app.js', { cookie })).headers['content-type']).toContain('text/javascript')
  })

  it('the token is per launch, not one-time: a second visit with it signs in again; without it, the sign-in sentence', async () => {
    const token = new URL(server.loginUrl).searchParams.get('token')!
    const again = await get(`/?token=${token}`)
    expect(again.status).toBe(302)
    expect(String(again.headers['set-cookie']).split(';')[0]).toBe(cookie)
    const refused = await get('/')
    expect(refused.body).toBe('Open the link that slope web printed (it carries this launch’s token).\n')
    expect(refused.body).not.toContain('one-time')
  })

  it('a Host that is not our loopback name and port is refused (DNS rebinding)', async () => {
    expect((await get('/', { cookie, host: `evil.example:${server.port}` })).status).toBe(403)
    expect((await get('/', { cookie, host: '127.0.0.1:1' })).status).toBe(403)
    expect((await get('/', { cookie, host: `localhost:${server.port}` })).status).toBe(200)
  })

  it('serves nothing outside the built renderer', async () => {
    expect((await get('/%2e%2e/secret.txt', { cookie })).status).toBe(404)
    expect((await get('/..%2fsecret.txt', { cookie })).status).toBe(404)
    expect((await get('/%00', { cookie })).status).toBe(404)
  })
})

describe('browser mode WebSocket RPC', () => {
  it('refuses upgrades without the session cookie or from another origin', async () => {
    await expect(connect({ origin: origin() })).rejects.toThrow('HTTP 403')
    await expect(connect({ cookie, origin: 'http://evil.example' })).rejects.toThrow('HTTP 403')
    await expect(connect({ cookie })).rejects.toThrow('HTTP 403')
  })

  it('answers contract requests, and rejects malformed ones with a clear error', async () => {
    const ws = await connect({ cookie, origin: origin() })
    const info = await call(ws, 'app.info', [])
    expect(info).toMatchObject({ ok: true, value: { name: 'Slope', shell: 'web' } })
    expect(await call(ws, 'fs.readFile', ['/etc/passwd'])).toMatchObject({ ok: false, error: { inputError: true, message: 'Unknown request "fs.readFile".' } })
    const bad = await call(ws, 'runs.get', ['1; DROP TABLE runs'])
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(bad.error).toMatchObject({ inputError: true, message: 'Invalid input: expected number, received string (argument 1 of runs.get).' })
    const badUpload = await call(ws, 'datasets.import', [{ ...tutorialUpload(), columns: [[1, 2, 3]] }])
    if (!badUpload.ok) expect(badUpload.error.message).toBe('Must be a Float64Array (columns[0] in datasets.import).')
    expect(badUpload.ok).toBe(false)
    const garbage = await new Promise<Envelope<unknown>>((resolve) => {
      ws.once('message', (d: Buffer) => resolve((decodeMessage(new Uint8Array(d)) as { envelope: Envelope<unknown> }).envelope))
      ws.send(Buffer.from([1, 2, 3]))
    })
    expect(garbage).toMatchObject({ ok: false, error: { message: expect.stringMatching(/^Malformed message/) } })
    const noMethod = await new Promise<Envelope<unknown>>((resolve) => {
      ws.once('message', (d: Buffer) => resolve((decodeMessage(new Uint8Array(d)) as { envelope: Envelope<unknown> }).envelope))
      ws.send(encodeMessage({ id: 77, args: [] }))
    })
    expect(noMethod).toMatchObject({ ok: false, error: { inputError: true, message: 'A value is required (method in the message).' } })
    // still serving after all that
    expect((await call(ws, 'datasets.list', [])).ok).toBe(true)
    ws.close()
  })

  it('a message whose id is nested 2,000 levels deep (4 KB) gets an error answer, and the same server then trains a run', async () => {
    const ws = await connect({ cookie, origin: origin() })
    const json = new TextEncoder().encode(`{"id":${'['.repeat(2000)}1${']'.repeat(2000)},"method":"app.info","args":[]}`)
    const frame = new Uint8Array(4 + json.byteLength)
    new DataView(frame.buffer).setUint32(0, json.byteLength, true)
    frame.set(json, 4)
    expect(frame.byteLength).toBeGreaterThan(4000)
    const reply = await new Promise<{ id: unknown; envelope: Envelope<unknown> }>((resolve) => {
      ws.once('message', (d: Buffer) => resolve(decodeMessage(new Uint8Array(d)) as { id: unknown; envelope: Envelope<unknown> }))
      ws.send(frame)
    })
    expect(reply).toEqual({ id: null, envelope: { ok: false, error: expect.objectContaining({ inputError: true, message: 'Malformed message: wire codec: message nested deeper than 64 levels.' }) } })
    // An id that decodes but is not a number or a short string is never echoed.
    const odd = await new Promise<{ id: unknown; envelope: Envelope<unknown> }>((resolve) => {
      ws.once('message', (d: Buffer) => resolve(decodeMessage(new Uint8Array(d)) as { id: unknown; envelope: Envelope<unknown> }))
      ws.send(encodeMessage({ id: { a: [[[1]]] }, method: 'app.info', args: [] }))
    })
    expect(odd.id).toBeNull()
    expect(odd.envelope.ok).toBe(false)
    const datasetId = ((await call(ws, 'datasets.import', [tutorialUpload('after the deep id')])) as Envelope<{ id: number }>)
    expect(datasetId.ok).toBe(true)
    const started = (await call(ws, 'training.start', [{ datasetId: datasetId.ok ? datasetId.value.id : 0, target: 'y', config: { epochs: 50 } }])) as Envelope<{ runId: number }>
    expect(started.ok).toBe(true)
    expect((await services.training.waitFor(started.ok ? started.value.runId : 0)).status).toBe('completed')
    ws.close()
  })

  it('imports data, trains, and pushes progress and run changes to the page', async () => {
    const ws = await connect({ cookie, origin: origin() })
    const imported = (await call(ws, 'datasets.import', [tutorialUpload()])) as Envelope<{ id: number }>
    expect(imported.ok).toBe(true)
    const datasetId = imported.ok ? imported.value.id : 0
    const events: { event: string; payload: { runId?: number; from?: number; loss?: Float64Array } }[] = []
    ws.on('message', (d: Buffer) => {
      const m = decodeMessage(new Uint8Array(d)) as { event?: string; payload?: never }
      if (m.event) events.push({ event: m.event, payload: m.payload! })
    })
    const started = (await call(ws, 'training.start', [{ datasetId, target: 'y', config: { epochs: 300, standardize: false } }])) as Envelope<{ runId: number }>
    expect(started.ok).toBe(true)
    const runId = started.ok ? started.value.runId : 0
    const finished = await services.training.waitFor(runId)
    expect(finished.error).toBeNull()
    // The pushes are in flight when the run finishes: wait for the last one, not a fixed time.
    const progress = () => events.filter((e) => e.event === 'training.progress' && e.payload.runId === runId)
    await expect.poll(() => progress().reduce((n, e) => n + e.payload.loss!.length, 0), { timeout: 20_000, interval: 10 }).toBe(300)
    expect(progress()[0]!.payload.loss).toBeInstanceOf(Float64Array)
    expect(progress()[0]!.payload.loss![0]).toBeCloseTo(5.9467032, 12)
    expect(events.some((e) => e.event === 'runs.changed')).toBe(true)
    const startedEvent = events.find((e) => e.event === 'training.started' && e.payload.runId === runId) as unknown as { payload: { info: { exact: { available: boolean; trainLoss: number } } } }
    expect(startedEvent.payload.info.exact).toMatchObject({ available: true, trainLoss: expect.closeTo(0.1689153, 6) })
    const detail = (await call(ws, 'runs.get', [runId])) as Envelope<{ loss: Float64Array; status: string }>
    expect(detail.ok && detail.value.loss.length).toBe(300)
    ws.close()
  })

  it('lists runs consistently while many runs train', async () => {
    const ws = await connect({ cookie, origin: origin() })
    const datasetId = ((await call(ws, 'datasets.list', [])) as Envelope<{ id: number }[]>).ok ? services.store.listDatasets()[0]!.id : 0
    const ids: number[] = []
    for (let i = 0; i < 6; i++) {
      const r = (await call(ws, 'training.start', [{ datasetId, target: 'y', config: { epochs: 200_000, learningRate: 0.001 * (i + 1) } }])) as Envelope<{ runId: number }>
      if (r.ok) ids.push(r.value.runId)
    }
    const seen = new Map<number, number>()
    let lists = 0
    while (!ids.every((id) => ['completed', 'failed', 'cancelled', 'diverged'].includes(services.store.getRunSummary(id).status))) {
      const listed = (await call(ws, 'runs.list', [{}])) as Envelope<RunSummary[]>
      expect(listed.ok).toBe(true)
      if (!listed.ok) break
      lists++
      for (const id of ids) {
        const run = listed.value.find((r) => r.id === id)!
        expect(run).toBeDefined()
        expect(run.epochsRun).toBeGreaterThanOrEqual(seen.get(id) ?? 0) // history only grows
        seen.set(id, run.epochsRun)
      }
      await new Promise((r) => setTimeout(r, 5))
    }
    expect(lists).toBeGreaterThan(3)
    expect(ids.map((id) => services.store.getRunSummary(id).status)).toEqual(ids.map(() => 'completed'))
    ws.close()
  })
})
