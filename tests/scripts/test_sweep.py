"""A gathered sweep as a researcher reads it: `open_sweep` gives the series
with a point dimension and the parameters as coordinates on it, each point
equal to its own output read with `open_run`."""
import os
import subprocess
import sys

import numpy as np

SOURCE = os.environ.get("MOBSIM_SOURCE_DIR", ".")
sys.path.insert(0, os.path.join(SOURCE, "scripts"))
from mobsim import open_run, open_sweep  # noqa: E402

MOBSIM = os.environ.get("MOBSIM", "build/mobsim")


def test_open_sweep_gives_points_with_their_parameters(tmp_path):
    sweep = tmp_path / "s.toml"
    scenario = os.path.abspath(os.path.join(SOURCE, "scenarios", "ci", "four_cities.toml"))
    sweep.write_text(f'scenario = "{scenario}"\ndesign = "sobol"\npoints = 3\nreplicates = 2\n'
                     'set = ["run.duration_months=12"]\n'
                     '[parameters."housing.deposit_months"]\nmin = 1.0\nmax = 5.0\n')
    points = tmp_path / "points"
    points.mkdir()
    for k in range(3):
        subprocess.run([MOBSIM, "run", "--sweep", str(sweep), "--task", str(k), "-o", str(points / f"point-{k:04d}.h5"),
                        "-q", "--no-summary"], check=True)
    out = tmp_path / "all.h5"
    subprocess.run([MOBSIM, "gather", str(sweep), str(points), "-o", str(out)], check=True, capture_output=True)
    s = open_sweep(out)
    assert dict(s.homeless.sizes) == {"point": 3, "replicate": 2, "time": 13, "city": 4}
    assert list(s["housing.deposit_months"].values) == [3.0, 4.0, 2.0]  # Sobol: 1/2, 3/4, 1/4 of [1, 5]
    for k in range(3):
        one = open_run(points / f"point-{k:04d}.h5").series
        assert np.array_equal(s.population.isel(point=k).values, one.population.values)
        assert np.array_equal(s.time.values, one.time.values)
    assert "housing.deposit_months" in s.attrs["sweep"]
