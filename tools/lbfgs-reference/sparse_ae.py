#!/usr/bin/env python3
"""Reference figures for Layerwise's lbfgs optimizer on the sparse autoencoder (issue 20), computed independently:
numpy float64 objective and gradient, minimised by scipy's L-BFGS-B (m = 10, no bounds).

Model (config/pipelines/mnist-sparse-beta-*.json): 784-196 untied, sigmoid encoder and decoder,
  J = (1/m) sum_i 0.5 ||x^_i - x_i||^2 + (lambda/2)(||W1||^2 + ||W2||^2) + beta sum_j KL(rho || rho^_j),
rho^_j the mean activation of unit j over the whole batch (the 8,000 training digits of the sample, file order),
lambda 3e-3, rho 0.05. Weights start as Layerwise's do (U(-r, r), r = 4 sqrt(6 / (784 + 196)), biases 0) or, with
--init ufldl, as the UFLDL exercise's (r = sqrt(6 / (784 + 196 + 1))); the draws differ from Layerwise's (another
generator), so --seeds shows how much the objective after N iterations depends on them.

  tools/lbfgs-reference/sparse_ae.py [--beta 0.1] [--iterations 400] [--seeds 1,2] [--init layerwise|ufldl]
                                     [--data ../shared/data/mnist-sample]

Prints per seed the objective after 100, 200, 300 and N iterations, the mean activation (mean_j rho^_j), and the
filter concentration (share of sum w^2 in the round(0.05 * 784) = 39 pixels of largest |w|, median over filters).
Needs Debian's python3-numpy and python3-scipy.
"""
import argparse, gzip, time
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

HOME = Path(__file__).resolve().parent.parent.parent
N_IN, HIDDEN, RHO, LAMBDA = 784, 196, 0.05, 3e-3


def images(path):
    with gzip.open(path) as f:
        raw = f.read()
    n = int.from_bytes(raw[4:8], "big")
    return np.frombuffer(raw, np.uint8, offset=16).reshape(n, N_IN).astype(np.float64) / 255


def unpack(theta):
    h, n = HIDDEN, N_IN
    w1 = theta[:n * h].reshape(n, h)
    w2 = theta[n * h:2 * n * h].reshape(n, h)  # decoder, used as y @ w2.T (Layerwise's Wdec)
    b1 = theta[2 * n * h:2 * n * h + h]
    b2 = theta[2 * n * h + h:]
    return w1, w2, b1, b2


def objective(theta, x, beta):
    w1, w2, b1, b2 = unpack(theta)
    m = len(x)
    y = 1 / (1 + np.exp(-(x @ w1 + b1)))
    z = 1 / (1 + np.exp(-(y @ w2.T + b2)))
    q = y.mean(0)
    kl = np.sum(RHO * np.log(RHO / q) + (1 - RHO) * np.log((1 - RHO) / (1 - q)))
    j = 0.5 * np.sum((z - x) ** 2) / m + 0.5 * LAMBDA * (np.sum(w1 ** 2) + np.sum(w2 ** 2)) + beta * kl
    dz = (z - x) * z * (1 - z) / m
    dy = dz @ w2 + beta * (-RHO / q + (1 - RHO) / (1 - q)) / m
    du = dy * y * (1 - y)
    g = np.concatenate([(x.T @ du + LAMBDA * w1).ravel(), (dz.T @ y + LAMBDA * w2).ravel(), du.sum(0), dz.sum(0)])
    return j, g


def concentration(w):
    k = round(0.05 * w.shape[0])
    sq = np.sort(w ** 2, axis=0)
    return float(np.median(sq[-k:].sum(0) / sq.sum(0)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--beta", type=float, default=0.1)
    p.add_argument("--iterations", type=int, default=400)
    p.add_argument("--seeds", default="1,2")
    p.add_argument("--init", choices=["layerwise", "ufldl"], default="layerwise")
    p.add_argument("--data", default=str(HOME.parent / "shared/data/mnist-sample"))
    a = p.parse_args()
    x = images(Path(a.data) / "train-images-idx3-ubyte.gz")
    r = 4 * np.sqrt(6 / (N_IN + HIDDEN)) if a.init == "layerwise" else np.sqrt(6 / (N_IN + HIDDEN + 1))
    for seed in [int(s) for s in a.seeds.split(",")]:
        rng = np.random.default_rng(seed)
        theta = np.concatenate([rng.uniform(-r, r, 2 * N_IN * HIDDEN), np.zeros(HIDDEN + N_IN)])
        trace = {}
        it = [0]

        def record(t):
            it[0] += 1
            if it[0] % 100 == 0:
                trace[it[0]] = objective(t, x, a.beta)[0]

        t0 = time.time()
        res = minimize(objective, theta, args=(x, a.beta), jac=True, method="L-BFGS-B", callback=record,
                       options=dict(maxcor=10, maxiter=a.iterations, maxfun=10 * a.iterations, ftol=0, gtol=0))
        w1, w2, b1, b2 = unpack(res.x)
        y = 1 / (1 + np.exp(-(x @ w1 + b1)))
        print(f"beta {a.beta} init {a.init} seed {seed}: objective " + ", ".join(
            f"{k}: {v:.4f}" for k, v in sorted(trace.items())) + f"; final {res.fun:.4f} after {res.nit} iterations,"
              f" {res.nfev} evaluations ({res.message}); mean activation {y.mean():.4f}; filter concentration"
              f" {concentration(w1):.4f}; {time.time() - t0:.0f} s", flush=True)


if __name__ == "__main__":
    main()
