"""Stopping a run with signals, as a job's time limit does: the first
SIGTERM (or SIGINT, SIGUSR1) finishes the step and writes a checkpoint (exit
75), a second stops at once (128 + signal); either way no temporary file is
left, an existing output is unchanged, and the run continued from its
checkpoints writes the same datasets as the run never stopped
(docs/CHECKPOINTS.md)."""
import os
import random
import signal
import subprocess
import time

import pytest

from same_datasets import assert_same

MOBSIM = os.path.abspath(os.environ.get("MOBSIM", "build/mobsim"))
SOURCE = os.path.abspath(os.environ.get("MOBSIM_SOURCE_DIR", "."))
BASELINE = os.path.join(SOURCE, "scenarios", "baseline.toml")
# A few seconds of work, so that signals land inside it.
SLOW = [BASELINE, "--set", "run.people_per_agent=30", "--set", "run.replicates=2", "--steps", "36",
        "-q", "--no-summary"]
OLD = b"an earlier result that must survive\n"


def run(args, **kw):
    return subprocess.run([MOBSIM] + args, capture_output=True, text=True, timeout=600, **kw)


def litter(folder):
    return sorted(n for n in os.listdir(folder) if ".tmp-" in n or n.endswith(".lock"))


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    out = tmp_path_factory.mktemp("full") / "full.h5"
    done = run(["run"] + SLOW + ["-o", str(out)])
    assert done.returncode == 0, done.stderr
    return out


def start(args):
    return subprocess.Popen([MOBSIM, "run"] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def job_command(out, ckpt):
    return ["run"] + SLOW + ["-o", str(out), "--checkpoint-dir", str(ckpt)]


def wait_for(path, seconds=30):
    end = time.time() + seconds
    while time.time() < end:
        if os.path.exists(path):
            return True
        time.sleep(0.01)
    return False


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGUSR1])
def test_a_signal_stops_after_the_step_with_a_checkpoint_and_the_restart_is_identical(tmp_path, uninterrupted, sig):
    out = tmp_path / "out.h5"
    out.write_bytes(OLD)
    ckpt = tmp_path / "ckpt"
    p = start(SLOW + ["-o", str(out), "--checkpoint-dir", str(ckpt)])
    assert wait_for(tmp_path / "out.h5.lock")
    time.sleep(1.5)  # initialisation done, inside the first year
    p.send_signal(sig)
    _, err = p.communicate(timeout=600)
    assert p.returncode == 75, err
    assert f"mobsim: stopped by {signal.Signals(sig).name} after step " in err
    assert f"continue with: mobsim run --restart {ckpt}" in err
    assert out.read_bytes() == OLD
    assert litter(tmp_path) == [] and litter(ckpt) == []
    assert "replicate-0000.ckpt" in os.listdir(ckpt)
    # The job's command again, on one thread: it finds its checkpoints.
    again = run(job_command(out, ckpt) + ["--threads", "1"])
    assert again.returncode == 0, again.stderr
    assert_same(uninterrupted, out)
    assert (tmp_path / "#out.h5.1#").read_bytes() == OLD


def test_without_a_folder_a_stop_checkpoints_beside_the_output(tmp_path, uninterrupted):
    out = tmp_path / "out.h5"
    p = start(SLOW + ["-o", str(out)])
    assert wait_for(tmp_path / "out.h5.lock")
    time.sleep(1.5)
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=600)
    assert p.returncode == 75, err
    folder = tmp_path / "out.h5.checkpoint"
    assert f"checkpoints in {folder}" in err
    assert not out.exists() and litter(tmp_path) == []
    done = run(["run", "--restart", str(folder), "-q", "--no-summary"])
    assert done.returncode == 0, done.stderr
    assert_same(uninterrupted, out)  # the output path the checkpoint recorded


def test_a_signal_during_the_first_step_keeps_a_usable_checkpoint(tmp_path, uninterrupted):
    out = tmp_path / "out.h5"
    ckpt = tmp_path / "ckpt"
    p = start(SLOW + ["-o", str(out), "--checkpoint-dir", str(ckpt)])
    assert wait_for(tmp_path / "out.h5.lock")
    p.send_signal(signal.SIGTERM)  # during initialisation or the first step
    _, err = p.communicate(timeout=600)
    assert p.returncode == 75, err
    assert litter(tmp_path) == [] and litter(ckpt) == []
    done = run(job_command(out, ckpt))
    assert done.returncode == 0, done.stderr
    assert_same(uninterrupted, out)


def test_a_second_signal_during_a_checkpoint_write_stops_at_once_and_leaves_the_last_checkpoint(tmp_path):
    # Large checkpoints, one after every step: most of the run is writing them.
    args = [BASELINE, "--set", "run.people_per_agent=4", "--set", "run.replicates=1", "--steps", "6",
            "-q", "--no-summary", "--checkpoint-every", "1"]
    full = tmp_path / "full.h5"
    assert run(["run"] + args + ["-o", str(full)]).returncode == 0
    out = tmp_path / "out.h5"
    ckpt = tmp_path / "ckpt"
    p = start(args + ["-o", str(out), "--checkpoint-dir", str(ckpt)])
    assert wait_for(ckpt / "replicate-0000.ckpt", 120)  # the first is in place
    deadline = time.time() + 60
    while time.time() < deadline and not any(".tmp-" in n for n in os.listdir(ckpt)):
        time.sleep(0.005)
    p.send_signal(signal.SIGTERM)
    time.sleep(0.05)
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=600)
    assert p.returncode in (75, 128 + signal.SIGTERM), err
    assert litter(tmp_path) == [] and litter(ckpt) == [], err
    assert not out.exists()
    done = run(["run"] + args + ["-o", str(out), "--checkpoint-dir", str(ckpt)])
    assert done.returncode == 0, done.stderr
    assert_same(full, out)


def test_signals_at_random_moments_never_leave_litter_or_a_broken_state(tmp_path, uninterrupted):
    rng = random.Random(7)
    out = tmp_path / "out.h5"
    ckpt = tmp_path / "ckpt"
    outcomes = set()
    for attempt in range(6):
        p = start(SLOW + ["-o", str(out), "--checkpoint-dir", str(ckpt), "--checkpoint-every", "5"])
        time.sleep(rng.uniform(0.2, 2.5))
        p.send_signal(signal.SIGTERM)
        if rng.random() < 0.3:
            time.sleep(rng.uniform(0.0, 0.2))
            p.send_signal(signal.SIGTERM)
        _, err = p.communicate(timeout=600)
        outcomes.add(p.returncode)
        assert p.returncode in (0, 75, 128 + signal.SIGTERM), err
        assert litter(tmp_path) == [] and litter(ckpt) == [], (attempt, err)
        if p.returncode == 0:
            break
    done = run(job_command(out, ckpt))
    assert done.returncode == 0, done.stderr
    assert_same(uninterrupted, out)
