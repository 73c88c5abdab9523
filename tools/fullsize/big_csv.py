#!/usr/bin/python3
"""A 100 MB CSV for timing the csv source: 111,000 rows of 100 uniform values printed with 6 decimals, a header,
and a class label column.

  /usr/bin/python3 tools/fullsize/big_csv.py OUT.csv      (Debian: python3-numpy)
"""
import sys

import numpy as np

rng = np.random.default_rng(1)
with open(sys.argv[1], "w") as f:
    f.write(",".join(f"f{i}" for i in range(100)) + ",label\n")
    for _ in range(111):
        x = rng.random((1000, 100), dtype=np.float32)
        y = rng.integers(0, 10, 1000)
        for r in range(1000):
            f.write(",".join(f"{v:.6f}" for v in x[r]) + f",{y[r]}\n")
