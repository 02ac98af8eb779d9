import { inputSize, linkThresholdBytes } from '../linked/link-threshold'
import { formatNumber } from './format'

/**
 * Whether `slope train` / `slope predict` link FILE (read in place through DuckDB) or import it:
 * `--link` links, `--import` imports, otherwise a glob or a file over `linkThresholdBytes()` is
 * linked. A decision the user did not spell out is said in one stderr line, so that a run that
 * suddenly reads in place (or holds a big file in memory) is never a surprise.
 */
export async function linkOrImport(path: string, forceImport: boolean, forceLink = false): Promise<{ link: boolean }> {
  if (forceLink) {
    process.stderr.write(`linked (--link): ${path} is read in place through DuckDB, in chunks\n`)
    return { link: true }
  }
  const size = await inputSize(path)
  const threshold = linkThresholdBytes()
  const over = size !== null && (size.glob || size.sizeBytes > threshold)
  if (forceImport) {
    if (over) process.stderr.write(`imported (--import): ${path} is read into memory although it is over the ${formatBytes(threshold)} link threshold\n`)
    return { link: false }
  }
  if (over) process.stderr.write(`linked (${size.glob ? 'a glob' : `${formatBytes(size.sizeBytes)}, over the ${formatBytes(threshold)} link threshold`}; --import reads it into memory): ${path} is read in place through DuckDB, in chunks\n`)
  return { link: over }
}

function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${formatNumber(bytes / 1e9)} GB` : bytes >= 1e6 ? `${formatNumber(bytes / 1e6)} MB` : `${bytes.toLocaleString('en-US')} bytes`
}
