import { Table } from '../table/table'

/** The tutorial's 15 points (also resources/examples/tutorial.csv). */
export const tutorialX = [3.3, 4.4, 5.5, 6.71, 6.93, 4.168, 9.779, 6.182, 7.59, 2.167, 7.042, 10.791, 5.313, 7.997, 3.1]
export const tutorialY = [1.7, 2.76, 2.09, 3.19, 1.694, 1.573, 3.366, 2.596, 2.53, 1.221, 2.827, 3.465, 1.65, 2.904, 1.3]

export function tutorialTable(): Table {
  return new Table(['x', 'y'], [Float64Array.from(tutorialX), Float64Array.from(tutorialY)], { file: 'tutorial.csv', firstRowNumber: 2 })
}

/**
 * The tutorial's loop written out in scalars — loss at (w, b), then w −= lr·∂L/∂w, b −= lr·∂L/∂b,
 * from w = b = 0 — an independent reference for every implementation of the training loop.
 */
export function naiveTutorialLosses(lr: number, epochs: number): number[] {
  return naiveTutorialRun(lr, epochs).losses
}

/** The same loop, with the parameters it ends at. */
export function naiveTutorialRun(lr: number, epochs: number): { losses: number[]; w: number; b: number } {
  let w = 0
  let b = 0
  const losses: number[] = []
  for (let e = 0; e < epochs; e++) {
    let loss = 0
    let gw = 0
    let gb = 0
    for (let i = 0; i < tutorialX.length; i++) {
      const r = w * tutorialX[i]! + b - tutorialY[i]!
      loss += r * r
      gw += 2 * r * tutorialX[i]!
      gb += 2 * r
    }
    const n = tutorialX.length
    losses.push(loss / n)
    w -= (lr * gw) / n
    b -= (lr * gb) / n
  }
  return { losses, w, b }
}

/** Closed-form simple regression: w = Sxy/Sxx, b = ȳ − w·x̄, and the MSE it reaches. */
export function simpleRegression(x: readonly number[], y: readonly number[]): { w: number; b: number; mse: number } {
  const n = x.length
  const mx = x.reduce((a, b) => a + b) / n
  const my = y.reduce((a, b) => a + b) / n
  let sxy = 0
  let sxx = 0
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my)
    sxx += (x[i]! - mx) ** 2
  }
  const w = sxy / sxx
  const b = my - w * mx
  return { w, b, mse: x.reduce((s, xi, i) => s + (w * xi + b - y[i]!) ** 2, 0) / n }
}
