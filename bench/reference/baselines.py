"""Baselines for `npm run bench` (bench/suites/*.ts): PyTorch and numpy doing the same work as Slope.

Reads a JSON list of jobs on stdin, prints a JSON list of results (median milliseconds after one
warm-up run) on stdout. Data are seeded random numbers of the job's shape and dtype: timing, not
values, is compared.

Jobs:
  {"kind": "torch_gd", "rows", "features", "dtype": "float32"|"float64", "epochs", "batch": null|n,
   "threads", "reps"}   -> the tutorial's loop: forward, MSELoss, backward, SGD step (per batch);
                           mini-batches index a fresh torch.randperm each epoch, as the tutorial would.
  {"kind": "numpy_gd", "rows", "features", "dtype", "epochs", "reps"}
                        -> full-batch gradient descent: r = X @ w + b - y, g = 2/n X.T @ r.
  {"kind": "numpy_read", "rows", "features", "dtype", "reps"}   -> X.sum(): one read of X.
  {"kind": "numpy_lstsq", "rows", "features", "reps"}           -> numpy.linalg.lstsq with an
                                                                   intercept column (LAPACK gelsd).
  {"kind": "statsmodels_ols", "rows", "features", "reps"}       -> statsmodels OLS(y, add_constant(X))
                                                                   .fit() and its summary statistics
                                                                   (bse, tvalues, pvalues, conf_int, F):
                                                                   what an analyst runs, and what Slope
                                                                   reports.
Result: {"ms": median milliseconds of the whole job (all epochs), "version": library version}.
"""
import json
import statistics
import sys
import time

import numpy as np


def data(job):
    rng = np.random.default_rng(1)
    dtype = np.float32 if job.get("dtype", "float64") == "float32" else np.float64
    x = rng.uniform(-2, 3, size=(job["rows"], job["features"])).astype(dtype)
    y = (x @ rng.uniform(-1, 1, size=job["features"]).astype(dtype) + rng.uniform(-1, 1, size=job["rows"]).astype(dtype)).astype(dtype)
    return x, y


def median_ms(fn, reps):
    fn()  # warm-up
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def torch_gd(job):
    import torch

    torch.set_num_threads(job.get("threads", 1))
    xn, yn = data(job)
    x = torch.from_numpy(xn)
    y = torch.from_numpy(yn).reshape(-1, 1)
    n, d = x.shape
    batch = job.get("batch") or n
    w = torch.zeros(d, 1, dtype=x.dtype, requires_grad=True)
    b = torch.zeros(1, dtype=x.dtype, requires_grad=True)
    opt = torch.optim.SGD([w, b], lr=1e-4)
    loss_fn = torch.nn.MSELoss()

    def run():
        for _ in range(job["epochs"]):
            if batch >= n:
                loss = loss_fn(x @ w + b, y)
                opt.zero_grad()
                loss.backward()
                opt.step()
            else:
                perm = torch.randperm(n)
                for start in range(0, n, batch):
                    idx = perm[start : start + batch]
                    loss = loss_fn(x[idx] @ w + b, y[idx])
                    opt.zero_grad()
                    loss.backward()
                    opt.step()

    return {"ms": median_ms(run, job["reps"]), "version": torch.__version__}


def numpy_gd(job):
    x, y = data(job)
    n, d = x.shape
    w = np.zeros(d, dtype=x.dtype)
    b = x.dtype.type(0)

    def run():
        nonlocal w, b
        for _ in range(job["epochs"]):
            r = x @ w + b - y
            g = (2 / n) * (x.T @ r)
            w = w - 1e-4 * g
            b = b - 1e-4 * (2 / n) * r.sum()

    return {"ms": median_ms(run, job["reps"]), "version": np.__version__}


def numpy_read(job):
    x, _ = data(job)
    return {"ms": median_ms(lambda: x.sum(), job["reps"]), "version": np.__version__}


def numpy_lstsq(job):
    x, y = data({**job, "dtype": "float64"})
    a = np.hstack([np.ones((x.shape[0], 1)), x])
    return {"ms": median_ms(lambda: np.linalg.lstsq(a, y, rcond=None), job["reps"]), "version": np.__version__}


def statsmodels_ols(job):
    import statsmodels
    import statsmodels.api as sm

    x, y = data({**job, "dtype": "float64"})

    def fit():
        a = sm.add_constant(x)  # inside the timing: Slope too builds its design matrix per fit
        r = sm.OLS(y, a).fit()
        return r.bse, r.tvalues, r.pvalues, r.conf_int(), r.fvalue, r.rsquared_adj

    return {"ms": median_ms(fit, job["reps"]), "version": statsmodels.__version__}


def main():
    jobs = json.load(sys.stdin)
    kinds = {"torch_gd": torch_gd, "numpy_gd": numpy_gd, "numpy_read": numpy_read, "numpy_lstsq": numpy_lstsq, "statsmodels_ols": statsmodels_ols}
    json.dump([kinds[j["kind"]](j) for j in jobs], sys.stdout)


if __name__ == "__main__":
    main()
