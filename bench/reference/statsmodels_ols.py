"""Reference fits for the formula tests (src-core/formula/formula-statsmodels.test.ts).

Reads JSON on stdin: {"export": {dataset name: csv path}, "cases": [{"csv", "formula"}]}.
First writes each named statsmodels dataset to its CSV (integral float columns as integers, so
pandas reads them back as int64 and patsy names their levels "3", not "3.0"); then fits
statsmodels' ols(formula, data) on each case's CSV (read with round-trip float parsing) and
prints a JSON list of {"names", "params", "bse"} — and "predicted", fit.predict on the rows of
the case's "predict_csv" when it has one (patsy rebuilds the design with the training levels and
scale()/center() statistics).
"""
import json
import sys

import numpy as np
import pandas as pd
import patsy
import statsmodels.api as sm
from statsmodels.formula.api import ols

job = json.load(sys.stdin)
for name, path in job["export"].items():
    data = getattr(sm.datasets, name).load_pandas().data
    for column in data.columns:
        values = data[column]
        if values.dtype.kind == "f" and values.notna().all() and (values == values.round()).all():
            data[column] = values.astype("int64")
    data.to_csv(path, index=False)

# The elementwise functions Slope's formulas know, as numpy has them (patsy adds I, C, center, scale).
env = patsy.EvalEnvironment([{"log": np.log, "log10": np.log10, "log2": np.log2, "log1p": np.log1p, "exp": np.exp, "sqrt": np.sqrt, "abs": np.abs}])
out = []
for case in job["cases"]:
    data = pd.read_csv(case["csv"], float_precision="round_trip")
    fit = ols(case["formula"], data, eval_env=env).fit()
    result = {"names": list(fit.params.index), "params": list(fit.params.values), "bse": list(fit.bse.values)}
    if "predict_csv" in case:
        result["predicted"] = list(fit.predict(pd.read_csv(case["predict_csv"], float_precision="round_trip")).values)
    out.append(result)
json.dump(out, sys.stdout)
