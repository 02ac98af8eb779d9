const NICE_DECADE_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000]

/**
 * Ticks for a log axis over [min, max]: the powers of ten, every k-th one (k from 1-2-5-10…) so at
 * most `maxTicks` fit; under two decades, the 1-2-5 values (1, 2, 5, 10, 20…). Written as decimal
 * literals ("1e-5", "2e3") so each is the double nearest its decimal value, not 10 ** −5's rounding.
 * Fewer than two values when the range holds none (the caller keeps chart.js's ticks then).
 */
export function logTicks(min: number, max: number, maxTicks = 8): number[] {
  if (!(min > 0) || !(max > min) || !Number.isFinite(max)) return []
  const inside = (v: number) => v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)
  const lo = Math.log10(min)
  const hi = Math.log10(max)
  if (hi - lo < 2) {
    const out: number[] = []
    for (let e = Math.floor(lo); e <= Math.ceil(hi); e++) for (const m of [1, 2, 5]) if (inside(Number(`${m}e${e}`))) out.push(Number(`${m}e${e}`))
    return out
  }
  const step = NICE_DECADE_STEPS.find((k) => Math.floor((hi - lo) / k) + 1 <= maxTicks) ?? Math.ceil((hi - lo) / (maxTicks - 1))
  const out: number[] = []
  for (let e = Math.ceil(lo / step - 1e-9) * step; e <= hi + 1e-9; e += step) if (inside(Number(`1e${e}`))) out.push(Number(`1e${e}`))
  return out
}
