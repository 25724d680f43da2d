#!/usr/bin/env bash
# Full scale: every person in every Dialogue city, one agent per person, the
# full model and the baseline scenario, ten years of monthly steps. Measures
# the figures of the performance targets on this machine and prints them as
# a table, with the machine's memory bandwidth (STREAM triad, same run) and
# the step kernel's effective bandwidth as a fraction of it.
#
#   bench/full_scale.sh              # about 5 minutes on two cores
#   MOBSIM_BENCH_THREADS=2 bench/full_scale.sh
#
# Builds first (scripts/setup.sh). Outputs go to a temporary directory that
# is removed at the end.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/setup.sh" >/dev/null
cd "$MOBSIM_ROOT"
mobsim="$MOBSIM_BUILD/mobsim"
threads="${MOBSIM_BENCH_THREADS:-2}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Runs mobsim with the given arguments; writes NAME.h5 and NAME.time (process
# wall seconds and peak resident kilobytes, from GNU time).
run() {
  local name="$1"
  shift
  /usr/bin/time -f "%e %M" -o "$work/$name.time" "$mobsim" run scenarios/baseline.toml -o "$work/$name.h5" -q \
      --no-summary "$@" >/dev/null
}

echo "full_scale: STREAM triad ($threads threads)"
OMP_NUM_THREADS="$threads" "$MOBSIM_BUILD/bench/mobsim_stream" >"$work/stream.txt"
echo "full_scale: ten years at 1 person per agent, $threads threads"
run full --set run.people_per_agent=1 --threads "$threads"
echo "full_scale: speed-up, 24 steps at 1 person per agent, 1 and $threads threads, three runs each, alternating"
# Three runs at each thread count, alternating, and the median of each: a
# shared virtual machine's speed drifts by several per cent within minutes.
for k in 1 2 3; do
  run "steps_1_$k" --set run.people_per_agent=1 --steps 24 --threads 1
  run "steps_n_$k" --set run.people_per_agent=1 --steps 24 --threads "$threads"
done
echo "full_scale: 100 replicates at 100 persons per agent, $threads threads"
run ensemble --set run.people_per_agent=100 --replicates 100 --threads "$threads"

/usr/bin/python3 - "$work" "$threads" "$(git rev-parse --short HEAD)" <<'PY'
import sys, h5py
work, threads, commit = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def stats(name):
    with h5py.File(f"{work}/{name}.h5") as f:
        s = dict(f["run_statistics"].attrs)
    wall, rss_kb = open(f"{work}/{name}.time").read().split()
    s["process_seconds"], s["rss_bytes"] = float(wall), float(rss_kb) * 1024
    # Steps alone: the loop less initialisation and writing.
    s["step_seconds"] = s["wall_seconds"] - s.get("seconds_initialise", 0) - s.get("seconds_output", 0)
    return s

triad = float(open(f"{work}/stream.txt").read().split()[1])
full, ens = stats("full"), stats("ensemble")

def median_rate(prefix):
    # Agent-steps per second of the steps alone, median of the three runs.
    rates = sorted(s["agent_steps"] / s["step_seconds"] for s in (stats(f"{prefix}_{k}") for k in (1, 2, 3)))
    print(f"{prefix}: " + ", ".join(f"{r / 1e6:.1f}" for r in rates) + " M agent-steps/s")
    return rates[1]

throughput = full["agent_steps"] / full["step_seconds"]
bytes_per_agent = full["rss_bytes"] / full["peak_agents"]
rate_1, rate_n = median_rate("steps_1"), median_rate("steps_n")
speedup = rate_n / rate_1
output_share = full["seconds_output"] / full["process_seconds"]
# Effective bandwidth: the agent state read and written once per agent-step.
effective = 2 * full["agent_state_bytes"] * throughput / 1e9

rows = [
    ("step throughput (agent-steps/s, after initialisation)", f"{throughput / 1e6:.1f} M", ">= 100 M", throughput >= 100e6),
    ("ten-year run at 1:1, wall time incl. initialisation and output", f"{full['process_seconds']:.1f} s", "< 60 s",
     full["process_seconds"] < 60),
    ("peak resident memory per agent", f"{bytes_per_agent:.1f} B", "<= 64 B", bytes_per_agent <= 64),
    (f"speed-up of {threads} threads over 1 (24 steps at 1:1, medians of 3)", f"{speedup:.2f}x", ">= 1.8x",
     speedup >= 1.8),
    ("share of wall time writing HDF5", f"{100 * output_share:.2f}%", "<= 5%", output_share <= 0.05),
    ("100 replicates at 1:100, ten years", f"{ens['process_seconds']:.1f} s", "< 60 s", ens["process_seconds"] < 60),
]
print(f"\nmobsim full scale, commit {commit}, {threads} threads")
print(f"agents: {full['peak_agents']:,} at most ({full['agent_steps']:,} agent-steps); "
      f"agent state {full['agent_state_bytes']} B per agent; peak RSS {full['rss_bytes'] / 2**30:.2f} GiB")
print(f"initialisation {full.get('seconds_initialise', 0):.2f} s, steps {full['step_seconds']:.2f} s, "
      f"HDF5 output {full['seconds_output']:.2f} s, process {full['process_seconds']:.2f} s")
print(f"memory bandwidth (STREAM triad): {triad:.1f} GB/s; step kernel, agent state read and written once per "
      f"step: {effective:.2f} GB/s = {100 * effective / triad:.1f}% of it\n")
width = max(len(r[0]) for r in rows)
print(f"{'figure':<{width}}  {'measured':>10}  {'target':>9}  met")
for name, value, target, ok in rows:
    print(f"{name:<{width}}  {value:>10}  {target:>9}  {'yes' if ok else 'NO'}")
PY
