/**
 * The path θ took, for drawing it over the loss surface (models with at most two features). Memory
 * is bounded whatever the epoch count: the first `head` epochs are kept one by one (that is where
 * gradient descent moves most), later ones are thinned by keeping every `stride`-th epoch and
 * doubling the stride — dropping every other kept point — whenever the tail is full.
 */
export interface ParamPath {
  epochs: number[]
  /** θ after each of those epochs, one array (w₀ … w_{d−1}, b) per epoch. */
  params: number[][]
}

export class PathRecorder {
  private readonly epochs: number[] = []
  private readonly params: number[][] = []
  private stride = 1

  constructor(
    private readonly head = 256,
    private readonly tailCapacity = 768,
  ) {}

  /** Record θ as it stands after `epoch`. */
  record(epoch: number, theta: ArrayLike<number>): void {
    if (epoch >= this.head && (epoch - this.head) % this.stride !== 0) return
    this.epochs.push(epoch)
    this.params.push(Array.from(theta))
    if (this.epochs.length > this.head + this.tailCapacity) this.thin()
  }

  path(): ParamPath {
    return { epochs: [...this.epochs], params: this.params.map((p) => [...p]) }
  }

  private thin(): void {
    this.stride *= 2
    let kept = this.head
    for (let i = this.head; i < this.epochs.length; i++) {
      if ((this.epochs[i]! - this.head) % this.stride === 0) {
        this.epochs[kept] = this.epochs[i]!
        this.params[kept] = this.params[i]!
        kept++
      }
    }
    this.epochs.length = kept
    this.params.length = kept
  }
}
