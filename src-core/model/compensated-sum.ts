/**
 * Neumaier's variant of Kahan summation: the running error of each addition is kept exactly
 * (Fast2Sum on the larger operand) and added back at the end, so a sum of n terms is accurate to
 * about 2ε·Σ|xᵢ| whatever n — a plain loop's error grows with n (the total sum of squares of a
 * 6,366-row file lost ~5 digits of the F test's p-value that way).
 */
export class CompensatedSum {
  private sum = 0
  private error = 0

  add(x: number): void {
    const t = this.sum + x
    this.error += Math.abs(this.sum) >= Math.abs(x) ? this.sum - t + x : x - t + this.sum
    this.sum = t
  }

  get value(): number {
    return this.sum + this.error
  }
}

/** Σ f(i) for i in [0, n), compensated. */
export function compensatedSum(n: number, term: (i: number) => number): number {
  const s = new CompensatedSum()
  for (let i = 0; i < n; i++) s.add(term(i))
  return s.value
}
