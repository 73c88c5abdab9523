#!/usr/bin/python3
"""A full-size MNIST stand-in built from the 10,000-digit sample: 60,000 training and 10,000 test digits.

  /usr/bin/python3 tools/fullsize/shifted_mnist.py SAMPLE_DIR OUT_DIR      (Debian: python3-numpy)

The training set is the sample's 8,000 training digits, then copies shifted by one pixel (right, left, down, up,
and the four diagonals, in that order) until 60,000 rows; the test set is the 2,000 test digits and four shifted
copies. Same file names as MNIST, gzipped, so `--data OUT_DIR` reads it as the `mnist` source. For measuring
scale only: the copies are not new digits.
"""
import gzip
import sys
from pathlib import Path

import numpy as np

SHIFTS = [(0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (-1, -1), (1, -1), (-1, 1)]


def read(path, header):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = np.frombuffer(data[4:header], dtype=">u4")
    return np.frombuffer(data[header:], dtype=np.uint8).reshape(dims)


def write(path, array, magic):
    with gzip.open(path, "wb", compresslevel=6) as f:
        f.write(np.array([magic, *array.shape], dtype=">u4").tobytes())
        f.write(np.ascontiguousarray(array, dtype=np.uint8).tobytes())


def grow(images, labels, rows):
    out_x, out_y = [images], [labels]
    k = 0
    while sum(len(x) for x in out_x) < rows:
        dy, dx = SHIFTS[k % len(SHIFTS)]
        out_x.append(np.roll(np.roll(images, dy, axis=1), dx, axis=2))
        out_y.append(labels)
        k += 1
    return np.concatenate(out_x)[:rows], np.concatenate(out_y)[:rows]


def main(sample, out):
    sample, out = Path(sample), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    for prefix, rows in (("train", 60_000), ("t10k", 10_000)):
        x = read(sample / f"{prefix}-images-idx3-ubyte.gz", 16)
        y = read(sample / f"{prefix}-labels-idx1-ubyte.gz", 8)
        x, y = grow(x, y, rows)
        write(out / f"{prefix}-images-idx3-ubyte.gz", x, 2051)
        write(out / f"{prefix}-labels-idx1-ubyte.gz", y, 2049)
        print(f"{prefix}: {len(x)} digits")


if __name__ == "__main__":
    main(*sys.argv[1:3])
