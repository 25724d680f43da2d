#!/usr/bin/env bash
# The main job: set up (packages, build), run the baseline scenario (every
# Dialogue city, 2025-2035), print where the output is and a per-city summary.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$MOBSIM_ROOT"
mkdir -p out
"$MOBSIM_BUILD/mobsim" run scenarios/baseline.toml -o out/baseline.h5
