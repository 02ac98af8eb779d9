import type { Schedule } from './config'

/**
 * Learning rate for a 0-based epoch, stepped once per epoch as torch.optim.lr_scheduler is
 * when `scheduler.step()` follows each epoch. Closed forms of StepLR, ExponentialLR and
 * CosineAnnealingLR (the formulas in their docs).
 */
export function learningRateAt(base: number, schedule: Schedule, epoch: number, epochs: number): number {
  switch (schedule.kind) {
    case 'constant':
      return base
    case 'step':
      return base * schedule.gamma ** Math.floor(epoch / schedule.stepSize)
    case 'exponential':
      return base * schedule.gamma ** epoch
    case 'cosine': {
      const tMax = schedule.tMax ?? epochs
      return schedule.etaMin + ((base - schedule.etaMin) * (1 + Math.cos((Math.PI * epoch) / tMax))) / 2
    }
  }
}
