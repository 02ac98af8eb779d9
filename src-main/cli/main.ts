import { appVersion } from '../app-version'
import { UsageError } from './usage-error'

// Only what every command needs is imported statically: this module's imports are loaded before
// `slope train` can start its worker, so the usage text's format list (the format readers) and the
// error sentences load when used.
const usage = async () => {
  const [{ formatListSentence }, { defaultDatabasePath }] = await Promise.all([import('../../src-core/table/formats/registry'), import('../services/paths')])
  return `slope ${appVersion} — fit linear regressions by gradient descent, with the exact fit beside them.

Usage: slope <command> [options]

Commands
  train FILE --target COL …      train a model (slope train --help for every option)
  predict MODEL.json FILE        apply an exported model to new rows
  lr FILE --target COL …         which learning rates converge, from the data, before training
  inspect FILE                   show what Slope reads from a ${formatListSentence()} file
  runs                           list saved runs
  export RUN_ID --out FILE       write a saved run's model JSON
  web                            open Slope in your browser (same database as the app)

Runs are saved in ${defaultDatabasePath()}
(--db PATH on each command, or the SLOPE_DB environment variable, chooses another file).

Examples
  slope train resources/examples/tutorial.csv --target y --lr 0.01 --epochs 50 --no-standardize
  slope train resources/examples/longley.csv --target employment --solver lstsq
`
}

type Command = (argv: string[]) => Promise<number>

// A Map, not an object literal: the command name is user input.
// Each command is loaded when it runs: `slope inspect` need not compile the training code (about
// 140 ms of the CLI's start through tsx).
const commands = new Map<string, { run: Command }>([
  [
    'train',
    {
      run: async (argv) => {
        if (argv.includes('--link')) return (await import('./linked-train-command')).linkedTrainCommand(argv)
        // The training worker starts loading on another core while this one loads the command and
        // reads the file (the tutorial's whole run is otherwise two start-ups in a row).
        if (!argv.includes('--help') && !argv.includes('-h')) (await import('../services/train-worker')).prestartTrainWorker()
        return (await import('./train-command')).trainCommand(argv)
      },
    },
  ],
  ['predict', { run: async (argv) => (await import('./predict-command')).predictCommand(argv) }],
  ['lr', { run: async (argv) => (await import('./lr-command')).lrCommand(argv) }],
  ['inspect', { run: async (argv) => (await import('./inspect-command')).inspectCommand(argv) }],
  ['runs', { run: async (argv) => (await import('./runs-command')).runsCommand(argv) }],
  ['export', { run: async (argv) => (await import('./runs-command')).exportCommand(argv) }],
  ['web', { run: async (argv) => (await import('./web-command')).webCommand(argv) }],
])

/**
 * Runs one CLI invocation and returns the exit status: 0 ok, 1 bad input (file, cell, setting),
 * 2 usage. Errors print one line, `error: <what> <what to do>`; stack traces only with SLOPE_DEBUG=1.
 */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(await usage())
    return name === undefined ? 2 : 0
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${appVersion}\n`)
    return 0
  }
  const command = commands.get(name)
  if (!command) {
    process.stderr.write(`error: unknown command "${name}". Run slope --help for the list.\n`)
    return 2
  }
  try {
    return await command.run(rest)
  } catch (e) {
    // The sentence's fix names flags from the settings table (zod and all): loaded only for an error,
    // so that `slope --help` and a run that succeeds never compile it.
    const [{ cliSentence }, { isInputError }] = await Promise.all([import('./fix-flags'), import('../../src-core/errors')])
    if (isInputError(e)) {
      process.stderr.write(`error: ${cliSentence(e)}\n`)
      return 1
    }
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      // node:util parseArgs explains over several lines; the contract is one line.
      const message = (e as Error).message.replace(/\s*\n\s*/g, ' ')
      process.stderr.write(`error: ${message} See slope ${name} --help.\n`)
      return 2
    }
    // A full or read-only disk met somewhere no service words it (a log, a temp file): still the
    // user's situation to fix, not a bug to report.
    const errno = e as NodeJS.ErrnoException
    if (errno.code === 'ENOSPC' || errno.code === 'EDQUOT' || errno.code === 'EROFS') {
      const { writeError } = await import('../services/atomic-write')
      const mapped = writeError(errno.path ?? 'a file', errno)
      if (isInputError(mapped)) {
        process.stderr.write(`error: ${cliSentence(mapped)}\n`)
        return 1
      }
    }
    process.stderr.write(`error: internal error: ${(e as Error).message ?? String(e)} — please report this (rerun with SLOPE_DEBUG=1 for details).\n`)
    if (process.env.SLOPE_DEBUG === '1') process.stderr.write(`${(e as Error).stack}\n`)
    return 70
  }
}
