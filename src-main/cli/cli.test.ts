import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../testing/run-cli'

const tutorial = 'resources/examples/tutorial.csv'
const longley = 'resources/examples/longley.csv'
const tmp = mkdtempSync(join(tmpdir(), 'slope-cli-'))

describe('slope train', () => {
  it('passes every optimizer flag into the run, with torch.optim’s per-optimizer defaults', async () => {
    const cases: [string[], Record<string, unknown>][] = [
      [['--optimizer', 'rmsprop', '--alpha', '0.9', '--centered', '--momentum', '0.5', '--eps', '1e-6', '--weight-decay', '0.01'], { optimizer: 'rmsprop', alpha: 0.9, centered: true, momentum: 0.5, eps: 1e-6, weightDecay: 0.01 }],
      [['--optimizer', 'adagrad', '--lr-decay', '0.1', '--initial-accumulator', '0.2'], { optimizer: 'adagrad', lrDecay: 0.1, initialAccumulator: 0.2, eps: 1e-10, weightDecay: 0 }],
      [['--optimizer', 'adamw', '--amsgrad', '--beta1', '0.8'], { optimizer: 'adamw', amsgrad: true, beta1: 0.8, weightDecay: 0.01, eps: 1e-8 }],
      [['--optimizer', 'adam', '--amsgrad'], { optimizer: 'adam', amsgrad: true, weightDecay: 0 }],
    ]
    for (const [flags, expected] of cases) {
      const r = await runCli(['train', tutorial, '--target', 'y', '--epochs', '5', '--lr', '0.05', '--no-db', '--json', ...flags])
      expect(r.code, r.stderr).toBe(0)
      const doc = JSON.parse(r.stdout)
      expect(doc.model.training.config).toMatchObject(expected)
      expect(doc.history.loss).toHaveLength(5)
    }
  })

  it('slope lr prints the oracle’s figures; --json is exact.curvature of slope train --json', async () => {
    const lr = await runCli(['lr', tutorial, '--target', 'y', '--no-standardize', '--json'])
    expect(lr.code, lr.stderr).toBe(0)
    const report = JSON.parse(lr.stdout)
    const train = await runCli(['train', tutorial, '--target', 'y', '--no-standardize', '--epochs', '3', '--no-db', '--json'])
    const { observed: _observed, ...predicted } = JSON.parse(train.stdout).exact.curvature['epochs_to_1e-6']
    expect(report).toEqual({ ...JSON.parse(train.stdout).exact.curvature, 'epochs_to_1e-6': { ...predicted, observed: null } })
    const text = await runCli(['lr', tutorial, '--target', 'y', '--no-standardize'])
    expect(text.stdout).toMatch(/lr_max_stable\s+0\.0231\s+full-batch SGD converges below this rate/)
    const adam = await runCli(['lr', tutorial, '--target', 'y', '--optimizer', 'adam', '--json'])
    expect(JSON.parse(adam.stdout)).toMatchObject({ lr_max_stable: null, lambda_max: 2 })
  })

  it('--help lists every optimizer and each hyperparameter with the optimizers that read it', async () => {
    const r = await runCli(['train', '--help'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('--optimizer sgd|adam|adamw|rmsprop|adagrad')
    expect(r.stdout).toMatch(/--alpha A\s+decay of the running mean of squared gradients \(default 0\.99\) \[RMSprop\]/)
    expect(r.stdout).toMatch(/--eps E\s+added to the denominator for numerical stability \(default 1e-8; Adagrad\s+1e-10\)/)
  })

  it('behaves like the tutorial loop: one line per epoch, then a summary', async () => {
    const r = await runCli(['train', tutorial, '--target', 'y', '--lr', '0.01', '--epochs', '50', '--no-standardize'])
    expect(r.code).toBe(0)
    const lines = r.stdout.split('\n')
    expect(lines[0]).toBe('epoch: 0, loss: 5.946703')
    expect(lines[1]).toBe('epoch: 1, loss: 0.3378181') // hand check: one step of lr 0.01 from 0
    expect(lines.filter((l) => l.startsWith('epoch: ')).length).toBe(50)
    expect(r.stdout).toContain('completed 50 epochs on 15 training rows')
    expect(r.stdout).toMatch(/exact least squares: loss 0\.1689153/)
  })

  it('--solver lstsq prints coefficients with statistics (Longley, NIST certified)', async () => {
    const r = await runCli(['train', longley, '--target', 'employment', '--solver', 'lstsq'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/\(intercept\)\s+-3482259\s+890420\.4/)
    expect(r.stdout).toMatch(/year\s+1829\.151\s+455\.4785/)
    expect(r.stdout).toContain('residual sd 304.8541 on 9 degrees of freedom')
    expect(r.stdout).toContain('F 330.2853 on 6 and 9 df')
  })

  it('--json prints one document with run, history, model and timing', async () => {
    const r = await runCli(['train', tutorial, '--target', 'y', '--epochs', '5', '--json'])
    expect(r.code).toBe(0)
    const doc = JSON.parse(r.stdout)
    expect(doc.run).toMatchObject({ status: 'completed', diverged_at: null, epochs_run: 5 })
    expect(Number.isInteger(doc.run.id)).toBe(true)
    expect(doc.history.loss).toHaveLength(5)
    expect(doc.history.val_loss).toBeNull()
    expect(doc.model.format).toBe('slope-linear-model')
    expect(doc.model.coefficients).toHaveProperty('x')
    expect(doc.timing.train_ms).toBeGreaterThan(0)
    expect(doc.timing).toHaveProperty('load_ms')
    expect(doc.timing).toHaveProperty('epochs_per_s')
  })

  it('a diverging run exits 0 with status diverged and the epoch', async () => {
    const r = await runCli(['train', tutorial, '--target', 'y', '--lr', '1', '--epochs', '5000', '--no-standardize', '--json'])
    expect(r.code).toBe(0)
    const doc = JSON.parse(r.stdout)
    expect(doc.run.status).toBe('diverged')
    expect(doc.run.diverged_at).toBeGreaterThan(0)
    // Still finite, but past 1e10× its first value: the growth rule fired, and that epoch is kept.
    const loss: number[] = doc.history.loss
    expect(loss).toHaveLength(doc.run.diverged_at + 1)
    expect(loss[doc.run.diverged_at]!).toBeGreaterThan(1e10 * loss[0]!)
    expect(doc.model).toBeNull()
    // The oracle says why: lr 1 is past the largest stable rate 2/λmax of the raw tutorial data.
    expect(doc.exact.curvature.lr_max_stable).toBeCloseTo(0.0231, 3)
    expect(doc.exact.curvature['epochs_to_1e-6'].predicted).toBeNull()
  })

  it('--out writes a model that slope predict applies', async () => {
    const model = join(tmp, 'model.json')
    const out = join(tmp, 'pred.csv')
    const t = await runCli(['train', tutorial, '--target', 'y', '--solver', 'lstsq', '--out', model])
    expect(t.code).toBe(0)
    const doc = JSON.parse(readFileSync(model, 'utf8'))
    const p = await runCli(['predict', model, tutorial, '--out', out])
    expect(p.code).toBe(0)
    expect(p.stderr).toContain('predicted 15 of 15 rows')
    const lines = readFileSync(out, 'utf8').trim().split('\n')
    expect(lines[0]).toBe('row,x,y,predicted_y')
    const [row, x, , predicted] = lines[1]!.split(',').map(Number)
    expect(row).toBe(2)
    expect(predicted).toBeCloseTo(doc.intercept + doc.coefficients.x * x!, 12)
  })
})

describe('slope errors: one line, exit 1 for input, 2 for usage, never a stack trace', () => {
  const cases: [string, string[], number, RegExp][] = [
    ['missing file', ['train', 'nope.csv', '--target', 'y'], 1, /^error: File not found: nope\.csv\. Check the path/],
    ['unknown target', ['train', tutorial, '--target', 'z'], 1, /^error: There is no column "z" in tutorial\.csv\. Numeric columns are: "x", "y"\./],
    ['negative value without =', ['train', tutorial, '--target', 'y', '--lr', '-1'], 2, /^error: Option '--lr' argument is ambiguous\. .* use '--lr=-XYZ'/],
    ['bad learning rate', ['train', tutorial, '--target', 'y', '--lr=-1'], 1, /^error: The learning rate must be greater than 0 \(--lr\)\./],
    ['not a number', ['train', tutorial, '--target', 'y', '--lr', 'fast'], 2, /^error: --lr needs a number, got "fast"\./],
    ['unknown option', ['train', tutorial, '--target', 'y', '--speed', '3'], 2, /^error: Unknown option '--speed'/],
    ['no target', ['train', tutorial], 2, /^error: slope train needs --target COL/],
    ['unknown command', ['fly'], 2, /^error: unknown command "fly"/],
    ['nesterov without momentum', ['train', tutorial, '--target', 'y', '--nesterov'], 1, /Nesterov momentum needs a momentum above 0/],
    ['early stopping without validation', ['train', tutorial, '--target', 'y', '--early-stopping', '5'], 1, /needs a validation split/],
    ['wrong number of initial weights', ['train', longley, '--target', 'employment', '--init-weights', '1,2'], 1, /2 initial weights given for 6 features/],
    ['alpha out of range', ['train', tutorial, '--target', 'y', '--optimizer', 'rmsprop', '--alpha', '1'], 1, /^error: Alpha must be at least 0 and below 1 \(--alpha\)\./],
    ['unknown optimizer', ['train', tutorial, '--target', 'y', '--optimizer', 'lion'], 2, /^error: --optimizer must be one of sgd, adam, adamw, rmsprop, adagrad; got "lion"\./],
    ['an empty run name', ['train', tutorial, '--target', 'y', '--no-db', '--name', ''], 1, /^error: [^\n]*name[^\n]*\n?$/i],
    ['webgl on the command line', ['train', tutorial, '--target', 'y', '--backend', 'webgl'], 1, /WebGL backend needs a browser/],
  ]
  for (const [name, args, code, pattern] of cases) {
    it(name, async () => {
      const r = await runCli(args)
      expect(r.code).toBe(code)
      expect(r.stderr).toMatch(pattern)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(r.stderr).not.toMatch(/\n\s+at /)
    })
  }

  it('a cell with text names file, row and column', async () => {
    const file = join(tmp, 'bad.csv')
    writeFileSync(file, 'x,y\n1,2\n2,n/a\n3,4\n4,5\n')
    const r = await runCli(['train', file, '--target', 'y'])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe('error: Column "y" has text where a number belongs ("n/a") (bad.csv, row 3). Choose --missing drop or --missing mean, or fix the cell.\n')
    const ok = await runCli(['train', file, '--target', 'y', '--missing', 'drop', '--epochs', '3'])
    expect(ok.code).toBe(0)
    expect(ok.stdout).toContain('dropped 1 rows with missing values')
  })
})
