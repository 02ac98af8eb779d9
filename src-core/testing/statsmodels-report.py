"""Reference figures for regression-report.test.ts, from statsmodels (Debian python3-statsmodels).

Reads nothing; prints one JSON document: for each data set shipped with statsmodels, the data as
fitted (so the TypeScript side fits exactly these doubles) and statsmodels' figures. JSON floats are
written with repr, so every double round-trips exactly.
"""
import json
import sys

import numpy as np
import statsmodels.api as sm
from statsmodels.stats.diagnostic import het_breuschpagan, het_white
from statsmodels.stats.outliers_influence import OLSInfluence, variance_inflation_factor
from statsmodels.stats.stattools import durbin_watson, jarque_bera, omni_normtest

LEVEL = 0.9


def frame(name):
    data = getattr(sm.datasets, name).load_pandas().data
    return data


def cases():
    longley = frame("longley")
    yield "longley", longley["TOTEMP"], longley[["GNPDEFL", "GNP", "UNEMP", "ARMED", "POP", "YEAR"]], True
    stack = frame("stackloss")
    yield "stackloss", stack["STACKLOSS"], stack[["AIRFLOW", "WATERTEMP", "ACIDCONC"]], True
    yield "stackloss (no intercept)", stack["STACKLOSS"], stack[["AIRFLOW", "WATERTEMP", "ACIDCONC"]], False
    engel = frame("engel")
    yield "engel", engel["foodexp"], engel[["income"]], True
    ccard = frame("ccard")
    yield "ccard", ccard["AVGEXP"], ccard[["AGE", "INCOME", "INCOMESQ", "OWNRENT"]], True
    fair = frame("fair")
    yield "fair", fair["affairs"], fair[["rate_marriage", "age", "yrs_married", "children", "religious", "educ", "occupation", "occupation_husb"]], True
    crime = frame("statecrime")
    yield "statecrime", crime["murder"], crime[["poverty", "hs_grad", "urban", "single"]], True


def floats(a):
    # NaN (e.g. White's F when its auxiliary regression is saturated) as null: JSON has no NaN.
    return [None if np.isnan(v) else float(v) for v in np.asarray(a, dtype=float).ravel()]


def report(name, y, X, intercept):
    features = list(X.columns)
    Xv = X.to_numpy(dtype=float)
    yv = y.to_numpy(dtype=float)
    exog = sm.add_constant(Xv, prepend=True, has_constant="add") if intercept else Xv
    res = sm.OLS(yv, exog).fit()
    n, p = exog.shape
    with_const = sm.add_constant(Xv, prepend=True, has_constant="add")
    inference = {}
    for cov in ["nonrobust", "HC0", "HC1", "HC2", "HC3"]:
        r = res if cov == "nonrobust" else res.get_robustcov_results(cov_type=cov, use_t=True)
        ci = r.conf_int(alpha=1 - LEVEL)
        inference[cov] = {
            "se": floats(r.bse), "t": floats(r.tvalues), "p": floats(r.pvalues),
            "ci_low": floats(ci[:, 0]), "ci_high": floats(ci[:, 1]), "cov": floats(r.cov_params()),
        }
    jb, jb_p, skew, kurt = jarque_bera(res.resid)
    omni, omni_p = omni_normtest(res.resid)
    bp_k = het_breuschpagan(res.resid, with_const, robust=True)
    bp_o = het_breuschpagan(res.resid, with_const, robust=False)
    white = het_white(res.resid, with_const)
    # Belsley-Kuh-Welsch on the unit-length columns of the design (intercept included, not centered).
    unit = exog / np.linalg.norm(exog, axis=0)
    _, s, vt = np.linalg.svd(unit, full_matrices=False)
    phi = (vt.T ** 2) / s ** 2  # [term, dimension]
    proportions = (phi / phi.sum(axis=1, keepdims=True)).T  # [dimension, term]
    offset = 1 if intercept else 0
    vif = [float(variance_inflation_factor(exog, j + offset)) for j in range(len(features))]
    influence = OLSInfluence(res)
    return {
        "name": name, "features": features, "intercept": intercept,
        "X": floats(Xv), "y": floats(yv),
        "params": floats(res.params), "inference": inference,
        "hc_se": {c: floats(getattr(res, c + "_se")) for c in ["HC0", "HC1", "HC2", "HC3"]},
        "standardized": floats(res.params[offset:] * Xv.std(axis=0, ddof=1) / yv.std(ddof=1)),
        "vif": vif,
        "eigenvalues": floats(s ** 2), "condition_indices": floats(s[0] / s),
        "condition_number_unscaled": float(res.condition_number),
        "variance_proportions": floats(proportions),
        "llf": float(res.llf), "aic": float(res.aic), "bic": float(res.bic),
        "ssr": float(res.ssr), "ess": float(res.ess),
        "tss": float(res.centered_tss if intercept else res.uncentered_tss),
        "df_model": float(res.df_model), "df_resid": float(res.df_resid),
        "mse_model": float(res.mse_model), "mse_resid": float(res.mse_resid), "mse_total": float(res.mse_total),
        "rsquared": float(res.rsquared), "fvalue": float(res.fvalue), "f_pvalue": float(res.f_pvalue),
        "durbin_watson": float(durbin_watson(res.resid)),
        "jarque_bera": [float(jb), float(jb_p), float(skew), float(kurt)],
        "omnibus": [float(omni), float(omni_p)],
        "bp_koenker": floats(bp_k), "bp_original": floats(bp_o), "white": floats(white),
        "leverage": floats(influence.hat_matrix_diag),
        "studentized": floats(influence.resid_studentized_internal),
        "studentized_external": floats(influence.resid_studentized_external),
        "cooks_d": floats(influence.cooks_distance[0]),
        "dffits": floats(influence.dffits[0]),
        "dfbetas": floats(influence.dfbetas),
        "fitted": floats(res.fittedvalues), "resid": floats(res.resid),
    }


json.dump({"level": LEVEL, "cases": [report(*c) for c in cases()]}, sys.stdout)
