/**
 * `npm run bench:readme`: writes the tables of bench/results/latest.json into README's Performance
 * section (between its `<!-- bench:rows -->` and `<!-- bench:goals -->` markers). Only a whole run
 * is accepted — every suite, not --quick — so README's figures and their baselines always come
 * from one `npm run bench`.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { goals } from './goals'
import { readmeWithTables, type BenchResult } from './readme-tables'

const root = fileURLToPath(new URL('../', import.meta.url))
const latest = join(root, 'bench/results/latest.json')
if (!existsSync(latest)) {
  console.error('error: bench/results/latest.json does not exist. Run `npm run bench` first.')
  process.exit(1)
}
const result = JSON.parse(readFileSync(latest, 'utf8')) as BenchResult
const ran = new Set(result.rows.map((r) => r.suite))
const missing = [...new Set(goals.map((g) => g.suite))].filter((s) => !ran.has(s))
if (result.quick || missing.length > 0) {
  const why = result.quick ? 'it is a --quick run' : `it lacks the suite${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`
  console.error(`error: bench/results/latest.json (${result.started}) is not a whole run: ${why}. Run \`npm run bench\` (every suite, full sizes) and then this again.`)
  process.exit(1)
}
const readme = join(root, 'README.md')
writeFileSync(readme, readmeWithTables(readFileSync(readme, 'utf8'), result))
console.log(`README.md: performance tables written from the run of ${result.started} (${result.rows.length} rows)`)
