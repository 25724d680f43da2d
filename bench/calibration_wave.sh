#!/usr/bin/env bash
# One wave of history matching at the size the calibration issue asks for:
# RUNS design points of the baseline at 1:100, one replicate each, side by
# side on the cores, the six parameters that matter most (by a Morris
# screening of the same scale, run first when no screening is given), then
# the emulators and the region. Prints the budget, scale and wall time that
# `mobsim calibrate` itself reports, and the time of the runs alone.
#
#   bench/calibration_wave.sh                          # 300 runs: about 10 minutes on two cores
#   MOBSIM_BENCH_RUNS=60 bench/calibration_wave.sh     # a small wave
#   MOBSIM_BENCH_SENSITIVITY=DIR bench/calibration_wave.sh   # reuse a screening (its morris.csv)
#
# Builds first (scripts/setup.sh). The campaign folder is temporary and removed at the end.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/setup.sh" >/dev/null
cd "$MOBSIM_ROOT"
mobsim="$MOBSIM_BUILD/mobsim"
runs="${MOBSIM_BENCH_RUNS:-300}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
targets=scenarios/data/targets.toml
screening="${MOBSIM_BENCH_SENSITIVITY:-}"
if [ -z "$screening" ]; then
  screening="$work/sensitivity"
  echo "screening first (Morris, 6 trajectories; no Sobol stage):"
  "$mobsim" sensitivity scenarios/baseline.toml --targets "$targets" --out "$screening" --sobol-parameters 0 -q
fi
start=$(date +%s.%N)
"$mobsim" calibrate scenarios/baseline.toml --targets "$targets" --from-sensitivity "$screening" --top 6 \
  --runs "$runs" --waves 1 --draws 2 --out "$work/calibration" | grep -v "runs$"
end=$(date +%s.%N)
wave=$(awk -F, 'NR == 2 {print $8}' "$work/calibration/waves.csv")
echo "one wave of $runs runs at 1:100, 1 replicate each, on $(nproc) cores: ${wave} s (runs, emulators and region);" \
     "$(echo "$end - $start" | bc) s with the replicate-noise points, the scenario's own run and 2 draws"
