import { Title, type ChartConfiguration, type ChartOptions } from 'chart.js'
import { Chart, currentTheme } from './chart'

// chart.js's own title block, for exported images only: its `display` defaults to false, so the
// charts on screen (which carry their titles in the page) are unchanged.
Chart.register(Title)

/** Room for the title above the plot (CSS pixels): the plot keeps the height it has on screen. */
const TITLE_BAND_PX = 40

/**
 * `live` drawn again on a canvas of its own, taller by a title band, with chart.js's title and
 * legend shown, as a PNG data URL: a saved image says what it is without the page around it. Same
 * datasets, scales (a zoomed window included: the zoom plugin keeps it in the options), colours and
 * pixel ratio as on screen; the on-screen chart is not touched.
 */
export function chartImageWithTitle(live: Chart, title: string): string {
  const canvas = document.createElement('canvas')
  // A detached canvas with responsive off: chart.js takes its size from these attributes.
  canvas.width = live.width
  canvas.height = live.height + TITLE_BAND_PX
  const options = live.config.options as ChartOptions
  const theme = currentTheme()
  const config = {
    type: (live.config as ChartConfiguration).type,
    data: { datasets: live.data.datasets.map((d) => ({ ...d })) },
    options: {
      ...options,
      responsive: false,
      animation: false,
      devicePixelRatio: live.currentDevicePixelRatio,
      events: [], // an image: no tooltips, no zoom gestures
      plugins: {
        ...options.plugins,
        title: { display: true, text: title, color: theme.text, font: { size: 16, weight: 'bold' }, padding: { top: 8, bottom: 8 } },
        legend: { ...options.plugins?.legend, display: true },
      },
    },
  } as ChartConfiguration
  const image = new Chart(canvas, config)
  try {
    return image.toBase64Image('image/png', 1)
  } finally {
    image.destroy()
  }
}
