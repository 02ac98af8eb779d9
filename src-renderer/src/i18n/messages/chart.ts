// Loss chart controls.
export default {
  en: {
    chart: {
      loss: 'Loss (MSE)',
      epoch: 'Epoch',
      seconds: 'Seconds',
      wallTime: 'Wall time',
      xAxis: 'x axis',
      logScale: 'Log scale',
      smoothing: 'Smoothing',
      raw: 'raw',
      validation: 'validation',
      resetZoom: 'Reset zoom',
      zoomHint: 'Wheel or Ctrl-drag to zoom, Shift-drag to pan',
      logEpochs: 'Log epoch axis',
      optimum: 'Lowest possible loss (exact optimum): {loss}',
    },
  },
  'zh-CN': {
    chart: {
      loss: '损失（MSE）',
      epoch: '轮次',
      seconds: '秒',
      wallTime: '耗时',
      xAxis: '横轴',
      logScale: '对数坐标',
      smoothing: '平滑',
      raw: '原始',
      validation: '验证',
      resetZoom: '重置缩放',
      zoomHint: '滚轮或 Ctrl+拖动缩放，Shift+拖动平移',
      logEpochs: '轮次对数坐标',
      optimum: '可达到的最低损失（精确最优）：{loss}',
    },
  },
}
