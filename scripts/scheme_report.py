#!/usr/bin/python3
"""Yearly report of a run's circular schemes against a baseline:
`scripts/scheme_report.py BASE.h5 SCENARIO.h5 [--scheme NAME]`.
The code is in the package scripts/mobsim/ (schemes.py)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mobsim.schemes import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
