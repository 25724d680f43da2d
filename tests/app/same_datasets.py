"""Whether two mobsim outputs hold the same datasets (run statistics aside:
timings differ from run to run), for the app tests."""
import h5py
import numpy as np


def datasets(path):
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset) and not name.startswith("run_statistics"):
                out[name] = np.asarray(obj[()])
        f.visititems(visit)
    return out


def assert_same(a, b):
    x, y = datasets(a), datasets(b)
    assert sorted(x) == sorted(y)
    for name in x:
        assert np.array_equal(x[name], y[name]), name
