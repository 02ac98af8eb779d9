// Shell of the app: header, tabs, language, theme, notices.
export default {
  en: {
    app: {
      title: 'Slope',
      tagline: 'Linear regression by gradient descent — and why a fit is good or bad',
      tabs: { data: 'Data', train: 'Train', fit: 'Fit', runs: 'Runs', export: 'Export & predict' },
      language: 'Language',
      theme: { label: 'Theme', light: 'Light', dark: 'Dark' },
      dismiss: 'Dismiss',
      internal: 'Internal error',
      shell: { electron: 'Desktop', web: 'Browser mode', cli: 'Command line' },
      noDataset: 'Open a dataset first (Data tab).',
      noRun: 'Train a run first (Train tab), or pick one under Runs.',
      cancel: 'Cancel',
      close: 'Close',
      ok: 'OK',
    },
  },
  'zh-CN': {
    app: {
      title: 'Slope',
      tagline: '用梯度下降做线性回归——并看清拟合好坏的原因',
      tabs: { data: '数据', train: '训练', fit: '拟合', runs: '运行记录', export: '导出与预测' },
      language: '语言',
      theme: { label: '主题', light: '浅色', dark: '深色' },
      dismiss: '关闭',
      internal: '内部错误',
      shell: { electron: '桌面版', web: '浏览器模式', cli: '命令行' },
      noDataset: '请先打开一个数据集（“数据”页）。',
      noRun: '请先训练一次（“训练”页），或在“运行记录”中选择一次运行。',
      cancel: '取消',
      close: '关闭',
      ok: '确定',
    },
  },
}
