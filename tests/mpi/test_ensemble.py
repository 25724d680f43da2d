"""Ensembles across MPI ranks (`mpirun -n R mobsim run ...`, issue 15 item 2):
replicate r runs on rank r mod R and rank 0 writes one output, identical to
the single-process run for any rank and thread count; bad MPI use gets one
clear message from rank 0 and exit code 2, without hanging."""
import os
import shutil
import subprocess
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "app"))
from same_datasets import assert_same  # noqa: E402

MOBSIM = os.path.abspath(os.environ.get("MOBSIM", "build/mobsim"))
SOURCE = os.path.abspath(os.environ.get("MOBSIM_SOURCE_DIR", "."))
SCENARIOS = os.path.join(SOURCE, "scenarios")
SMALL = ["--set", "run.people_per_agent=400", "--steps", "24", "-q", "--no-summary"]

pytestmark = pytest.mark.skipif(shutil.which("mpirun") is None, reason="mpirun not found (scripts/setup.sh installs openmpi-bin)")


def mpirun(ranks, args):
    command = ["mpirun", "--oversubscribe", "-n", str(ranks)]
    if os.geteuid() == 0:
        command.append("--allow-run-as-root")
    return subprocess.run(command + [MOBSIM, "run"] + args, capture_output=True, text=True, timeout=300)


def plain(args):
    return subprocess.run([MOBSIM, "run"] + args, capture_output=True, text=True, timeout=300)


def library():
    return sorted(os.path.join(SCENARIOS, f) for f in os.listdir(SCENARIOS) if f.endswith(".toml"))


def test_the_baseline_is_the_same_for_every_rank_and_thread_count(tmp_path):
    args = [os.path.join(SCENARIOS, "baseline.toml")] + SMALL + ["--replicates", "4"]
    single = tmp_path / "single.h5"
    assert plain(args + ["-o", str(single)]).returncode == 0
    for ranks in (1, 2, 3, 4):
        for threads in ("1", "2"):
            out = tmp_path / f"r{ranks}t{threads}.h5"
            done = mpirun(ranks, args + ["--threads", threads, "-o", str(out)])
            assert done.returncode == 0, done.stderr
            assert_same(single, out)


@pytest.mark.parametrize("scenario", library(), ids=os.path.basename)
def test_every_library_scenario_is_the_same_on_three_ranks(tmp_path, scenario):
    args = [scenario] + SMALL + ["--replicates", "3", "--threads", "1"]
    single = tmp_path / "single.h5"
    assert plain(args + ["-o", str(single)]).returncode == 0
    out = tmp_path / "three.h5"
    done = mpirun(3, args + ["-o", str(out)])
    assert done.returncode == 0, done.stderr
    assert_same(single, out)


def test_more_ranks_than_replicates_is_refused_by_rank_0(tmp_path):
    out = tmp_path / "x.h5"
    done = mpirun(4, [os.path.join(SCENARIOS, "baseline.toml")] + SMALL + ["--replicates", "3", "-o", str(out)])
    assert done.returncode == 2
    assert done.stderr.count("mpirun started 4 ranks for 3 replicate(s)") == 1
    assert not out.exists()


def test_checkpoints_under_mpirun_are_refused(tmp_path):
    done = mpirun(2, [os.path.join(SCENARIOS, "baseline.toml")] + SMALL +
                  ["--replicates", "2", "--checkpoint-dir", str(tmp_path / "ck"), "-o", str(tmp_path / "x.h5")])
    assert done.returncode == 2
    assert "not distributed yet" in done.stderr
    assert os.listdir(tmp_path) == []
