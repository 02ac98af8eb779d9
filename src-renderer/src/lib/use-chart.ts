import type { ChartDataset, ChartOptions, ChartType, DefaultDataPoint, Plugin } from 'chart.js'
import { onBeforeUnmount, onMounted, shallowRef, watch, type Ref } from 'vue'
import { useI18n } from 'vue-i18n'
import { useSettings } from '../stores/settings'
import { Chart, currentTheme, type ChartTheme } from './chart'

/** What a chart component draws, as functions of its state and the current theme (and language, through its `t`). */
export interface ChartSpec<TType extends ChartType, TData> {
  type: TType
  datasets: (theme: ChartTheme) => ChartDataset<TType, TData>[]
  /** Built afresh at every update, so state such as a log-scale toggle or an axis title is just read here. */
  options: (theme: ChartTheme) => ChartOptions<TType>
}

/**
 * One chart.js chart's life in a component: created on `canvas` when it is in the page (on mount, or
 * when a canvas shown only in some states appears; destroyed when it goes), rebuilt from `spec` by
 * `update()` (the component calls it when what it draws changed) without animation, re-coloured
 * and re-labelled when the theme or the language changes, destroyed on unmount.
 */
export function useChart<TType extends ChartType, TData = DefaultDataPoint<TType>>(canvas: Readonly<Ref<HTMLCanvasElement | null>>, spec: ChartSpec<TType, TData>) {
  const chart = shallowRef<Chart<TType, TData> | null>(null)
  const settings = useSettings()
  const { locale } = useI18n()

  // No animation: live updates arrive every frame and must not trail behind. The box sets the size.
  const options = (theme: ChartTheme): ChartOptions<TType> => ({ animation: false, responsive: true, maintainAspectRatio: false, ...spec.options(theme) }) as ChartOptions<TType>

  /**
   * The chart follows its canvas: a component may show the canvas only in some states (a note
   * instead of a plot), and chart.js given no canvas leaves a chart without its plugins' methods.
   */
  function attach(el: HTMLCanvasElement | null): void {
    if (chart.value?.canvas === el) return
    chart.value?.destroy()
    chart.value = null
    if (!el) return
    const theme = currentTheme()
    chart.value = new Chart<TType, TData>(el, { type: spec.type, data: { datasets: spec.datasets(theme) }, options: options(theme), plugins: [logTickLabels as Plugin<TType>] })
  }
  onMounted(() => attach(canvas.value))
  watch(canvas, (el) => attach(el), { flush: 'post' })

  function update(): void {
    const c = chart.value
    if (!c) return // not mounted yet, or unmounted before a deferred re-theme
    const theme = currentTheme()
    const next = options(theme)
    keepZoom(c as unknown as Chart, next as ChartOptions)
    c.data.datasets = spec.datasets(theme)
    c.options = next
    c.update('none')
  }

  // The settings store switches data-theme (and vue-i18n's locale) first; the new CSS variables are
  // certain to apply by the next frame.
  watch(() => [settings.theme, locale.value], () => requestAnimationFrame(update))

  onBeforeUnmount(() => {
    chart.value?.destroy()
    chart.value = null
  })

  return {
    chart,
    update,
    /** The chart as a PNG data URL (for "export chart"). */
    toPNG: () => chart.value?.toBase64Image('image/png', 1) ?? null,
  }
}

/**
 * The labels of every log axis as drawn, on the canvas as `data-log-ticks` (JSON: axis id → labels):
 * the ticks are pixels, and this is how a spec reads that every chart labels its log axes alike
 * (lib/log-ticks.ts). Refreshed after each layout, zoom and pan included.
 */
const logTickLabels = {
  id: 'slopeLogTickLabels',
  afterUpdate(c: Chart) {
    const axes = Object.fromEntries(
      Object.values(c.scales)
        .filter((scale) => scale.type === 'logarithmic')
        .map((scale) => [scale.id, scale.ticks.map((tick) => String(tick.label ?? ''))]),
    )
    c.canvas.dataset.logTicks = JSON.stringify(axes)
  },
}

/**
 * chartjs-plugin-zoom keeps a zoomed or panned window as min/max in the chart's scale options; carry
 * it into the fresh options, so that a live update or a re-theme does not undo the user's zoom.
 */
function keepZoom(c: Chart, next: ChartOptions): void {
  for (const [id, window] of Object.entries(c.getZoomedScaleBounds())) {
    const scale = next.scales?.[id]
    if (window && scale) Object.assign(scale, { min: window.min, max: window.max })
  }
}
