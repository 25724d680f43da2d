"""Forks from a warm-up (docs/CHECKPOINTS.md, "Forks"): `--stop-after`
keeps a warm-up of the base, `run POLICY --from WARM` starts the policy
scenario from it and writes the same datasets as running it from the start;
a policy that acted during the warm-up, another parameter value, a finished
or corrupt base is refused with exit 2 and nothing written."""
import os
import subprocess

import pytest

from same_datasets import assert_same

MOBSIM = os.path.abspath(os.environ.get("MOBSIM", "build/mobsim"))
SOURCE = os.path.abspath(os.environ.get("MOBSIM_SOURCE_DIR", "."))
SCENARIOS = os.path.join(SOURCE, "scenarios")
SMALL = ["--set", "run.people_per_agent=200", "--replicates", "2", "--steps", "36", "-q", "--no-summary"]


def scenario(name):
    return os.path.join(SCENARIOS, name + ".toml")


def run(args):
    return subprocess.run([MOBSIM, "run"] + args, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def warm(tmp_path_factory):
    """The baseline's first year, kept as checkpoints."""
    folder = tmp_path_factory.mktemp("warm")
    done = run([scenario("baseline")] + SMALL + ["--stop-after", "12", "--checkpoint-dir", str(folder / "ck"),
                                                 "-o", str(folder / "never.h5")])
    assert done.returncode == 0, done.stderr
    assert "stopped after step 12 of 36 as asked" in done.stdout
    assert not (folder / "never.h5").exists()
    assert sorted(os.listdir(folder / "ck")) == ["replicate-0000.ckpt", "replicate-0001.ckpt"]
    return folder / "ck"


@pytest.mark.parametrize("policy", ["freetown_milan_fashion", "legal_pathways_expansion"])
def test_a_fork_writes_the_datasets_of_the_run_from_the_start(tmp_path, warm, policy):
    scratch = tmp_path / "scratch.h5"
    assert run([scenario(policy)] + SMALL + ["-o", str(scratch)]).returncode == 0
    for threads in ("1", "2"):
        forked = tmp_path / f"fork{threads}.h5"
        done = run([scenario(policy)] + SMALL + ["--from", str(warm), "--threads", threads, "-o", str(forked)])
        assert done.returncode == 0, done.stderr
        assert_same(scratch, forked)


def test_the_fork_says_what_it_adds(tmp_path, warm):
    done = run([scenario("zurich_city_id"), "--set", "run.people_per_agent=200", "--replicates", "2",
                "--steps", "36", "--no-summary", "--from", str(warm), "-o", str(tmp_path / "z.h5")])
    assert done.returncode == 0, done.stderr
    assert "forking from the checkpoints in" in done.stdout
    assert "after step 12 (2026-01): adds urban_citizenship.zurich_city_card, in force from 2026-01" in done.stdout


def test_a_policy_that_acted_during_the_warm_up_is_refused_and_named(tmp_path, warm):
    out = tmp_path / "youth.h5"
    done = run([scenario("freetown_youth_jobs")] + SMALL + ["--from", str(warm), "-o", str(out)])
    assert done.returncode == 2, done.stderr
    assert "freetown_youth_jobs.toml:" in done.stderr
    assert "job_programmes.freetown_waste_collection" in done.stderr
    assert "acts from 2025-01, before the checkpoint" in done.stderr
    assert not out.exists()
    assert [n for n in os.listdir(tmp_path)] == []


def test_another_parameter_value_is_refused_and_named(tmp_path, warm):
    done = run([scenario("freetown_milan_fashion")] + SMALL +
               ["--set", "population.male_share=0.51", "--from", str(warm), "-o", str(tmp_path / "x.h5")])
    assert done.returncode == 2
    assert "'population.male_share = 0.51' where its base has 'population.male_share = 0.5'" in done.stderr
    assert os.listdir(tmp_path) == []


def test_a_finished_or_corrupt_base_is_refused(tmp_path, warm):
    finished = tmp_path / "finished"
    done = run([scenario("baseline")] + SMALL + ["--checkpoint-dir", str(finished), "--no-output"])
    assert done.returncode == 0, done.stderr
    refused = run([scenario("freetown_milan_fashion")] + SMALL + ["--from", str(finished), "--no-output"])
    assert refused.returncode == 2
    assert "is of a finished run and keeps its results only" in refused.stderr
    assert "--stop-after" in refused.stderr

    corrupt = tmp_path / "corrupt"
    corrupt.mkdir()
    data = bytearray((warm / "replicate-0000.ckpt").read_bytes())
    data[len(data) // 2] ^= 0x10
    (corrupt / "replicate-0000.ckpt").write_bytes(bytes(data))
    refused = run([scenario("freetown_milan_fashion")] + SMALL + ["--from", str(corrupt), "--no-output"])
    assert refused.returncode == 2
    assert "CRC-32" in refused.stderr


def test_a_requeued_fork_continues_its_own_checkpoints(tmp_path, warm):
    scratch = tmp_path / "scratch.h5"
    assert run([scenario("covid_border_closure")] + SMALL + ["-o", str(scratch)]).returncode == 0
    own = tmp_path / "own"
    forked = tmp_path / "fork.h5"
    command = [scenario("covid_border_closure")] + SMALL + ["--from", str(warm), "--checkpoint-dir", str(own),
                                                            "-o", str(forked)]
    # The job's first go ends after step 24 (as a time limit would end it) ...
    first = run(command + ["--stop-after", "24"])
    assert first.returncode == 0, first.stderr
    assert not forked.exists()
    # ... the requeued job runs the same command and goes on from its own step 24.
    again = subprocess.run([MOBSIM, "run"] + [a for a in command if a != "-q"], capture_output=True, text=True,
                           timeout=600)
    assert again.returncode == 0, again.stderr
    assert "continuing this fork's own checkpoints" in again.stdout
    assert_same(scratch, forked)
