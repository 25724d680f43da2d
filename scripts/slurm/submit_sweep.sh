#!/usr/bin/env bash
# Submits a sweep as a Slurm job array and its gathering after it:
#   scripts/slurm/submit_sweep.sh SWEEP OUT_DIR [extra sbatch options for the array]
# Prints the two job ids. Every point writes OUT_DIR/point-KKKK.h5 and keeps
# its checkpoints in OUT_DIR/point-KKKK.ckpt; the gathered file is
# OUT_DIR/gathered.h5.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SWEEP="$1"
OUT="$2"
shift 2
MOBSIM="${MOBSIM:-build/mobsim}"
export MOBSIM
points="$("$MOBSIM" sweep "$SWEEP" --count)"  # checks every point first (exit 2 on a bad sweep)
mkdir -p "$OUT"
array="$(sbatch --parsable --array="0-$((points - 1))" --chdir="$PWD" --output="$OUT/task-%a.log" "$@" \
  "$HERE/sweep_array.sbatch" "$SWEEP" "$OUT")"
gather="$(sbatch --parsable --dependency="afterok:${array%%;*}" --chdir="$PWD" --output="$OUT/gather.log" \
  "$HERE/gather.sbatch" "$SWEEP" "$OUT")"
echo "array ${array%%;*} ($points tasks), gather $gather"
