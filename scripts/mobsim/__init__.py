"""Reading and comparing mobsim output files (docs/OUTPUT.md).

    import sys; sys.path.insert(0, "scripts")
    from mobsim import open_run, effects

- `output`: the one reader of the HDF5 output (`open_run`, `open_sweep`, `datasets`).
- `effects`: the one definition of a scenario's effect (periods, pairing,
  mean and 90% interval of the differences), which `mobsim compare`
  implements too and is tested to agree with.
- `report`, `charts`: the advisers' report (scripts/report.py).
- `schemes`: the yearly circular-scheme report (scripts/scheme_report.py).

Only the system interpreter has the packages: /usr/bin/python3 (h5py,
numpy, xarray, cftime, matplotlib from Debian).
"""
from . import effects
from .output import City, Run, datasets, open_run, open_sweep

__all__ = ["City", "Run", "datasets", "effects", "open_run", "open_sweep"]
