import type { Chart as ChartInstance, Plugin } from 'chart.js'
import { Chart, type ChartTheme } from './chart'

/**
 * Vertical lines at given x values with a label near the top, one per entry of
 * `options.plugins.rateLines.lines`: the learning-rate oracle's rates on the loss-vs-rate chart and
 * the learning-rate finder's plot. Registered once for every chart; charts without lines draw none.
 */
export interface RateLine {
  x: number
  color: string
  text: string
  background: string
}
/**
 * The oracle's two rates as lines — the largest stable rate in the theme's "bad" colour, the fastest
 * in its "good" colour — labelled by `label` (the chart's own words for each). Rates that are absent
 * or not positive (no claim, e.g. Adam) draw nothing.
 */
/** The oracle's rates that can be drawn: present, positive and finite. */
export function drawableRates(rates: { maxStable: number | null | undefined; optimal: number | null | undefined }): { x: number; kind: 'max' | 'optimal' }[] {
  const ok = (x: number | null | undefined): x is number => x != null && x > 0 && Number.isFinite(x)
  return [
    ...(ok(rates.maxStable) ? [{ x: rates.maxStable, kind: 'max' as const }] : []),
    ...(ok(rates.optimal) ? [{ x: rates.optimal, kind: 'optimal' as const }] : []),
  ]
}

export function oracleRateLines(
  rates: { maxStable: number | null | undefined; optimal: number | null | undefined },
  theme: Pick<ChartTheme, 'color' | 'surface'>,
  label: (kind: 'max' | 'optimal', x: number) => string,
): RateLine[] {
  return drawableRates(rates).map(({ x, kind }) => ({ x, color: theme.color(kind === 'max' ? '--bad' : '--good'), text: label(kind, x), background: theme.surface }))
}

const rateLines: Plugin<'scatter', { lines?: RateLine[] }> = {
  id: 'rateLines',
  afterDatasetsDraw(chart: ChartInstance, _args, options) {
    // Registered for every chart; only the one whose options list lines draws any.
    const x = chart.scales.x
    if (!x || !options.lines?.length) return
    const { top, bottom, left, right } = chart.chartArea
    const ctx = chart.ctx
    ctx.save()
    options.lines.forEach((line, i) => {
      const px = x.getPixelForValue(line.x)
      if (!(px >= left && px <= right)) return
      ctx.strokeStyle = line.color
      ctx.lineWidth = 1.5
      ctx.setLineDash([5, 4])
      ctx.beginPath()
      ctx.moveTo(px, top)
      ctx.lineTo(px, bottom)
      ctx.stroke()
      // Labels left of the line (right of it sit the diverged runs' crosses), one row each so two
      // close lines (lr_optimal ≈ lr_max_stable when the condition number is large) stay readable,
      // on the panel's colour so the points beneath do not cross the text.
      ctx.setLineDash([])
      ctx.font = '11px system-ui, sans-serif'
      const width = ctx.measureText(line.text).width
      const tx = px - 4 - width >= left ? px - 4 - width : px + 4
      const ty = top + 16 + i * 15
      ctx.fillStyle = line.background
      ctx.fillRect(tx - 2, ty - 10, width + 4, 13)
      ctx.fillStyle = line.color
      ctx.fillText(line.text, tx, ty)
    })
    ctx.restore()
  },
}
Chart.register(rateLines)
