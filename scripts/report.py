#!/usr/bin/python3
"""The advisers' report: `scripts/report.py BASE.h5 SCENARIO.h5 [...] -o DIR`.
The code is in the package scripts/mobsim/ (report.py, charts.py)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mobsim.report import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
