import { InputError } from '../../errors'
import type { BackendData, ComputeBackend, DataSet, Precision } from '../backend'
import { contextLostDuringRun, unavailableError, withCpuFallback } from './capability'
import { forgetWebglDevice, sharedWebglDevice, type WebglDevice } from './device'
import { FAN, fullViewportVertexShader, productShader, reduceShader, residualShader, type ShaderShape } from './shaders'
import { createProgram, createTexelBuffer, deleteTexelBuffer, extent, uploadTexels, type Program, type TexelBuffer, type TexelFormat } from './textures'

/**
 * WebGL2 backend: the data live in RGBA32F textures (four features of one row per texel),
 * uploaded once per run; each `lossAndGradient` is a residual pass, a product pass and
 * ⌈log₁₆ m⌉ − 1 reduction passes (shaders.ts), then ONE readPixels of ⌈d/4⌉ + 1 texels: the
 * d gradient sums, Σr and Σr². That readback is the step's only GPU→CPU traffic; the optimizer
 * runs on the CPU in double (train-loop.ts), which keeps torch.optim's semantics exact.
 *
 * Accuracy (f32 throughout, unit roundoff u = 2⁻²⁴ ≈ 6.0e-8, assuming IEEE-rounded f32 adds and
 * multiplies, as SwiftShader and desktop GPUs do):
 * - each residual r_i = (b − y_i) + Σ_j x_ij w_j carries an error of at most
 *   γ_{d+1}·(|b| + |y_i| + Σ_j |x_ij w_j|), γ_k = ku/(1 − ku) (Higham, "Accuracy and Stability of
 *   Numerical Algorithms", 2nd ed., §3.1) — large relative to r_i only when the prediction and y
 *   nearly cancel against large terms (raw features far from 0: standardize);
 * - the sums over m rows are pairwise with tree depth L = 4·⌈log₁₆ m⌉ (< log₂ m + 4), so a
 *   computed Σ t_i errs by at most γ_L·Σ|t_i| (Higham §4.2): for a million rows L = 20 and
 *   γ_20 ≈ 1.2e-6 relative for Σr², against γ_{m−1} ≈ 6e-2 for a plain running f32 sum.
 * The CPU backend accumulates in double; the difference shows in the conformance tolerances
 * (e2e/webgl) and is documented in README ("WebGL backend").
 */
export interface WebglTraffic {
  /** lossAndGradient / loss calls. */
  evaluations: number
  draws: number
  /** readPixels calls and the bytes they returned. */
  readbacks: number
  bytesRead: number
  /** Row orders uploaded (one per mini-batch epoch) and all bytes uploaded (data + orders). */
  orderUploads: number
  bytesUploaded: number
}

interface GpuDataSet {
  rows: number
  features: TexelBuffer
  targets: TexelBuffer
}

const UNIT = { features: 0, targets: 1, rowOrder: 2, residuals: 3, partials: 4 } as const

export class WebglBackend implements ComputeBackend {
  readonly name = 'webgl'
  readonly precision: Precision = 'f32'
  readonly traffic: WebglTraffic = { evaluations: 0, draws: 0, readbacks: 0, bytesRead: 0, orderUploads: 0, bytesUploaded: 0 }

  private device: WebglDevice | null
  private features = 0
  private groups = 0
  private train: GpuDataSet | null = null
  private validation: GpuDataSet | null = null
  private order: TexelBuffer | null = null
  private ordered = false
  private residuals: TexelBuffer | null = null
  private partials: [TexelBuffer, TexelBuffer] | null = null
  private programs: { residual: Program; product: Program; reduce: Program } | null = null
  private weights = new Float32Array(0)
  private readback = new Float32Array(0)
  /** Every texture this backend allocated, so `dispose` frees them even after a failed `load`. */
  private buffers: TexelBuffer[] = []

  /** Without a device, `load` opens the thread's shared one and fails with the reason if it cannot. */
  constructor(device?: WebglDevice) {
    this.device = device ?? null
  }

  async load(train: BackendData, validation: BackendData | null): Promise<void> {
    if (!this.device) {
      const opened = sharedWebglDevice()
      if (!opened.ok) throw unavailableError(opened.unavailable)
      this.device = opened.device
    }
    const device = this.device
    const { gl, info } = device
    if (gl.isContextLost()) throw contextLostDuringRun()
    const d = train.features
    if (d > info.maxFeatures) {
      throw new InputError(`This GPU's WebGL computes models of at most ${info.maxFeatures} features; this one has ${d}.`, withCpuFallback('Choose fewer features'))
    }
    this.features = d
    this.groups = Math.max(1, Math.ceil(d / 4))
    const maxRows = Math.max(train.rows, validation?.rows ?? 0)
    for (const set of validation ? [train, validation] : [train]) {
      if (set.rows * this.groups > info.maxTexels) {
        throw new InputError(
          `${set.rows.toLocaleString('en-US')} rows × ${d} features do not fit this GPU's WebGL textures (at most ${Math.floor(info.maxTexels / this.groups).toLocaleString('en-US')} rows at ${d} features).`,
          withCpuFallback('Use fewer rows or features'),
        )
      }
    }

    this.train = this.upload(train)
    this.validation = validation && this.upload(validation)
    this.order = this.allocate('r32ui', train.rows, false)
    this.residuals = this.allocate('r32f', maxRows, true)
    // The product pass writes the largest level: ⌈rows/FAN⌉ blocks of (groups + 1) texels.
    const partialTexels = Math.ceil(maxRows / FAN) * (this.groups + 1)
    this.partials = [this.allocate('rgba32f', partialTexels, true), this.allocate('rgba32f', partialTexels, true)]
    this.programs = this.compile({ groups: this.groups, log2RowTexels: device.log2RowTexels })
    this.weights = new Float32Array(4 * this.groups)
    this.readback = new Float32Array(4 * (this.groups + 1))

    if (gl.isContextLost()) throw contextLostDuringRun()
  }

  setOrder(order: Uint32Array | null): void {
    this.ordered = order !== null
    if (!order) return
    const device = this.require(this.device)
    const buffer = this.require(this.order)
    // Re-uploaded on every call: the loop reshuffles the same array in place each epoch.
    uploadTexels(device, buffer, 'r32ui', order, order.length)
    this.traffic.orderUploads++
    this.traffic.bytesUploaded += order.byteLength
  }

  lossAndGradient(params: Float64Array, start: number, end: number, grad: Float64Array): number {
    const data = this.require(this.train)
    const m = end - start
    if (!(m > 0 && start >= 0 && end <= data.rows)) throw new RangeError(`WebglBackend: rows [${start}, ${end}) outside 0…${data.rows}`)
    const sums = this.evaluate(data, params, start, m, this.ordered, this.groups + 1)
    const d = this.features
    const lossGroup = 4 * this.groups
    // d/dθ mean(r²) = (2/m) Σ r ∂r/∂θ; feature j's sum is float j of the readback (4 per texel).
    const scale = 2 / m
    for (let j = 0; j < d; j++) grad[j] = sums[j]! * scale
    grad[d] = sums[lossGroup]! * scale
    return sums[lossGroup + 1]! / m
  }

  loss(params: Float64Array, set: DataSet): number {
    const data = this.require(set === 'train' ? this.train : this.validation)
    const sums = this.evaluate(data, params, 0, data.rows, false, 1)
    return sums[1]! / data.rows
  }

  dispose(): void {
    const device = this.device
    if (device) {
      const { gl } = device
      for (const buffer of this.buffers) deleteTexelBuffer(gl, buffer)
      for (const p of Object.values(this.programs ?? {})) gl.deleteProgram(p.program)
    }
    this.buffers = []
    this.train = this.validation = this.order = this.residuals = this.partials = this.programs = null
  }

  /** Runs the passes over `m` slots from `start` and reads back `outGroups` texels of sums. */
  private evaluate(data: GpuDataSet, params: Float64Array, start: number, m: number, ordered: boolean, outGroups: number): Float32Array {
    const device = this.require(this.device)
    const { gl } = device
    const programs = this.require(this.programs)
    const residuals = this.require(this.residuals)
    let [source, target] = this.require(this.partials)
    const d = this.features
    for (let j = 0; j < d; j++) this.weights[j] = params[j]!
    this.traffic.evaluations++

    const { residual, product, reduce } = programs
    gl.useProgram(residual.program)
    this.bind(UNIT.features, data.features)
    this.bind(UNIT.targets, data.targets)
    this.bind(UNIT.rowOrder, this.require(this.order))
    gl.uniform4fv(residual.uniform('weights'), this.weights)
    gl.uniform1f(residual.uniform('bias'), params[d]!)
    gl.uniform1i(residual.uniform('start'), start)
    gl.uniform1i(residual.uniform('count'), m)
    gl.uniform1i(residual.uniform('ordered'), ordered ? 1 : 0)
    this.draw(residuals, m)

    gl.useProgram(product.program)
    this.bind(UNIT.residuals, residuals)
    let blocks = Math.ceil(m / FAN)
    gl.uniform1i(product.uniform('start'), start)
    gl.uniform1i(product.uniform('count'), m)
    gl.uniform1i(product.uniform('ordered'), ordered ? 1 : 0)
    gl.uniform1i(product.uniform('outGroups'), outGroups)
    gl.uniform1i(product.uniform('blocks'), blocks)
    this.draw(target, blocks * outGroups)

    if (blocks > 1) {
      gl.useProgram(reduce.program)
      gl.uniform1i(reduce.uniform('outGroups'), outGroups)
      while (blocks > 1) {
        ;[source, target] = [target, source]
        const inBlocks = blocks
        blocks = Math.ceil(blocks / FAN)
        this.bind(UNIT.partials, source)
        gl.uniform1i(reduce.uniform('inBlocks'), inBlocks)
        gl.uniform1i(reduce.uniform('blocks'), blocks)
        this.draw(target, blocks * outGroups)
      }
    }

    // `target` was written last and is still bound; outGroups ≤ rowTexels, so one row.
    const out = this.readback.subarray(0, 4 * outGroups)
    const rowCount = 4 * outGroups - 1 // the loss group's w: Σ 1 over the rows, exact below 2²⁴
    out[rowCount] = -1
    gl.readPixels(0, 0, outGroups, 1, gl.RGBA, gl.FLOAT, out)
    this.traffic.readbacks++
    this.traffic.bytesRead += out.byteLength
    // After a GPU reset readPixels returns without writing, and isContextLost() stays false until
    // the worker's event loop runs — which a synchronous training loop never lets it do. So the
    // readback proves itself: a stale one still holds the −1 put there above.
    // (Pairwise sums of ones are exact integers up to 2²⁴ rows; beyond, within γ_L·m.)
    if (!(Math.abs(out[rowCount]! - m) <= (m <= 2 ** 24 ? 0 : m * 1e-5)) || gl.isContextLost()) {
      forgetWebglDevice(device)
      throw contextLostDuringRun()
    }
    return out
  }

  private draw(target: TexelBuffer, count: number): void {
    const { gl } = this.require(this.device)
    const { width, height } = extent(this.require(this.device), count)
    gl.bindFramebuffer(gl.FRAMEBUFFER, target.framebuffer)
    gl.viewport(0, 0, width, height)
    gl.drawArrays(gl.TRIANGLES, 0, 3)
    this.traffic.draws++
  }

  private bind(unit: number, buffer: TexelBuffer): void {
    const { gl } = this.require(this.device)
    gl.activeTexture(gl.TEXTURE0 + unit)
    gl.bindTexture(gl.TEXTURE_2D, buffer.texture)
  }

  private upload(data: BackendData): GpuDataSet {
    const device = this.require(this.device)
    const { rows, features: d } = data
    const groups = this.groups
    const features = this.allocate('rgba32f', rows * groups, false)
    const targets = this.allocate('r32f', rows, false)
    // Texel (i, g) holds features 4g…4g+3 of row i, zero-padded: already the row-major layout when
    // d is a multiple of 4 and the data are f32.
    let packed: Float32Array
    if (data.X instanceof Float32Array && d === 4 * groups) packed = data.X
    else {
      packed = new Float32Array(rows * groups * 4)
      for (let i = 0; i < rows; i++) for (let j = 0; j < d; j++) packed[i * groups * 4 + j] = data.X[i * d + j]!
    }
    const y = data.y instanceof Float32Array ? data.y : Float32Array.from(data.y)
    uploadTexels(device, features, 'rgba32f', packed, rows * groups)
    uploadTexels(device, targets, 'r32f', y, rows)
    this.traffic.bytesUploaded += rows * groups * 16 + rows * 4
    return { rows, features, targets }
  }

  private allocate(format: TexelFormat, capacity: number, renderTarget: boolean): TexelBuffer {
    const buffer = createTexelBuffer(this.require(this.device), format, capacity, renderTarget)
    this.buffers.push(buffer)
    return buffer
  }

  private compile(shape: ShaderShape) {
    const { gl } = this.require(this.device)
    const residual = createProgram(gl, fullViewportVertexShader, residualShader(shape))
    const product = createProgram(gl, fullViewportVertexShader, productShader(shape))
    const reduce = createProgram(gl, fullViewportVertexShader, reduceShader(shape))
    const samplers: [Program, string, number][] = [
      [residual, 'features', UNIT.features],
      [residual, 'targets', UNIT.targets],
      [residual, 'rowOrder', UNIT.rowOrder],
      [product, 'features', UNIT.features],
      [product, 'residuals', UNIT.residuals],
      [product, 'rowOrder', UNIT.rowOrder],
      [reduce, 'partials', UNIT.partials],
    ]
    for (const [program, name, unit] of samplers) {
      gl.useProgram(program.program)
      gl.uniform1i(program.uniform(name), unit)
    }
    return { residual, product, reduce }
  }

  private require<T>(value: T | null): T {
    if (value === null) throw new Error('WebglBackend: used before load() or after dispose()')
    return value
  }
}
