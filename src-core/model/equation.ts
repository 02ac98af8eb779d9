/**
 * The model as one line of text, the same in the app (Train, Fit and Export tabs) and the CLI:
 * `y = 0.25·x + −3.01606·z + 0.8` — the coefficients in the order of the features, the intercept
 * last (the tutorial's ŷ = w·x + b), every term joined by " + " and a negative number written with
 * a real minus sign (U+2212), never "+ -3.01606". Each caller brings its own number format (the
 * app's locale-aware one, the CLI's 7 digits); a hyphen-minus it writes is replaced here.
 */
export function writeEquation(
  target: string,
  features: readonly string[],
  weights: ArrayLike<number>,
  intercept: number | null,
  format: (x: number) => string,
): string {
  const number = (x: number) => format(x).replace(/^-/, '\u2212').replace(/e-/, 'e\u2212')
  const terms = features.map((f, i) => `${number(weights[i]!)}·${f}`)
  if (intercept !== null && intercept !== 0) terms.push(number(intercept))
  return `${target} = ${terms.length ? terms.join(' + ') : '0'}`
}
