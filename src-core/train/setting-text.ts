import type { SettingGroup, SettingName } from './settings'

/**
 * Labels and help texts of every setting, in English and Simplified Chinese, keyed like the settings
 * table. The app merges them into its messages under `settings.*` (vue-i18n syntax: no braces, `@` or
 * `|` in these strings); `slope train --help` prints the English help. `choices` label an enum
 * setting's values, `parts` the fields of a composite one.
 */
export interface SettingText {
  label: string
  help: string
  choices?: Record<string, string>
  parts?: Record<string, string>
}

export interface SettingTexts {
  groups: Record<SettingGroup, string>
  fields: Record<SettingName, SettingText>
}

const en: SettingTexts = {
  groups: { data: 'Data', solver: 'Solver', optimizer: 'Optimizer', schedule: 'Schedule and stopping', start: 'Start', compute: 'Compute' },
  fields: {
    missing: {
      label: 'Missing or non-numeric cells',
      help: 'stop and name the first such cell, drop those rows, or fill features with their training mean (rows without a target are dropped)',
      choices: { error: 'Stop and show the cell', drop: 'Drop those rows', mean: 'Fill features with the training mean' },
    },
    validationFraction: { label: 'Validation split', help: 'share of rows held out (seeded) for the validation loss and early stopping' },
    standardize: { label: 'Standardize features', help: 'scale features to mean 0, sd 1 on the training rows; results stay in original units' },
    intercept: { label: 'Fit an intercept', help: 'the intercept b of y = w·x + b (without it the fitted line passes through the origin)' },
    solver: { label: 'Solver', help: 'gradient descent, or the exact least-squares fit (Householder QR)', choices: { gd: 'Gradient descent', lstsq: 'Exact least squares' } },
    covariance: {
      label: 'Standard errors',
      help: 'exact fit only: classical, or heteroskedasticity-robust HC0–HC3 (HC3 recommended in small samples); t, p and intervals use it',
      choices: { nonrobust: 'Classical', HC0: 'HC0 (White)', HC1: 'HC1', HC2: 'HC2', HC3: 'HC3' },
    },
    ciLevel: { label: 'Confidence level', help: 'exact fit only: level of the coefficients’ confidence intervals, e.g. 0.9' },
    optimizer: { label: 'Optimizer', help: 'the update rule, as in torch.optim' },
    learningRate: { label: 'Learning rate', help: 'step size of each update' },
    epochs: { label: 'Epochs', help: 'passes over the training rows' },
    batchSize: { label: 'Batch size', help: 'rows per step; mini-batches are shuffled each epoch (seeded)', parts: { full: 'Full batch' } },
    momentum: { label: 'Momentum', help: 'weight of the previous step' },
    dampening: { label: 'Dampening', help: 'share of the new gradient left out of the momentum buffer' },
    nesterov: { label: 'Nesterov', help: 'Nesterov momentum (needs momentum above 0 and dampening 0)' },
    beta1: { label: 'β₁', help: 'decay of the running mean of gradients' },
    beta2: { label: 'β₂', help: 'decay of the running mean of squared gradients' },
    alpha: { label: 'α (smoothing)', help: 'decay of the running mean of squared gradients' },
    eps: { label: 'ε', help: 'added to the denominator for numerical stability' },
    centered: { label: 'Centered', help: 'divide by the gradient’s estimated variance instead of its second moment' },
    amsgrad: { label: 'AMSGrad', help: 'divide by the largest second moment so far (Reddi et al., 2018)' },
    lrDecay: { label: 'Learning-rate decay', help: 'the rate at step t is lr / (1 + (t − 1)·decay)' },
    initialAccumulator: { label: 'Initial accumulator', help: 'starting value of the sum of squared gradients' },
    weightDecay: { label: 'Weight decay', help: 'L2 added to the weights’ gradient, never the bias’ (AdamW: decoupled, θ ← θ·(1 − lr·λ))' },
    schedule: {
      label: 'Schedule',
      help: 'learning rate over the epochs, stepped once per epoch as torch.optim.lr_scheduler',
      choices: { constant: 'Constant', step: 'Step', exponential: 'Exponential', cosine: 'Cosine' },
      parts: { stepSize: 'Step size (epochs)', gamma: 'γ', tMax: 'T_max (epochs)', etaMin: 'Minimum learning rate' },
    },
    earlyStopping: {
      label: 'Early stopping',
      help: 'stop when the validation loss has not improved by more than the minimum for that many epochs (needs a validation split)',
      parts: { patience: 'Patience (epochs)', minDelta: 'Minimum improvement', restoreBest: 'Restore best' },
    },
    seed: { label: 'Seed', help: 'split, shuffling and random initial parameters; the same seed gives the same run' },
    init: {
      label: 'Initial parameters',
      help: 'zeros, random U(−1/√d, 1/√d) like torch.nn.Linear, or given values in training units (standardized when standardizing)',
      choices: { zeros: 'Zeros', random: 'Random (seeded)', explicit: 'Given' },
      parts: { weights: 'Weights, comma-separated', bias: 'Bias' },
    },
    precision: { label: 'Precision', help: 'data and parameters in 64- or 32-bit floats (sums in double)', choices: { f64: 'f64', f32: 'f32' } },
    backend: { label: 'Backend', help: 'where the epochs are computed (WebGL runs in the app)', choices: { cpu: 'CPU', webgl: 'WebGL (GPU, f32)' } },
  },
}

const zhCN: SettingTexts = {
  groups: { data: '数据', solver: '求解', optimizer: '优化器', schedule: '调度与停止', start: '起点', compute: '计算' },
  fields: {
    missing: {
      label: '缺失或非数值单元格',
      help: '停止并指出第一个这样的单元格、删除这些行，或用训练集均值填充特征（没有目标值的行会被删除）',
      choices: { error: '停止并指出该单元格', drop: '删除这些行', mean: '用训练集均值填充特征' },
    },
    validationFraction: { label: '验证集比例', help: '按种子留出的行所占比例，用于验证损失和提前停止' },
    standardize: { label: '标准化特征', help: '在训练行上把特征变为均值 0、标准差 1；结果仍以原始单位给出' },
    intercept: { label: '拟合截距', help: 'y = w·x + b 中的截距 b（不拟合时直线经过原点）' },
    solver: { label: '求解方法', help: '梯度下降，或精确最小二乘（Householder QR）', choices: { gd: '梯度下降', lstsq: '精确最小二乘' } },
    covariance: {
      label: '标准误',
      help: '仅精确拟合：经典标准误，或异方差稳健的 HC0–HC3（小样本推荐 HC3）；t、p 和置信区间都按它计算',
      choices: { nonrobust: '经典', HC0: 'HC0（White）', HC1: 'HC1', HC2: 'HC2', HC3: 'HC3' },
    },
    ciLevel: { label: '置信水平', help: '仅精确拟合：系数置信区间的水平，例如 0.9' },
    optimizer: { label: '优化器', help: '参数更新规则，与 torch.optim 相同' },
    learningRate: { label: '学习率', help: '每次更新的步长' },
    epochs: { label: '轮数', help: '遍历训练行的次数' },
    batchSize: { label: '批大小', help: '每步使用的行数；小批量每轮按种子打乱', parts: { full: '全批量' } },
    momentum: { label: '动量', help: '上一步的权重' },
    dampening: { label: '阻尼', help: '新梯度中不计入动量缓冲的比例' },
    nesterov: { label: 'Nesterov 动量', help: 'Nesterov 动量（需要动量大于 0 且阻尼为 0）' },
    beta1: { label: 'β₁', help: '梯度滑动平均的衰减率' },
    beta2: { label: 'β₂', help: '梯度平方滑动平均的衰减率' },
    alpha: { label: 'α（平滑）', help: '梯度平方滑动平均的衰减率' },
    eps: { label: 'ε', help: '加在分母上以保证数值稳定' },
    centered: { label: '中心化', help: '用梯度的估计方差而不是二阶矩作分母' },
    amsgrad: { label: 'AMSGrad', help: '用迄今最大的二阶矩作分母（Reddi 等，2018）' },
    lrDecay: { label: '学习率衰减', help: '第 t 步的学习率为 lr / (1 + (t − 1)·衰减)' },
    initialAccumulator: { label: '累加器初值', help: '梯度平方和的初始值' },
    weightDecay: { label: '权重衰减', help: '加到权重梯度上的 L2 项，不作用于偏置（AdamW：解耦衰减，θ ← θ·(1 − lr·λ)）' },
    schedule: {
      label: '学习率调度',
      help: '学习率随轮数的变化，每轮更新一次，与 torch.optim.lr_scheduler 相同',
      choices: { constant: '恒定', step: '阶梯', exponential: '指数', cosine: '余弦' },
      parts: { stepSize: '阶梯间隔（轮）', gamma: 'γ', tMax: 'T_max（轮）', etaMin: '最小学习率' },
    },
    earlyStopping: {
      label: '提前停止',
      help: '验证损失在指定轮数内的改进不超过最小改进时停止（需要验证集）',
      parts: { patience: '耐心（轮）', minDelta: '最小改进', restoreBest: '恢复最佳参数' },
    },
    seed: { label: '随机种子', help: '划分、打乱和随机初始参数；相同的种子得到相同的训练' },
    init: {
      label: '初始参数',
      help: '全零、像 torch.nn.Linear 一样的随机 U(−1/√d, 1/√d)，或以训练单位给定的值（标准化时为标准化后的单位）',
      choices: { zeros: '全零', random: '随机（按种子）', explicit: '指定' },
      parts: { weights: '权重，用逗号分隔', bias: '偏置' },
    },
    precision: { label: '精度', help: '数据和参数使用 64 位或 32 位浮点数（求和始终用双精度）', choices: { f64: 'f64', f32: 'f32' } },
    backend: { label: '计算后端', help: '在哪里计算每一轮（WebGL 在应用中运行）', choices: { cpu: 'CPU', webgl: 'WebGL（GPU，f32）' } },
  },
}

export const settingTexts: Record<'en' | 'zh-CN', SettingTexts> = { en, 'zh-CN': zhCN }
