/**
 * The path θ took, for drawing it over the loss surface (models with at most two features). Memory
 * is bounded whatever the epoch count: the first `head` epochs are kept one by one (that is where
 * gradient descent moves most), later ones are thinned by keeping every `stride`-th epoch and
 * doubling the stride — dropping every other kept point — whenever the tail is full. Points go into
 * preallocated typed arrays: recording costs no allocation per epoch (the tutorial's epoch is ~60 ns).
 */
export interface ParamPath {
  epochs: number[]
  /** θ after each of those epochs, one array (w₀ … w_{d−1}, b) per epoch. */
  params: number[][]
}

export class PathRecorder {
  private epochs: Int32Array = new Int32Array(0)
  private values: Float64Array = new Float64Array(0)
  private width = 0
  private count = 0
  private stride = 1

  constructor(
    private readonly head = 256,
    private readonly tailCapacity = 768,
  ) {}

  /** Record θ as it stands after `epoch`. */
  record(epoch: number, theta: ArrayLike<number>): void {
    if (epoch >= this.head && (epoch - this.head) % this.stride !== 0) return
    if (this.count === this.epochs.length) this.grow(theta.length)
    this.epochs[this.count] = epoch
    for (let j = 0; j < this.width; j++) this.values[this.count * this.width + j] = theta[j]!
    this.count++
    if (this.count > this.head + this.tailCapacity) this.thin()
  }

  path(): ParamPath {
    const epochs = new Array<number>(this.count)
    const params = new Array<number[]>(this.count)
    for (let i = 0; i < this.count; i++) {
      epochs[i] = this.epochs[i]!
      const p = new Array<number>(this.width)
      for (let j = 0; j < this.width; j++) p[j] = this.values[i * this.width + j]!
      params[i] = p
    }
    return { epochs, params }
  }

  /** Capacity doubles from 64 points up to head + tail + 1: short runs allocate little. */
  private grow(width: number): void {
    this.width = width
    const capacity = Math.min(this.head + this.tailCapacity + 1, Math.max(64, this.epochs.length * 2))
    const epochs = new Int32Array(capacity)
    epochs.set(this.epochs)
    const values = new Float64Array(capacity * width)
    values.set(this.values)
    this.epochs = epochs
    this.values = values
  }

  private thin(): void {
    this.stride *= 2
    let kept = this.head
    for (let i = this.head; i < this.count; i++) {
      if ((this.epochs[i]! - this.head) % this.stride === 0) {
        this.epochs[kept] = this.epochs[i]!
        this.values.copyWithin(kept * this.width, i * this.width, (i + 1) * this.width)
        kept++
      }
    }
    this.count = kept
  }
}
