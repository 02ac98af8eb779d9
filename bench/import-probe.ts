// One import in a fresh process, for bench/suites/import.ts: prints time, rows and memory as JSON.
// Usage: npx tsx bench/import-probe.ts FILE [general]   ("general": the numeric fast path off)
import { importFile } from '../src-main/services/import-file'

const [path, mode] = process.argv.slice(2)
const baselineRss = process.memoryUsage().rss
const started = performance.now()
const file = await importFile(path!, { fastPath: mode !== 'general' })
const ms = performance.now() - started
process.stdout.write(
  `${JSON.stringify({
    ms,
    rows: file.rows,
    columns: file.table.columnCount,
    fastPath: file.fastPath,
    baselineRss,
    peakRss: process.resourceUsage().maxRSS * 1024, // maxRSS is in KiB
    firstMean: file.columns[0]!.stats!.mean,
  })}\n`,
)
