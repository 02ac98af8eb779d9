/**
 * Estimators of the coefficients' covariance, as statsmodels names them (`cov_type`): the classical
 * σ²(XᵀX)⁻¹, and White's heteroskedasticity-consistent "sandwich" (XᵀX)⁻¹ Xᵀ diag(ωᵢ) X (XᵀX)⁻¹ with
 * ωᵢ = eᵢ² (HC0, White 1980), eᵢ²·n/(n − p) (HC1), eᵢ²/(1 − hᵢ) (HC2) or eᵢ²/(1 − hᵢ)² (HC3,
 * MacKinnon & White 1985 — the one Long & Ervin 2000 recommend for small samples).
 */
export const covarianceTypes = ['nonrobust', 'HC0', 'HC1', 'HC2', 'HC3'] as const
export type CovarianceType = (typeof covarianceTypes)[number]
export type RobustCovarianceType = Exclude<CovarianceType, 'nonrobust'>
export const robustCovarianceTypes = covarianceTypes.filter((c): c is RobustCovarianceType => c !== 'nonrobust')
