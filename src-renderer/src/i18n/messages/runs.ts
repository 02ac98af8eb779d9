// Runs tab: the table of runs, comparison, sweeps.
export default {
  en: {
    runs: {
      statuses: { queued: 'queued', running: 'running', paused: 'paused', completed: 'completed', diverged: 'diverged', cancelled: 'cancelled', interrupted: 'interrupted', failed: 'failed' },
    },
  },
  'zh-CN': {
    runs: {
      statuses: { queued: '排队中', running: '训练中', paused: '已暂停', completed: '已完成', diverged: '已发散', cancelled: '已取消', interrupted: '已中断', failed: '失败' },
    },
  },
}
