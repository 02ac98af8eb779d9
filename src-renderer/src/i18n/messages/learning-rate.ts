// Train tab: what the learning-rate oracle says beside the learning rate (stores/curvature.ts, LearningRateAdvice.vue, the band on LearningRateInput.vue).
export default {
  en: {
    learningRate: {
      stable: 'Stable up to {max} for this data; fastest constant rate {optimal}.',
      stableOnly: 'Stable up to {max} for this data.',
      epochsAtRate: 'This rate: about {epochs} epoch to bring the loss gap to 1e-6 of its start. | This rate: about {epochs} epochs to bring the loss gap to 1e-6 of its start.',
      noConvergence: 'This rate does not converge.',
      approximate: 'Mini-batches, so approximately: {sentence}',
      diverge: 'lr {lr} is {ratio}× the largest stable rate {max}: this run will diverge.',
      divergeLikely: 'lr {lr} is {ratio}× the largest stable rate {max}: this run will likely diverge.',
      useFastest: 'Use the fastest rate',
      adaptive: '{optimizer} scales each coordinate’s step by its own gradient history, so no stable range follows from the data’s curvature.',
      noClaim: 'No stable range is given: {note}',
      band: {
        range: 'Stable learning rates: up to {max}',
        approximate: '{range} (mini-batches: approximate)',
      },
    },
  },
  'zh-CN': {
    learningRate: {
      stable: '对此数据，学习率不超过 {max} 时收敛；最快的固定学习率为 {optimal}。',
      stableOnly: '对此数据，学习率不超过 {max} 时收敛。',
      epochsAtRate: '按当前学习率，约 {epochs} 轮可将损失差距降到初始的 1e-6。',
      noConvergence: '按当前学习率不会收敛。',
      approximate: '小批量，以下为近似值：{sentence}',
      diverge: '学习率 {lr} 是最大稳定学习率 {max} 的 {ratio} 倍：本次训练将发散。',
      divergeLikely: '学习率 {lr} 是最大稳定学习率 {max} 的 {ratio} 倍：本次训练很可能发散。',
      useFastest: '使用最快学习率',
      adaptive: '{optimizer} 按各坐标自身的梯度历史缩放步长，因此无法由数据的曲率得出稳定的学习率范围。',
      noClaim: '无法给出稳定范围：{note}',
      band: {
        range: '稳定学习率：不超过 {max}',
        approximate: '{range}（小批量：近似）',
      },
    },
  },
}
