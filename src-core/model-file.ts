import * as z from 'zod'
import { InputError } from './errors'
import { INTERCEPT_KEY } from './intercept-key'
import type { Metrics } from './model/metrics'
import type { CoefficientStats } from './model/least-squares'
import type { FitOutcome } from './train/fit-model'
import { covarianceTypes } from './model/covariance-type'
import type { RegressionReport, TestResult } from './model/regression-report'
import { describeReading, reportReadings } from './model/report-readings'
import { documentedConfigSchema, type TrainConfig } from './train/config'
import { loopOutcomes } from './train/train-loop'

/**
 * The model JSON document: everything needed to predict without Slope. This schema is the single
 * source of resources/model.schema.json (generated from it; a test keeps the two equal).
 *
 * Keyed-by-name objects (coefficients, statistics) are built with Object.fromEntries and read with
 * Object.hasOwn: feature names come from files, and "__proto__" is a legal header.
 */
export const MODEL_FORMAT = 'slope-linear-model'
export const MODEL_VERSION = 1
export { INTERCEPT_KEY }

/**
 * Built on first use (z.lazy): its ~150 schemas take ~10 ms to construct, and most commands that
 * load this module (`slope train` for the intercept's name and the document's builder) never read
 * or document a model file (issue #16).
 */
export const modelDocumentSchema = z.lazy(() => {
  const metricsSchema = z
    .object({
      mse: z.number().describe('Mean squared error, mean((ŷ − y)²).'),
      rmse: z.number().describe('Square root of mse, in target units.'),
      mae: z.number().describe('Mean absolute error, in target units.'),
      r2: z.number().nullable().describe('1 − RSS/TSS about the mean of y; null when y is constant.'),
    })
    .describe('Fit metrics in the target’s units.')

  const byName = (what: string) => z.record(z.string(), z.number().nullable()).describe(`${what}, keyed by feature name and "${INTERCEPT_KEY}".`)

  const formulaSchema = z.object({
    text: z.string().describe('The formula as written, e.g. "log(y) ~ x + I(x ^ 2) + city".'),
    response_column: z.string().nullable().describe('The data column the response reads (null when several).'),
    back_transform: z
      .enum(['exp', 'pow10', 'pow2', 'expm1', 'square', 'log', 'uncenter', 'unscale'])
      .nullable()
      .describe('How a prediction of the response (target) goes back to response_column’s units; exp of a log prediction is the median, not the mean.'),
    terms: z
      .array(
        z.object({
          name: z.string().describe('The feature (design column) name.'),
          term: z.string().describe('The formula term it belongs to, e.g. "x:city".'),
          factors: z
            .array(
              z.object({
                kind: z.enum(['numeric', 'level']).describe('numeric: the value of an expression; level: 1 where column equals level, else 0.'),
                name: z.string().describe('The expression as written in the formula (numeric) or the factor (level).'),
                columns: z.array(z.string()).optional().describe('Data columns a numeric factor reads.'),
                column: z.string().optional().describe('The categorical data column (level).'),
                level: z.string().optional().describe('The level this indicator is 1 for.'),
              }),
            )
            .describe('The feature is the product of these factors.'),
        }),
      )
      .describe('One per feature, in the order of `features`.'),
    factors: z
      .array(z.object({ name: z.string(), levels: z.array(z.string()), reference: z.string() }))
      .describe('Categorical factors: their levels (code-point order, numbers as Python prints them) and the reference level; a value not listed is unknown to the model.'),
    transforms: z
      .array(z.object({ name: z.string(), mean: z.number(), scale: z.number() }))
      .describe('scale()/center() factors: (value − mean) / scale with the training data’s mean and standard deviation (ddof 0; scale 1 for center).'),
  })

  const nullableNumber = z.number().nullable()
  const perFeature = (what: string) => z.record(z.string(), nullableNumber).describe(`${what}, keyed by feature name.`)
  const lmTest = (what: string) =>
    z
      .object({ lm: nullableNumber.describe('LM statistic.'), lm_p: nullableNumber.describe('Its χ² p-value.'), f: nullableNumber.describe('F statistic of the auxiliary regression.'), f_p: nullableNumber, df: z.number().int().describe('χ² degrees of freedom.') })
      .describe(what)

  /**
   * The regression report (model/regression-report.ts), statsmodels' definitions; optional, so model
   * files written before it existed still read.
   */
  const reportSchema = {
    cov_type: z.enum(covarianceTypes).optional().describe('Covariance estimator of `inference` (nonrobust = σ²(XᵀX)⁻¹; HC0–HC3 White/MacKinnon–White).'),
    ci_level: z.number().optional().describe('Level of `inference.ci`.'),
    inference: z
      .object({ std_errors: byName('Standard errors'), t: byName('t statistics'), p: byName('Two-sided p-values (Student t, df_residual)'), ci: z.record(z.string(), z.tuple([z.number(), z.number()]).nullable()).describe('Confidence intervals at ci_level.') })
      .optional()
      .describe('Inference from the chosen covariance estimator (cov_type) at ci_level; std_errors/t/p/ci95 above are always the classical ones.'),
    hc0_se: byName('HC0 (White) standard errors').optional(),
    hc1_se: byName('HC1 standard errors: HC0 · √(n/(n − p))').optional(),
    hc2_se: byName('HC2 standard errors: e²/(1 − h)').optional(),
    hc3_se: byName('HC3 standard errors: e²/(1 − h)²').optional(),
    covariance: z
      .object({ terms: z.array(z.string()), type: z.enum(covarianceTypes), nonrobust: z.array(z.array(z.number())), chosen: z.array(z.array(z.number())) })
      .nullable()
      .optional()
      .describe('Coefficient covariance matrices (rows and columns in `terms` order): classical and the chosen estimator; null above 100 terms.'),
    standardized_coefficients: perFeature('β = coefficient · sd(x)/sd(y), sample standard deviations').optional(),
    vif: perFeature('Variance inflation factor 1/(1 − R²ⱼ) of the feature on the other columns').optional(),
    tolerance: perFeature('1/VIF').optional(),
    condition_number: nullableNumber.optional().describe('Largest condition index of the design with unit-length columns (intercept included, Belsley–Kuh–Welsch).'),
    condition_number_unscaled: nullableNumber.optional().describe('statsmodels’ "Cond. No.": √(λmax/λmin) of XᵀX in original units.'),
    eigenvalues: z.array(nullableNumber).optional().describe('Eigenvalues of the unit-column-scaled design’s cross-product, descending.'),
    condition_indices: z.array(nullableNumber).optional().describe('√(λmax/λk) for each eigenvalue.'),
    log_likelihood: nullableNumber.optional().describe('Gaussian log-likelihood −n/2·(log 2π + log(RSS/n) + 1).'),
    aic: nullableNumber.optional().describe('−2·log_likelihood + 2p (p parameters with the intercept).'),
    bic: nullableNumber.optional().describe('−2·log_likelihood + p·log n.'),
    mse_model: nullableNumber.optional().describe('ss_model / df_model.'),
    mse_resid: nullableNumber.optional().describe('ss_resid / df_residual = residual_sd².'),
    anova: z
      .object({ ss_model: z.number(), ss_resid: z.number(), ss_total: z.number().describe('About the mean with an intercept, Σy² without.'), df_model: z.number().int(), df_resid: z.number().int(), df_total: z.number().int() })
      .optional()
      .describe('Analysis of variance: ss_total = ss_model + ss_resid.'),
    durbin_watson: nullableNumber.optional().describe('Σ(eₜ − eₜ₋₁)²/Σeₜ² in row order (2: no autocorrelation).'),
    jarque_bera: z
      .object({ statistic: nullableNumber, p: nullableNumber, skew: nullableNumber, kurtosis: nullableNumber })
      .optional()
      .describe('Jarque–Bera n/6·(S² + (K − 3)²/4), χ²(2); S, K the residuals’ population skewness and kurtosis.'),
    omnibus: z.object({ statistic: z.number(), p: z.number() }).nullable().optional().describe('D’Agostino–Pearson K² normality test, χ²(2); null below 8 rows.'),
    breusch_pagan: lmTest('Breusch–Pagan, Koenker’s studentized variant (statsmodels’ default): n·R² of e² on the features.').extend({ variant: z.literal('koenker') }).nullable().optional(),
    breusch_pagan_original: lmTest('Breusch–Pagan’s original LM = ESS/2 of e²/mean(e²) on the features (Stata’s estat hettest default).').extend({ variant: z.literal('original') }).nullable().optional(),
    white: z.union([lmTest('White’s test: n·R² of e² on the features, their squares and cross products.'), z.object({ skipped: z.string() })]).optional(),
    readings: z.array(z.string()).optional().describe('Plain-language readings of the tests and collinearity figures (English).'),
  }

  return z
    .object({
      format: z.literal(MODEL_FORMAT).describe('Always "slope-linear-model".'),
      version: z.literal(MODEL_VERSION).describe('Version of this document format.'),
      app_version: z.string().describe('Version of Slope that wrote the file.'),
      created_at: z.string().describe('ISO 8601 time the model was written.'),
      target: z.string().describe('Name of the predicted column.'),
      features: z.array(z.string()).describe('Feature columns, in the order of the coefficients.'),
      coefficients: z
        .record(z.string(), z.number())
        .describe('Feature name → coefficient in original units: ŷ = intercept + Σ coefficients[f] · x[f].'),
      intercept: z.number().describe('Intercept in original units (0 for a model fitted without one).'),
      fit_intercept: z.boolean().describe('Whether the model was fitted with an intercept.'),
      standardization: z
        .object({
          mean: z.record(z.string(), z.number()).describe('Training-row mean of each feature (0 without intercept).'),
          scale: z.record(z.string(), z.number()).describe('Training-row standard deviation (ddof 0) of each feature.'),
        })
        .nullable()
        .describe('How features were standardized during training. Informational: coefficients are already in original units.'),
      imputation: z
        .record(z.string(), z.number())
        .nullable()
        .describe('Feature name → training mean filled into missing cells (missing policy "mean"); apply the same to new data.'),
      metrics: z.object({ train: metricsSchema, validation: metricsSchema.nullable() }),
      training: z
        .object({
          solver: z.enum(['gd', 'lstsq']),
          status: z.enum(loopOutcomes),
          epochs_run: z.number().int(),
          stopped_early: z.boolean(),
          best_epoch: z.number().int().nullable(),
          final_loss: z.number().nullable().describe('Training loss of the last epoch (gd).'),
          final_val_loss: z.number().nullable(),
          config: documentedConfigSchema,
          curvature: z
            .object({
              lambda_max: z.number().nullable().describe('Largest eigenvalue of the training loss’s Hessian H = (2/n)·XᵀX (+ L2 weight decay on the weights), in training units.'),
              lambda_min: z.number().nullable().describe('Smallest eigenvalue of H.'),
              condition_number: z.number().nullable().describe('κ = λmax/λmin; null when the design is singular.'),
              lr_max_stable: z.number().nullable().describe('Full-batch SGD with this run’s momentum, dampening and Nesterov flag converges exactly below this rate; null for adaptive optimizers (see note).'),
              lr_optimal: z.number().nullable().describe('The fastest constant rate for this run’s momentum.'),
              heavy_ball: z.object({ lr: z.number().nullable(), momentum: z.number().nullable() }).describe('Polyak’s optimal learning rate and momentum for this Hessian.'),
              contraction_per_epoch: z.number().nullable().describe('At the run’s rate: the factor by which the distance to the optimum shrinks per epoch (the loss gap by its square); ≥ 1 does not converge.'),
              'epochs_to_1e-6': z.object({ predicted: z.number().nullable(), observed: z.number().nullable() }).describe('Epochs to bring the loss gap to 1e-6 of its start: predicted from the Hessian, observed in the run.'),
              note: z.string().nullable().describe('What the figures mean for this run (mini-batch approximation, adaptive optimizer, singular design…).'),
            })
            .nullable()
            .optional()
            .describe('The learning-rate oracle (docs/learning-rates.md): which rates converge on these data; null for least squares.'),
        })
        .describe('How the model was fitted.'),
      dataset: z.object({
        file: z.string().describe('File name the data came from.'),
        sha256: z.string().describe('SHA-256 of the file’s bytes (hex).'),
        rows: z.number().int().describe('Data rows in the file.'),
        train_rows: z.number().int(),
        validation_rows: z.number().int(),
        dropped_rows: z.number().int().describe('Rows dropped for missing values.'),
      }),
      one_hot: z
        .array(
          z.object({
            column: z.string().describe('Text column of the data file.'),
            reference: z.string().describe('Its level without a feature: all of the column’s features are 0 for it.'),
            levels: z.array(z.string()).describe('Levels with a feature each, named "column=level": 1 for that level, else 0.'),
          }),
        )
        .optional()
        .describe('Text columns one-hot encoded into 0/1 features (slope train --one-hot); a value not listed here is unknown to the model.'),
      formula: formulaSchema.optional().describe('The model as a formula (slope train --formula): how to build the features from a data file (README "Formulas").'),
      statistics: z
        .object({
          std_errors: byName('Standard errors'),
          t: byName('t statistics'),
          p: byName('Two-sided p-values'),
          ci95: z.record(z.string(), z.tuple([z.number(), z.number()]).nullable()).describe(`95 % confidence intervals [low, high], keyed by feature name and "${INTERCEPT_KEY}".`),
          r2: z.number().describe('R²; uncentered (1 − RSS/Σy²) without an intercept.'),
          adj_r2: z.number().nullable(),
          residual_sd: z.number().nullable().describe('Residual standard deviation, √(RSS/df_residual).'),
          df_residual: z.number().int(),
          df_model: z.number().int(),
          f: z.number().nullable().describe('F statistic of the regression.'),
          f_p: z.number().nullable().describe('p-value of F.'),
          ...reportSchema,
        })
        .nullable()
        .describe('Least-squares inference (solver lstsq only).'),
    })
    .describe('A linear model fitted by Slope. Predict with ŷ = intercept + Σ coefficients[f] · x[f].')
})

export type ModelDocument = z.output<typeof modelDocumentSchema>

export interface DatasetInfo {
  file: string
  sha256: string
  rows: number
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null)

function metricsJson(m: Metrics) {
  return { mse: m.mse, rmse: m.rmse, mae: m.mae, r2: finiteOrNull(m.r2) }
}

/** Builds the document for a finished fit; throws for a run that has no model (diverged). */
export function buildModelDocument(outcome: FitOutcome, config: TrainConfig, dataset: DatasetInfo, appVersion: string, now = new Date()): ModelDocument {
  if (!outcome.model || !outcome.metrics) {
    throw new InputError('This run diverged, so it has no model to export.', 'Lower the learning rate (or standardize the features) and train again.')
  }
  const { features, target, standardization, imputation } = outcome.prepared
  const named = <T>(values: readonly T[]) => Object.fromEntries(features.map((f, i) => [f, values[i]!]))
  const stats = outcome.statistics
  const statsBy = <T>(pick: (c: CoefficientStats) => T) =>
    stats ? Object.fromEntries([...(stats.interceptStats ? [[INTERCEPT_KEY, pick(stats.interceptStats)]] : []), ...features.map((f, i) => [f, pick(stats.coefficients[i]!)])]) : {}
  const last = outcome.loss.length - 1
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    app_version: appVersion,
    created_at: now.toISOString(),
    target,
    features: [...features],
    coefficients: named(outcome.model.weights),
    intercept: outcome.model.intercept,
    fit_intercept: config.intercept,
    standardization: standardization ? { mean: named(standardization.mean), scale: named(standardization.scale) } : null,
    imputation: imputation ? named(imputation) : null,
    metrics: { train: metricsJson(outcome.metrics.train), validation: outcome.metrics.validation ? metricsJson(outcome.metrics.validation) : null },
    training: {
      solver: config.solver,
      status: outcome.status,
      epochs_run: outcome.epochsRun,
      stopped_early: outcome.stoppedEarly,
      best_epoch: outcome.bestEpoch,
      final_loss: last >= 0 ? outcome.loss[last]! : null,
      final_val_loss: last >= 0 && outcome.valLoss ? outcome.valLoss[last]! : null,
      config: { ...config },
      curvature: outcome.curvature,
    },
    dataset: {
      file: dataset.file,
      sha256: dataset.sha256,
      rows: dataset.rows,
      train_rows: outcome.prepared.trainRows,
      validation_rows: outcome.prepared.validationRows,
      dropped_rows: outcome.prepared.missing.droppedRows,
    },
    statistics: stats
      ? {
          std_errors: statsBy((c) => finiteOrNull(c.stdError)),
          t: statsBy((c) => finiteOrNull(c.t)),
          p: statsBy((c) => finiteOrNull(c.p)),
          ci95: statsBy((c) => (Number.isFinite(c.ci95[0]) ? c.ci95 : null)),
          r2: stats.r2,
          adj_r2: finiteOrNull(stats.adjR2),
          residual_sd: finiteOrNull(stats.residualSd),
          df_residual: stats.dfResidual,
          df_model: stats.dfModel,
          f: finiteOrNull(stats.f),
          f_p: finiteOrNull(stats.fP),
          ...(stats.report ? reportJson(stats.report, features) : {}),
        }
      : null,
  }
}

function reportJson(r: RegressionReport, features: readonly string[]) {
  const byTerm = <T>(values: readonly T[]) => Object.fromEntries(r.terms.map((t, j) => [t, values[j]!]))
  const byFeature = <T>(values: readonly T[]) => Object.fromEntries(features.map((f, j) => [f, values[j]!]))
  const test = (t: TestResult) => ({ lm: t.lm, lm_p: t.lmP, f: t.f, f_p: t.fP, df: t.df })
  return {
    cov_type: r.covariance,
    ci_level: r.ciLevel,
    inference: {
      std_errors: byTerm(r.inference.map((c) => c.stdError)),
      t: byTerm(r.inference.map((c) => c.t)),
      p: byTerm(r.inference.map((c) => c.p)),
      ci: byTerm(r.inference.map((c) => c.ci)),
    },
    hc0_se: byTerm(r.hcStdErrors.HC0),
    hc1_se: byTerm(r.hcStdErrors.HC1),
    hc2_se: byTerm(r.hcStdErrors.HC2),
    hc3_se: byTerm(r.hcStdErrors.HC3),
    covariance: r.covarianceMatrix ? { terms: r.terms, type: r.covariance, ...r.covarianceMatrix } : null,
    standardized_coefficients: byFeature(r.standardized),
    vif: byFeature(r.vif),
    tolerance: byFeature(r.tolerance),
    // A perfect fit (RSS 0) has an infinite log-likelihood, a singular-looking design an infinite index: null in JSON.
    condition_number: finiteOrNull(r.collinearity.conditionNumber),
    condition_number_unscaled: finiteOrNull(r.collinearity.conditionNumberUnscaled),
    eigenvalues: r.collinearity.eigenvalues.map(finiteOrNull),
    condition_indices: r.collinearity.conditionIndices.map(finiteOrNull),
    log_likelihood: finiteOrNull(r.logLikelihood),
    aic: finiteOrNull(r.aic),
    bic: finiteOrNull(r.bic),
    mse_model: r.anova.mseModel,
    mse_resid: r.anova.mseResid,
    anova: { ss_model: r.anova.ssModel, ss_resid: r.anova.ssResid, ss_total: r.anova.ssTotal, df_model: r.anova.dfModel, df_resid: r.anova.dfResid, df_total: r.anova.dfTotal },
    durbin_watson: r.durbinWatson,
    jarque_bera: r.jarqueBera,
    omnibus: r.omnibus,
    breusch_pagan: r.breuschPagan ? { ...test(r.breuschPagan.koenker), variant: 'koenker' as const } : null,
    breusch_pagan_original: r.breuschPagan ? { ...test(r.breuschPagan.original), variant: 'original' as const } : null,
    white: 'skipped' in r.white ? r.white : test(r.white),
    readings: reportReadings(r, features).map((reading) => describeReading(reading)),
  }
}

/** What prediction needs, read safely from a model document. */
export interface LoadedModel {
  document: ModelDocument
  target: string
  features: string[]
  weights: number[]
  intercept: number
  imputation: number[] | null
}

/** Parses and validates a model file's text; every problem is an InputError naming the field. */
export function readModelDocument(text: string, fileName: string): LoadedModel {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (e) {
    throw new InputError(`${fileName} is not valid JSON (${(e as Error).message}).`, 'Choose a model file exported by Slope.', { file: fileName })
  }
  const format = (raw as { format?: unknown } | null)?.format
  if (format !== MODEL_FORMAT) {
    throw new InputError(`${fileName} is not a Slope model (its "format" is ${JSON.stringify(format) ?? 'missing'}).`, 'Choose a model file exported by Slope.', { file: fileName })
  }
  const version = (raw as { version?: unknown }).version
  if (typeof version === 'number' && version > MODEL_VERSION) {
    throw new InputError(`${fileName} was written by a newer Slope (model format ${version}; this one reads ${MODEL_VERSION}).`, 'Update Slope to read it.', { file: fileName })
  }
  const parsed = modelDocumentSchema.safeParse(raw)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    throw new InputError(`${fileName} has an invalid field "${issue.path.join('.')}": ${issue.message}.`, 'Re-export the model from Slope.', { file: fileName })
  }
  const rawCoefficients = (raw as { coefficients: Record<string, unknown> }).coefficients
  const rawImputation = (raw as { imputation: Record<string, unknown> | null }).imputation
  const features = parsed.data.features
  const weights = features.map((f) => {
    const v = Object.hasOwn(rawCoefficients, f) ? rawCoefficients[f] : undefined
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new InputError(`${fileName} has no finite coefficient for feature "${f}".`, 'Re-export the model from Slope.', { file: fileName, column: f })
    }
    return v
  })
  const imputation = rawImputation
    ? features.map((f) => {
        const v = Object.hasOwn(rawImputation, f) ? rawImputation[f] : undefined
        return typeof v === 'number' && Number.isFinite(v) ? v : NaN
      })
    : null
  return { document: parsed.data, target: parsed.data.target, features, weights, intercept: parsed.data.intercept, imputation }
}

/** resources/model.schema.json, generated from the zod schema above (npm run schema). */
export function modelJsonSchema(): Record<string, unknown> {
  return {
    $id: 'https://slope.invalid/model.schema.json',
    title: 'Slope linear model',
    ...z.toJSONSchema(modelDocumentSchema, { target: 'draft-2020-12' }),
  }
}
