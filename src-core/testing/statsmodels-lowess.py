# statsmodels lowess on the cases the test sends (JSON on stdin): the reference of src-core/model/lowess.test.ts.
import json, sys
import numpy as np
from statsmodels.nonparametric.smoothers_lowess import lowess
d = json.load(sys.stdin)
out = []
for c in d:
    r = lowess(np.array(c['y']), np.array(c['x']), frac=c['frac'], it=c['it'], delta=c['delta'], return_sorted=False)
    out.append(r.tolist())
print(json.dumps(out))
