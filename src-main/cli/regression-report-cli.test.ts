import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Papa from 'papaparse'
import { describe, expect, it } from 'vitest'
import { runCli } from '../testing/run-cli'

// References: statsmodels 0.13 on resources/examples/longley.csv (OLS with a constant):
// get_robustcov_results('HC3', use_t=True).bse / conf_int(0.1), and OLSInfluence of row 1 (spreadsheet row 2).
const longley = 'resources/examples/longley.csv'
const tmp = mkdtempSync(join(tmpdir(), 'slope-report-'))
const close = (actual: number, expected: number) => expect(Math.abs(actual - expected) / Math.abs(expected)).toBeLessThan(1e-8)

describe('slope train --solver lstsq: the regression report', () => {
  it('--cov HC3 --ci-level 0.9 set the table, the model file and say which estimator was used', async () => {
    const out = join(tmp, 'model.json')
    const r = await runCli(['train', longley, '--target', 'employment', '--solver', 'lstsq', '--cov', 'HC3', '--ci-level', '0.9', '--no-db', '--out', out])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/term\s+estimate\s+std error \(HC3\)\s+t\s+p\s+90% CI\s+beta\s+VIF/)
    expect(r.stdout).toContain('standard errors: HC3 (heteroskedasticity-consistent)')
    expect(r.stdout).toContain('Breusch–Pagan (Koenker, studentized)')
    expect(r.stdout).toContain('White: skipped — its auxiliary regression has 28 terms for 16 rows')
    expect(r.stdout).toMatch(/reading: VIF \d+ for gnp: collinear with \w+/)
    const doc = JSON.parse(readFileSync(out, 'utf8'))
    expect(doc.statistics.cov_type).toBe('HC3')
    expect(doc.statistics.ci_level).toBe(0.9)
    close(doc.statistics.inference.std_errors.deflator, 91.11938645588263)
    close(doc.statistics.hc3_se.deflator, 91.11938645588263)
    close(doc.statistics.inference.ci.deflator[0], -151.97025346)
    close(doc.statistics.inference.ci.deflator[1], 182.093998)
    expect(doc.statistics.breusch_pagan.variant).toBe('koenker')
    expect(doc.statistics.covariance.terms[0]).toBe('(intercept)')
  })

  it('--diagnostics writes one row per training row with the spreadsheet row and the flags', async () => {
    const out = join(tmp, 'diagnostics.csv')
    const r = await runCli(['train', longley, '--target', 'employment', '--solver', 'lstsq', '--no-db', '--diagnostics', out, '--dfbetas'])
    expect(r.code, r.stderr).toBe(0)
    const rows = Papa.parse<Record<string, string>>(readFileSync(out, 'utf8'), { header: true, skipEmptyLines: true }).data
    expect(rows).toHaveLength(16)
    expect(rows[0]!.row).toBe('2')
    close(Number(rows[0]!.leverage), 0.4245369306248321)
    close(Number(rows[0]!.studentized_external), 1.1811117025193758)
    close(Number(rows[0]!.cooks_d), 0.14084015652317528)
    close(Number(rows[0]!.dffits), 1.0144718054517645)
    close(Number(rows[0]!.dfbetas_gnp), -0.04509454151131976)
    // Row 5 (spreadsheet row 6) has the largest Cook's D, 0.614 > 4/16.
    expect(rows[4]!.flags).toContain('cooks_d')
  })

  it('--diagnostics needs the exact fit', async () => {
    const r = await runCli(['train', longley, '--target', 'employment', '--no-db', '--diagnostics', join(tmp, 'x.csv')])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('--diagnostics needs --solver lstsq')
  })

  it('slope predict --interval: statsmodels get_prediction().conf_int() bands; none for gradient descent', async () => {
    const model = join(tmp, 'lstsq.json')
    expect((await runCli(['train', longley, '--target', 'employment', '--solver', 'lstsq', '--no-db', '--out', model])).code).toBe(0)
    const band = async (kind: string, level: string) => {
      const r = await runCli(['predict', model, longley, '--interval', kind, '--level', level])
      expect(r.code, r.stderr).toBe(0)
      const first = Papa.parse<Record<string, string>>(r.stdout, { header: true, skipEmptyLines: true }).data[0]!
      return [Number(first.lower_employment), Number(first.upper_employment)]
    }
    const [pLow, pHigh] = await band('prediction', '0.9')
    close(pLow!, 59388.67187873)
    close(pHigh!, 60722.64806172)
    const [cLow, cHigh] = await band('confidence', '0.95')
    close(cLow!, 59606.32262649)
    close(cHigh!, 60504.99731396)
    const gd = join(tmp, 'gd.json')
    expect((await runCli(['train', longley, '--target', 'employment', '--epochs', '5', '--no-db', '--out', gd])).code).toBe(0)
    const r = await runCli(['predict', gd, longley, '--interval', 'confidence'])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('fitted by gradient descent, so it has no intervals')
    expect(r.stderr).toContain('--solver lstsq')
  })
})
