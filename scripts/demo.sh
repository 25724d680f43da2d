#!/usr/bin/env bash
# The main job: set up (packages, build), run the baseline (every Dialogue
# city, 2025-2035) and the Freetown-Milan fashion circular scheme with
# replicates, compare them, and write the advisers' report. Prints the
# per-city summary of the baseline, the comparison for the scheme's two
# cities and the report's path; opens nothing.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$MOBSIM_ROOT"
replicates="${MOBSIM_DEMO_REPLICATES:-10}"
mkdir -p out
# --overwrite: a rerun of the demo reproduces its outputs exactly, so they
# need no backups (a plain run keeps the previous file as #NAME.1#).
"$MOBSIM_BUILD/mobsim" run scenarios/baseline.toml -o out/baseline.h5 --replicates "$replicates" --overwrite
"$MOBSIM_BUILD/mobsim" run scenarios/freetown_milan_fashion.toml -o out/freetown_milan_fashion.h5 \
    --replicates "$replicates" --no-summary --overwrite
"$MOBSIM_BUILD/mobsim" compare out/baseline.h5 out/freetown_milan_fashion.h5 --city Freetown --city Milan \
    --indicator population --indicator youth_unemployment_rate --indicator vacancies --indicator remittances_received
/usr/bin/python3 scripts/report.py out/baseline.h5 out/freetown_milan_fashion.h5 -o out/report
