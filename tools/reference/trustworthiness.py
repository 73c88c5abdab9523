#!/usr/bin/python3
"""Reference figures for TrustworthinessTest: scikit-learn's trustworthiness of fixed embeddings.

  /usr/bin/python3 tools/reference/trustworthiness.py     (Debian: python3-sklearn, python3-numpy)

The inputs are formulas the Java test evaluates the same way, in float32.
"""
import numpy as np
from sklearn.manifold import trustworthiness

n, d = 300, 12
i = np.arange(n)[:, None].astype(np.float64)
j = np.arange(d)[None, :].astype(np.float64)
def noise(a, b):
    v = np.sin(a * 12.9898 + b * 78.233) * 43758.5453
    return v - np.floor(v)


x = (noise(i, j) + 0.5 * np.sin(0.05 * i)).astype(np.float32)  # a curve through the cube, plus noise
good = np.hstack([np.sin(0.05 * i), 0.1 * noise(i, 99.0)]).astype(np.float32)
poor = np.hstack([noise(i, 101.0), noise(i, 102.0)]).astype(np.float32)
for name, e in (("good", good), ("poor", poor)):
    for k in (5, 10):
        print(f"{name} k={k} {trustworthiness(x, e, n_neighbors=k):.12f}")
