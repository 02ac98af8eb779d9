import type { Precision } from '../backend'
import { f32SlotScratch, MAX_UNROLLED_FEATURES } from './kernel-wat'
import type { ChunkKernel, WasmMemory } from './wasm-kernels'

/**
 * The deterministic reduction shared by the calling thread and helper threads.
 *
 * Rows [start, end) are cut into fixed chunks of `chunkRows` rows counted from `start`; each chunk's
 * sums (Σr², Σr·x, Σr) start from zero, land in the chunk's own slot, and the slots are added in
 * chunk order. Which thread computed a chunk therefore never changes a bit of the result: one
 * thread, two or sixteen give the same loss and gradient.
 *
 * The control block at `controlOffset` (see ControlWord) is how threads share a job:
 * the caller publishes a job and bumps GENERATION; every thread claims chunk numbers with a
 * compare-and-swap on CLAIM, which packs (generation, next chunk) in one 64-bit word, so a thread
 * that woke late for an old job can never claim a chunk of a newer one.
 */

/** Rows per chunk: about 128 K values (512 KB of f32), large next to the ~1 µs cost of a claim. */
export function chunkRowsFor(features: number): number {
  return Math.max(64, Math.floor(2 ** 17 / features))
}

/** Int32 word indices of the control block; CLAIM is BigInt64 word 0 (Int32 words 0 and 1). */
export const ControlWord = {
  Generation: 2,
  Done: 3,
  Stop: 4,
  /** 0: train, 1: validation. */
  Set: 5,
  Start: 6,
  End: 7,
  WithGrad: 8,
  Ordered: 9,
  Chunks: 10,
} as const
export const CONTROL_BYTES = 64

/** Where everything lives in the shared memory (byte offsets), fixed when data are loaded. */
export interface KernelLayout {
  precision: Precision
  features: number
  chunkRows: number
  controlOffset: number
  paramsOffset: number
  /** One slot of d + 2 doubles per chunk: Σr², Σr·x₀ … Σr·x_{d−1}, Σr. */
  slotsOffset: number
  maxChunks: number
  orderOffset: number
  sets: [train: DataOffsets, validation: DataOffsets | null]
}

export interface DataOffsets {
  x: number
  y: number
  rows: number
}

const align = (offset: number, to: number) => Math.ceil(offset / to) * to

/** Lays out control block, θ, slots, row order and both data sets; returns the layout and its size. */
export function planLayout(precision: Precision, features: number, trainRows: number, validationRows: number | null): { layout: KernelLayout; bytes: number } {
  const valueBytes = precision === 'f32' ? 4 : 8
  const chunkRows = chunkRowsFor(features)
  const maxChunks = Math.max(1, Math.ceil(Math.max(trainRows, validationRows ?? 0) / chunkRows))
  let at = 0
  const take = (bytes: number) => {
    const offset = at
    at = align(at + bytes, 64) // cache-line aligned, so threads never share a line they write
    return offset
  }
  const controlOffset = take(CONTROL_BYTES)
  const paramsOffset = take(8 * (features + 1))
  // Slots padded to whole cache lines: helper threads write neighbouring slots.
  const slotBytes = slotBytesFor(precision, features)
  const slotsOffset = take(slotBytes * maxChunks)
  const orderOffset = take(4 * trainRows)
  const dataSet = (rows: number): DataOffsets => ({ x: take(rows * features * valueBytes), y: take(rows * valueBytes), rows })
  const train = dataSet(trainRows)
  const validation = validationRows === null ? null : dataSet(validationRows)
  return { layout: { precision, features, chunkRows, controlOffset, paramsOffset, slotsOffset, maxChunks, orderOffset, sets: [train, validation] }, bytes: at }
}

export const slotStride = (layout: KernelLayout) => slotBytesFor(layout.precision, layout.features)

/** d + 2 doubles, plus the f32 kernels' working sums (kernel-wat.ts, f32SlotScratch); whole cache lines. */
const slotBytesFor = (precision: Precision, features: number) =>
  align(precision === 'f32' && features <= MAX_UNROLLED_FEATURES ? f32SlotScratch(features).bytes : 8 * (features + 2), 64)

/**
 * Claims and computes chunks of the current job until none is left. Called by the publishing
 * thread and by every helper; returns the number of chunks this thread computed.
 */
export function workOnJob(layout: KernelLayout, memory: WasmMemory, kernel: ChunkKernel, generation: number): number {
  const words = new Int32Array(memory.buffer, layout.controlOffset, CONTROL_BYTES / 4)
  const claim = new BigInt64Array(memory.buffer, layout.controlOffset, 1)
  const gen = BigInt(generation) << 32n
  // Read the job before claiming: a successful claim proves the job was still current when read.
  const set = layout.sets[Atomics.load(words, ControlWord.Set)]!
  const start = Atomics.load(words, ControlWord.Start)
  const end = Atomics.load(words, ControlWord.End)
  const withGrad = Atomics.load(words, ControlWord.WithGrad)
  const order = Atomics.load(words, ControlWord.Ordered) ? layout.orderOffset : 0
  const chunks = Atomics.load(words, ControlWord.Chunks)
  const stride = slotStride(layout)
  let computed = 0
  for (;;) {
    const current = Atomics.load(claim, 0)
    if ((current & ~0xffffffffn) !== gen) return computed // a newer job (or a stop) replaced this one
    const chunk = Number(current & 0xffffffffn)
    if (chunk >= chunks) return computed
    if (Atomics.compareExchange(claim, 0, current, current + 1n) !== current) continue
    const from = start + chunk * layout.chunkRows
    kernel(set.x, set.y, order, from, Math.min(end, from + layout.chunkRows), layout.paramsOffset, layout.slotsOffset + chunk * stride, withGrad)
    computed++
    if (Atomics.add(words, ControlWord.Done, 1) + 1 === chunks) Atomics.notify(words, ControlWord.Done)
  }
}

/** Publishes a job: helpers waiting on GENERATION wake and claim chunks. Returns its generation. */
export function publishJob(layout: KernelLayout, memory: WasmMemory, job: { set: 0 | 1; start: number; end: number; withGrad: boolean; ordered: boolean; chunks: number }): number {
  const words = new Int32Array(memory.buffer, layout.controlOffset, CONTROL_BYTES / 4)
  const claim = new BigInt64Array(memory.buffer, layout.controlOffset, 1)
  const generation = (Atomics.load(words, ControlWord.Generation) + 1) | 0
  Atomics.store(words, ControlWord.Set, job.set)
  Atomics.store(words, ControlWord.Start, job.start)
  Atomics.store(words, ControlWord.End, job.end)
  Atomics.store(words, ControlWord.WithGrad, job.withGrad ? 1 : 0)
  Atomics.store(words, ControlWord.Ordered, job.ordered ? 1 : 0)
  Atomics.store(words, ControlWord.Chunks, job.chunks)
  Atomics.store(words, ControlWord.Done, 0)
  Atomics.store(claim, 0, BigInt(generation) << 32n)
  Atomics.store(words, ControlWord.Generation, generation)
  Atomics.notify(words, ControlWord.Generation)
  return generation
}

/** Blocks the calling thread until every chunk of the published job is done. */
export function awaitJob(layout: KernelLayout, memory: WasmMemory, chunks: number): void {
  const words = new Int32Array(memory.buffer, layout.controlOffset, CONTROL_BYTES / 4)
  for (let done = Atomics.load(words, ControlWord.Done); done < chunks; done = Atomics.load(words, ControlWord.Done)) {
    Atomics.wait(words, ControlWord.Done, done)
  }
}

/** Tells helpers to leave their loop (the backend is being disposed). */
export function publishStop(layout: KernelLayout, memory: WasmMemory): void {
  const words = new Int32Array(memory.buffer, layout.controlOffset, CONTROL_BYTES / 4)
  const claim = new BigInt64Array(memory.buffer, layout.controlOffset, 1)
  Atomics.store(words, ControlWord.Stop, 1)
  Atomics.store(claim, 0, 0n)
  Atomics.add(words, ControlWord.Generation, 1)
  Atomics.notify(words, ControlWord.Generation)
}
