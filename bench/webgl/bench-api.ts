/** One benchmark case as the Node runner (run.ts) asks the browser worker for it. */
export interface BenchCase {
  rows: number
  features: number
  epochs: number
  /** Rows per step; null = full batch. */
  batchSize: number | null
  seed: number
}

/** One JSON line of `npm run bench:webgl` (the first six keys are the contract). */
export interface BenchLine {
  backend: 'cpu' | 'webgl'
  rows: number
  features: number
  ms_per_epoch: number
  /** max over epochs of |loss − cpu loss| / cpu loss; 0 for the CPU itself. */
  max_rel_loss_diff_vs_cpu: number
  /** The GPU as WebGL names it; for the CPU, the browser whose JavaScript engine ran it. */
  renderer: string
  epochs: number
  batch_size: number | null
  /** Uploading the data (WebGL: textures and shaders) before the first epoch. */
  load_ms: number
  /** GPU→CPU readbacks and bytes read per epoch (WebGL), 0 for the CPU. */
  readbacks_per_epoch: number
  bytes_read_per_epoch: number
}

export type BenchReply = { ok: true; lines: BenchLine[] } | { ok: false; message: string }
