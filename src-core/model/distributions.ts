/**
 * Tail probabilities and quantiles of Student's t and Fisher's F, for the least-squares statistics.
 * Both reduce to the regularized incomplete beta function I_x(a, b), evaluated by its continued
 * fraction with the modified Lentz method (Numerical Recipes §6.4; DLMF 8.17.22), which converges
 * quickly on the side x < (a + 1)/(a + b + 2) — the other side uses I_x(a,b) = 1 − I_{1−x}(b,a).
 */

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
]

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9: ~15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x)
  x -= 1
  let a = LANCZOS[0]!
  const t = x + 7.5
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (x + i)
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a)
}

/** Regularized incomplete beta I_x(a, b), a, b > 0, 0 ≤ x ≤ 1. */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (Number.isNaN(x) || !(a > 0) || !(b > 0)) return NaN
  if (x <= 0) return 0
  if (x >= 1) return 1
  const logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x)
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a
  return 1 - (Math.exp(logFront) * betaContinuedFraction(1 - x, b, a)) / b
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300
  const eps = 1e-16
  let c = 1
  let d = 1 - ((a + b) * x) / (a + 1)
  if (Math.abs(d) < tiny) d = tiny
  d = 1 / d
  let h = d
  for (let m = 1; m <= 10000; m++) {
    const m2 = 2 * m
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2))
    d = 1 + aa * d
    if (Math.abs(d) < tiny) d = tiny
    c = 1 + aa / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    h *= d * c
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))
    d = 1 + aa * d
    if (Math.abs(d) < tiny) d = tiny
    c = 1 + aa / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    const delta = d * c
    h *= delta
    if (Math.abs(delta - 1) < eps) return h
  }
  return h // not reached for the arguments statistics produce; the value is still the best estimate
}

/** Two-sided p-value of Student's t with `df` degrees of freedom: P(|T| ≥ |t|). */
export function studentTTwoSidedP(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return NaN
  if (!Number.isFinite(t)) return 0
  return incompleteBeta(df / (df + t * t), df / 2, 0.5)
}

/** Upper tail of F(d1, d2): P(F ≥ f). */
export function fUpperTailP(f: number, d1: number, d2: number): number {
  if (Number.isNaN(f) || !(d1 > 0) || !(d2 > 0)) return NaN
  if (f <= 0) return 1
  if (!Number.isFinite(f)) return 0
  return incompleteBeta(d2 / (d2 + d1 * f), d2 / 2, d1 / 2)
}

/**
 * The t value with P(|T| ≥ t) = p, e.g. p = 0.05 for a 95 % interval. Bisection on the monotone
 * tail to full double precision (about 100 halvings): robust, and only called once per fit.
 */
export function studentTQuantileTwoSided(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) return NaN
  let lo = 0
  let hi = 1
  while (studentTTwoSidedP(hi, df) > p) hi *= 2
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = 0.5 * (lo + hi)
    if (studentTTwoSidedP(mid, df) > p) lo = mid
    else hi = mid
  }
  return 0.5 * (lo + hi)
}

/**
 * Regularized upper incomplete gamma Q(a, x) = Γ(a, x)/Γ(a): the series of P for x < a + 1, else
 * Legendre's continued fraction for Q (modified Lentz; Numerical Recipes §6.2, DLMF 8.9.2), each on
 * the side where it converges fast and subtracts nothing, so a tiny Q keeps its relative accuracy.
 */
export function upperIncompleteGamma(a: number, x: number): number {
  if (Number.isNaN(x) || !(a > 0)) return NaN
  if (x <= 0) return 1
  if (!Number.isFinite(x)) return 0
  const logFront = a * Math.log(x) - x - logGamma(a)
  if (x < a + 1) {
    let term = 1 / a
    let sum = term
    for (let k = 1; k < 10000; k++) {
      term *= x / (a + k)
      sum += term
      if (Math.abs(term) < Math.abs(sum) * 1e-17) break
    }
    return 1 - sum * Math.exp(logFront)
  }
  const tiny = 1e-300
  let b = x + 1 - a
  let c = 1 / tiny
  let d = 1 / b
  let h = d
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a)
    b += 2
    d = an * d + b
    if (Math.abs(d) < tiny) d = tiny
    c = b + an / c
    if (Math.abs(c) < tiny) c = tiny
    d = 1 / d
    const delta = d * c
    h *= delta
    if (Math.abs(delta - 1) < 1e-16) break
  }
  return Math.exp(logFront) * h
}

/** Upper tail of χ²(df): P(X ≥ x). With 2 df it is exactly exp(−x/2). */
export function chiSquareUpperTailP(x: number, df: number): number {
  if (Number.isNaN(x) || !(df > 0)) return NaN
  if (df === 2) return x <= 0 ? 1 : Math.exp(-x / 2)
  return upperIncompleteGamma(df / 2, x / 2)
}
