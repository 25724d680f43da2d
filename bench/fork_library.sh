#!/usr/bin/env bash
# Forks from one warm-up against runs from the start: the library scenarios
# that share the baseline's scale and add policies from 2026 (the Freetown-
# Milan scheme, the border closure, legal pathways, the Zürich city card),
# each run from the start, then the baseline's first year run once and each
# forked from it (docs/CHECKPOINTS.md, "Forks"). Prints the wall time of
# every run, what the forks saved, and whether every fork's datasets equal
# its run from the start.
#
#   bench/fork_library.sh                                   # 1:20, ten years: about a minute on two cores
#   MOBSIM_BENCH_PEOPLE_PER_AGENT=1 bench/fork_library.sh   # full scale: about 30 minutes
#
# Builds first (scripts/setup.sh). Outputs go to a temporary directory that
# is removed at the end.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/setup.sh" >/dev/null
cd "$MOBSIM_ROOT"
mobsim="$MOBSIM_BUILD/mobsim"
threads="${MOBSIM_BENCH_THREADS:-2}"
scale="${MOBSIM_BENCH_PEOPLE_PER_AGENT:-20}"
warm_steps="${MOBSIM_BENCH_WARM_UP_STEPS:-12}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
common=(--threads "$threads" --set "run.people_per_agent=$scale" -q --no-summary)
policies=(freetown_milan_fashion covid_border_closure legal_pathways_expansion zurich_city_id)

seconds() {  # wall seconds of a command
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'
}

echo "fork_library: 1:$scale, $threads thread(s), warm-up of $warm_steps steps of the baseline"
printf '%-28s %14s %14s\n' scenario "from start s" "forked s"
total_scratch=0
total_fork=0
warm=$(seconds "$mobsim" run scenarios/baseline.toml "${common[@]}" --stop-after "$warm_steps" \
    --checkpoint-dir "$work/warm" -o "$work/warm.h5")
for p in "${policies[@]}"; do
  s=$(seconds "$mobsim" run "scenarios/$p.toml" "${common[@]}" -o "$work/$p.scratch.h5")
  f=$(seconds "$mobsim" run "scenarios/$p.toml" "${common[@]}" --from "$work/warm" -o "$work/$p.fork.h5")
  same=$(/usr/bin/python3 scripts/same_datasets.py "$work/$p.scratch.h5" "$work/$p.fork.h5" | head -1)
  printf '%-28s %14.2f %14.2f   %s\n' "$p" "$s" "$f" "$same"
  total_scratch=$(awk -v a="$total_scratch" -v b="$s" 'BEGIN { print a + b }')
  total_fork=$(awk -v a="$total_fork" -v b="$f" 'BEGIN { print a + b }')
done
printf '%-28s %14s %14.2f\n' "warm-up (once)" "" "$warm"
with_warm=$(awk -v a="$total_fork" -v b="$warm" 'BEGIN { print a + b }')
printf '%-28s %14.2f %14.2f\n' "all ${#policies[@]} scenarios" "$total_scratch" "$with_warm"
awk -v s="$total_scratch" -v f="$with_warm" \
    'BEGIN { printf "fork_library: forking saved %.2f s of %.2f s (%.1f%%), the warm-up included\n", s - f, s, 100 * (s - f) / s }'
