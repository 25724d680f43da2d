#!/usr/bin/python3
"""Check that two mobsim outputs hold bit-identical datasets.

Usage: scripts/same_datasets.py A.h5 B.h5

Compares every dataset (values, dtype and shape) of the two files; attributes
such as the wall time, the thread count or the command line are expected to
differ and are ignored. Prints one line per dataset that differs and a
summary; exit code 0 when all datasets are identical, 1 otherwise.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mobsim.output import datasets  # noqa: E402


def same_values(x, y):
    # Numbers bit for bit; strings (object arrays) by value.
    if x.dtype == object:
        return np.array_equal(x, y)
    return np.asarray(x).tobytes() == np.asarray(y).tobytes()


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    a, b = datasets(argv[1]), datasets(argv[2])
    differing = []
    for name in sorted(set(a) | set(b)):
        if name not in a or name not in b:
            differing.append(f"{name}: only in {'the first' if name in a else 'the second'} file")
        elif a[name].dtype != b[name].dtype or a[name].shape != b[name].shape:
            differing.append(f"{name}: dtype/shape {a[name].dtype}{a[name].shape} vs {b[name].dtype}{b[name].shape}")
        elif not same_values(a[name], b[name]):
            differing.append(f"{name}: values differ")
    for line in differing:
        print(line)
    if differing:
        print(f"{len(differing)} of {len(set(a) | set(b))} datasets differ")
        return 1
    print(f"identical: all {len(a)} datasets")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
