/**
 * Seeded pseudo-random numbers. Same seed ⇒ same sequence on every platform, which is what makes
 * "same seed ⇒ bit-identical run" possible (Math.random cannot be seeded).
 *
 * Generator: xoshiro128** (Blackman & Vigna, 2018) seeded through splitmix32, so that nearby seeds
 * (0, 1, 2…) still give unrelated streams. 32-bit arithmetic only: exact in JavaScript.
 */
export class Random {
  private s0: number
  private s1: number
  private s2: number
  private s3: number

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`)
    // Fold the (up to 53-bit) seed into 32 bits, then expand with splitmix32.
    let x = (seed ^ Math.floor(seed / 2 ** 32)) >>> 0
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0
      let z = x
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
      return (z ^ (z >>> 16)) >>> 0
    }
    this.s0 = next()
    this.s1 = next()
    this.s2 = next()
    this.s3 = next()
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1 // all-zero state is a fixed point
  }

  /** Next unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0
    const t = this.s1 << 9
    this.s2 ^= this.s0
    this.s3 ^= this.s1
    this.s1 ^= this.s2
    this.s0 ^= this.s3
    this.s2 ^= t
    this.s3 = rotl(this.s3, 11)
    return result
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const hi = this.nextUint32() >>> 5 // 27 bits
    const lo = this.nextUint32() >>> 6 // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992
  }

  /** Uniform double in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.nextFloat()
  }

  /** Uniform integer in [0, n), without modulo bias (Lemire's rejection method). */
  nextInt(n: number): number {
    if (!(n >= 1 && n <= 2 ** 32)) throw new RangeError(`nextInt bound out of range: ${n}`)
    const limit = 2 ** 32 - (2 ** 32 % n)
    let v: number
    do v = this.nextUint32()
    while (v >= limit)
    return v % n
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1)
      const t = a[i]!
      a[i] = a[j]!
      a[j] = t
    }
    return a
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0
}

/** 0, 1, …, n−1 as a Uint32Array. */
export function identityPermutation(n: number): Uint32Array {
  const p = new Uint32Array(n)
  for (let i = 0; i < n; i++) p[i] = i
  return p
}
