import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { InputError } from '../../src-core/errors'
import { openServices } from '../services/app-services'
import { defaultDatabasePath } from '../services/paths'
import { sourceTrainWorker } from '../services/train-worker'
import { startWebServer } from '../web/server'
import { integerOption } from './options'
import { UsageError } from './usage-error'

export const webUsage = `Usage: slope web [--port N] [--no-open] [--db PATH]

Serve Slope's interface to your browser from this machine only (127.0.0.1), with the same
database as the desktop app. Prints a link with a token valid until it stops; opens it unless --no-open.
Needs the built interface: run \`npm run web\` (builds, then starts this) in a source checkout.
`

const rendererDir = fileURLToPath(new URL('../../out/renderer/', import.meta.url))

export async function webCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { port: { type: 'string' }, 'no-open': { type: 'boolean' }, db: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  })
  if (values.help) {
    process.stdout.write(webUsage)
    return 0
  }
  if (positionals.length) throw new UsageError(`slope web takes no arguments, got "${positionals[0]}".`)
  const port = integerOption('port', values.port) ?? 0
  if (port < 0 || port > 65535) throw new UsageError('--port must be between 0 and 65535.')

  const services = openServices({ databasePath: values.db ?? defaultDatabasePath(), workerFactory: sourceTrainWorker, shell: 'web' })
  let server
  try {
    server = await startWebServer({ port, rendererDir, connect: (emit) => services.connect(emit), log: (e) => console.error(e) })
  } catch (e) {
    await services.close()
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE') throw new InputError(`Port ${port} is already in use.`, 'Choose another --port, or leave it out to pick a free one.')
    if ((e as Error).message.startsWith('the renderer is not built')) throw new InputError(`The interface is not built yet (${rendererDir} is missing).`, 'Run npm run web (it builds first), or npm run build.')
    throw e
  }
  process.stdout.write(`Slope is running at ${server.loginUrl}\n(database: ${services.appInfo.databasePath}; press Ctrl-C to stop)\n`)
  if (!values['no-open']) openBrowser(server.loginUrl)

  await new Promise<void>((resolve) => {
    const stop = () => resolve()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  await server.close()
  await services.close()
  return 0
}

function openBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]]
  try {
    const child = spawn(command as string, args as string[], { stdio: 'ignore', detached: true })
    child.on('error', () => process.stdout.write('(could not open a browser: open the link yourself)\n'))
    child.unref()
  } catch {
    process.stdout.write('(could not open a browser: open the link yourself)\n')
  }
}
