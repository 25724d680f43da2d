"""A sweep as a Slurm job array on a real single-node Slurm (Debian's
slurm-wlm and munge, started by scripts/slurm/local_cluster.sh and stopped
after): four tasks, one of them with a time limit shorter than its run;
that task is warned before its limit, checkpoints, requeues itself and
resumes from its checkpoint; the gather job, chained with afterok, writes a
file whose points equal direct runs of the same points. Skipped, with the
reason, only where Slurm cannot start (not root, no packages)."""
import os
import re
import subprocess
import time

import h5py
import numpy as np
import pytest

MOBSIM = os.path.abspath(os.environ.get("MOBSIM", "build/mobsim"))
SOURCE = os.path.abspath(os.environ.get("MOBSIM_SOURCE_DIR", "."))
SLURM = os.path.join(SOURCE, "scripts", "slurm")
# Point 2 runs at 1:3 for ten years, on one CPU more than a minute on the
# 2-core VM: its one-minute limit (warned 30 s before) interrupts it. The
# others run at coarse scales in seconds.
SWEEP = """scenario = "{scenario}"
replicates = 1
[parameters."run.people_per_agent"]
values = [400, 200, 3, 300]
"""
LIMITED = 2


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if os.geteuid() != 0:
        pytest.skip("the local Slurm cluster runs its daemons as root; run the suite as root (as CI does)")
    state = tmp_path_factory.mktemp("slurm")
    env = dict(os.environ, MOBSIM_SLURM_DIR=str(state))
    started = subprocess.run([os.path.join(SLURM, "local_cluster.sh"), "start"], capture_output=True, text=True,
                             env=env, timeout=600)
    if started.returncode != 0:
        pytest.skip("Slurm cannot start here: " + (started.stderr or started.stdout).strip()[-400:])
    env["SLURM_CONF"] = str(state / "slurm.conf")
    env["MOBSIM"] = MOBSIM
    yield env
    subprocess.run([os.path.join(SLURM, "local_cluster.sh"), "stop"], env=env, timeout=60)


def slurm(env, *args):
    return subprocess.run(list(args), capture_output=True, text=True, env=env, timeout=120, check=True).stdout


def job_state(env, job):
    out = slurm(env, "scontrol", "-o", "show", "job", job)
    return re.search(r"JobState=(\S+)", out).group(1), out


def test_an_array_task_past_its_time_limit_requeues_resumes_and_gathers_identically(cluster, tmp_path):
    env = cluster
    sweep = tmp_path / "sweep.toml"
    sweep.write_text(SWEEP.format(scenario=os.path.join(SOURCE, "scenarios", "baseline.toml")))
    out = tmp_path / "points"
    # The array held, the limited task given its limit and an earlier warning, then released.
    submitted = subprocess.run([os.path.join(SLURM, "submit_sweep.sh"), str(sweep), str(out), "--hold"],
                               capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert submitted.returncode == 0, submitted.stderr
    array, gather = re.search(r"array (\d+) \(4 tasks\), gather (\d+)", submitted.stdout).groups()
    slurm(env, "scontrol", "update", f"JobId={array}_{LIMITED}", "TimeLimit=1")
    slurm(env, "scontrol", "update", f"JobId={array}_{LIMITED}", "Requeue=1")
    slurm(env, "scontrol", "release", array)
    # Meanwhile, the limited point run directly, for comparison.
    direct = tmp_path / "direct.h5"
    done = subprocess.run([MOBSIM, "run", "--sweep", str(sweep), "--task", str(LIMITED), "-o", str(direct), "-q",
                           "--no-summary", "--threads", "1"], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    deadline = time.time() + 900
    while time.time() < deadline:
        state, _ = job_state(env, gather)
        if state in ("COMPLETED", "FAILED", "CANCELLED", "TIMEOUT"):
            break
        time.sleep(2)
    logs = {p.name: p.read_text() for p in out.glob("*.log")}
    print("\n".join(f"--- {k}\n{v}" for k, v in sorted(logs.items())))
    assert state == "COMPLETED", (state, logs)
    limited_log = logs[f"task-{LIMITED}.log"]
    # Warned, stopped with a checkpoint, requeued, resumed.
    assert f"task {LIMITED}: mobsim exited with 75" in limited_log
    assert re.search(r"restart count [1-9]", limited_log), limited_log
    assert f"task {LIMITED}: mobsim exited with 0" in limited_log
    for k in (0, 1, 3):
        assert "restart count 0" in logs[f"task-{k}.log"] and "exited with 0" in logs[f"task-{k}.log"]
    gathered = out / "gathered.h5"
    with h5py.File(gathered, "r") as g, h5py.File(direct, "r") as d:
        assert list(g["point"][()]) == [0, 1, 2, 3]
        assert list(g["parameters/run.people_per_agent"][()]) == [400, 200, 3, 300]
        for name in d["series"]:
            if d["series"][name].ndim == 3:
                assert np.array_equal(g["series"][name][LIMITED], d["series"][name][()]), name
        assert np.array_equal(g["flows_by_channel"][LIMITED], d["flows_by_channel"][()])
        for k in (0, 1, 3):
            with h5py.File(out / f"point-{k:04d}.h5", "r") as p:
                assert np.array_equal(g["series/population"][k], p["series/population"][()])
