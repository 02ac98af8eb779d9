"""Independent eigenvalues of the MSE's Hessian for Slope's curvature tests (src-core/model/curvature.test.ts).

Reads a JSON list of cases from stdin:
  {"x": [row-major floats], "rows": n, "features": d, "intercept": bool, "weight_decay": λ, "exact": bool}
and prints a list of {"numpy": [eigenvalues ascending], "exact": [ascending] | null}.

H = (2/n)·AᵀA + λ·diag(1, …, 1, 0), A = [X 1] (intercept last) or X, as Slope defines it.
- "numpy": H formed in float64 by numpy, eigenvalues by LAPACK (numpy.linalg.eigvalsh).
- "exact" (when asked and mpmath imports): H formed exactly in rationals from the same doubles
  (Fraction(float) is exact), eigenvalues by mpmath.eigsy at 60 digits, then rounded to double:
  the reference for ill-conditioned designs where numpy's λmin is only good to ε·λmax.
"""
import json
import sys
from fractions import Fraction

import numpy as np


def numpy_eigenvalues(case: dict) -> list:
    n, d = case["rows"], case["features"]
    a = np.array(case["x"], dtype=np.float64).reshape(n, d)
    if case["intercept"]:
        a = np.hstack([a, np.ones((n, 1))])
    h = (2.0 / n) * (a.T @ a)
    h[np.arange(d), np.arange(d)] += case.get("weight_decay", 0.0)
    return np.linalg.eigvalsh(h).tolist()


def exact_eigenvalues(case: dict):
    try:
        import mpmath
    except ImportError:
        return None
    n, d = case["rows"], case["features"]
    rows = [[Fraction(v) for v in case["x"][i * d:(i + 1) * d]] + ([Fraction(1)] if case["intercept"] else []) for i in range(n)]
    p = len(rows[0])
    lam = Fraction(case.get("weight_decay", 0.0))
    mpmath.mp.dps = 60
    h = mpmath.matrix(p, p)
    for i in range(p):
        for j in range(i, p):
            g = sum(r[i] * r[j] for r in rows) * Fraction(2, n) + (lam if i == j and i < d else 0)
            h[i, j] = h[j, i] = mpmath.mpf(g.numerator) / g.denominator
    return sorted(float(e) for e in mpmath.eigsy(h, eigvals_only=True))


def main() -> None:
    cases = json.load(sys.stdin)
    out = [{"numpy": numpy_eigenvalues(c), "exact": exact_eigenvalues(c) if c.get("exact") else None} for c in cases]
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
