"""Fault injection: the run as a cluster job meets a full disk, a read-only
folder, special files, links, a second run on the same output, a memory
limit, a kill, and a policy that never acts. Every case checks the message,
the exit code (docs/EXIT_CODES.md), that no temporary or lock file is left,
and that an existing output is byte-for-byte unchanged.

Cases that mount a tmpfs need root (as in containers and CI); elsewhere they
are skipped with the reason."""
import os
import resource
import shutil
import signal
import socket
import stat
import subprocess
import time

import pytest

MOBSIM = os.path.abspath(os.environ.get("MOBSIM", "build/mobsim"))
SOURCE = os.path.abspath(os.environ.get("MOBSIM_SOURCE_DIR", "."))
FOUR_CITIES = os.path.join(SOURCE, "scenarios", "ci", "four_cities.toml")
BASELINE = os.path.join(SOURCE, "scenarios", "baseline.toml")
# About two seconds of work, to be caught in the middle.
SLOW = [BASELINE, "--set", "run.people_per_agent=20", "--set", "run.replicates=1", "--steps", "60"]
OLD = b"an earlier result that must survive\n"


def run(args, **kw):
    return subprocess.run([MOBSIM] + args, capture_output=True, text=True, timeout=300, **kw)


def listing(folder):
    return sorted(os.listdir(folder))


def is_root():
    return os.geteuid() == 0


@pytest.fixture
def tmpfs(tmp_path):
    """Mounts tmpfs file systems of given sizes; unmounts them afterwards."""
    if not is_root():
        pytest.skip("mounting a small tmpfs needs root; run the suite as root to test a full disk")
    mounted = []

    def mount(size, name="fs"):
        point = tmp_path / name
        point.mkdir()
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
        mounted.append(point)
        return point

    yield mount
    for point in reversed(mounted):
        subprocess.run(["umount", "-l", str(point)], check=False)


def with_old_output(folder, name="out.h5"):
    path = folder / name
    path.write_bytes(OLD)
    return path


# ---- a full disk -----------------------------------------------------------

@pytest.mark.parametrize("size", ["8k", "64k", "256k", "440k"])
def test_a_full_disk_is_exit_3_with_the_cause_and_the_old_output_kept(tmpfs, size):
    folder = tmpfs(size)
    out = with_old_output(folder)
    done = run(["run", FOUR_CITIES, "-o", str(out), "-q", "--no-summary"])
    assert done.returncode == 3, done.stderr
    assert f"mobsim: error: cannot write output '{out}'" in done.stderr
    assert "No space left on device" in done.stderr
    assert "any earlier file is unchanged" in done.stderr
    assert "Segmentation" not in done.stderr and "HDF5-DIAG" not in done.stderr
    assert listing(folder) == ["out.h5"]
    assert out.read_bytes() == OLD


def test_a_disk_that_fills_during_the_run_stops_it_there(tmpfs):
    # 24 replicates of ten years write about 5 MB, a chunk (a year of one
    # replicate) at a time while the run goes on: the disk fills in the middle
    # of the run, and the run stops there instead of running to the end.
    folder = tmpfs("2m")
    out = with_old_output(folder)
    done = run(["run", BASELINE, "--set", "run.people_per_agent=5000", "--replicates", "24", "-o", str(out), "-q",
                "--no-summary", "--verbose"])
    assert done.returncode == 3, done.stderr
    assert "No space left on device" in done.stderr
    assert "HDF5's error stack:\nHDF5: cannot write time points: No space left on device" in done.stderr
    assert "H5Dwrite()" in done.stderr and "HDF5-DIAG" not in done.stderr
    assert listing(folder) == ["out.h5"]
    assert out.read_bytes() == OLD


def test_a_read_only_folder_is_refused_before_the_run(tmp_path, tmpfs):
    folder = tmpfs("1m")
    out = with_old_output(folder)
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    done = run(["run", FOUR_CITIES, "-o", str(out), "-q", "--no-summary"])
    assert done.returncode == 2, done.stderr
    assert f"cannot create files in output folder '{folder}': Read-only file system; nothing was run" in done.stderr
    assert listing(folder) == ["out.h5"]
    assert out.read_bytes() == OLD


def test_a_folder_without_write_permission_is_refused(tmp_path):
    if is_root():
        pytest.skip("root ignores folder permissions (the read-only mount above covers this as root)")
    folder = tmp_path / "locked"
    folder.mkdir()
    out = with_old_output(folder)
    folder.chmod(0o555)
    try:
        done = run(["run", FOUR_CITIES, "-o", str(out), "-q", "--no-summary"])
    finally:
        folder.chmod(0o755)
    assert done.returncode == 2, done.stderr
    assert "Permission denied" in done.stderr
    assert listing(folder) == ["out.h5"] and out.read_bytes() == OLD


# ---- special files, folders, links ------------------------------------------

@pytest.mark.parametrize("device", ["/dev/null", "/dev/full"])
def test_a_device_is_refused_and_stays_a_device(device):
    before = os.stat(device)
    done = run(["run", FOUR_CITIES, "-o", device, "-q", "--no-summary"])
    assert done.returncode == 2, done.stderr
    assert f"output '{device}' is a character device, not a regular file" in done.stderr
    assert "--no-output" in done.stderr
    after = os.stat(device)
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_ino == before.st_ino
    assert not [f for f in os.listdir("/dev") if f.startswith(os.path.basename(device) + ".")]


def test_a_fifo_a_socket_and_a_folder_are_refused_unchanged(tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(tmp_path / "sock"))
    folder = tmp_path / "folder"
    folder.mkdir()
    try:
        for path, kind in [(fifo, "a FIFO (named pipe)"), (tmp_path / "sock", "a socket"), (folder, "a folder")]:
            done = run(["run", FOUR_CITIES, "-o", str(path), "-q", "--no-summary"])
            assert done.returncode == 2, done.stderr
            assert f"output '{path}' is {kind}, not a regular file" in done.stderr
    finally:
        sock.close()
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and stat.S_ISSOCK(os.stat(tmp_path / "sock").st_mode)
    assert listing(tmp_path) == ["fifo", "folder", "sock"] and listing(folder) == []


def test_no_output_runs_without_writing_anything(tmp_path):
    done = run(["run", FOUR_CITIES, "--no-output", "-q", "--no-summary"], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "no output written (--no-output)" in done.stdout
    assert listing(tmp_path) == []
    clash = run(["run", FOUR_CITIES, "--no-output", "-o", "x.h5"], cwd=tmp_path)
    assert clash.returncode == 2 and "excludes" in clash.stderr


def test_a_link_is_followed_and_kept_and_a_dangling_link_refused(tmp_path):
    (tmp_path / "results").mkdir()
    target = with_old_output(tmp_path / "results", "run.h5")
    link = tmp_path / "latest.h5"
    link.symlink_to("results/run.h5")
    done = run(["run", FOUR_CITIES, "-o", str(link), "-q", "--no-summary"])
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and os.readlink(link) == "results/run.h5"
    assert target.read_bytes()[:8] == b"\x89HDF\r\n\x1a\n"
    assert (tmp_path / "results" / "#run.h5.1#").read_bytes() == OLD
    assert f"the previous file is kept as {tmp_path.resolve() / 'results' / '#run.h5.1#'}" in done.stdout
    dangling = tmp_path / "dangling.h5"
    dangling.symlink_to("nowhere/run.h5")
    refused = run(["run", FOUR_CITIES, "-o", str(dangling), "-q", "--no-summary"])
    assert refused.returncode == 2
    assert "is a symbolic link to 'nowhere/run.h5', which does not exist" in refused.stderr
    assert dangling.is_symlink() and listing(tmp_path) == ["dangling.h5", "latest.h5", "results"]


def test_a_rerun_keeps_numbered_backups_and_overwrite_replaces(tmp_path):
    out = with_old_output(tmp_path)
    assert run(["run", FOUR_CITIES, "-o", str(out), "-q", "--no-summary"]).returncode == 0
    first_run = out.read_bytes()
    rerun = run(["run", FOUR_CITIES, "-o", str(out), "--no-summary", "--seed", "7"])
    assert rerun.returncode == 0
    assert f"(the previous file is kept as {tmp_path / '#out.h5.2#'})" in rerun.stdout
    assert listing(tmp_path) == ["#out.h5.1#", "#out.h5.2#", "out.h5"]
    assert (tmp_path / "#out.h5.1#").read_bytes() == OLD
    assert (tmp_path / "#out.h5.2#").read_bytes() == first_run
    second_run = out.read_bytes()
    assert second_run != first_run  # another seed
    assert run(["run", FOUR_CITIES, "-o", str(out), "-q", "--no-summary", "--overwrite"]).returncode == 0
    assert listing(tmp_path) == ["#out.h5.1#", "#out.h5.2#", "out.h5"]
    assert (tmp_path / "#out.h5.2#").read_bytes() == first_run
    assert out.read_bytes() != second_run


# ---- two runs, a kill -------------------------------------------------------

def wait_for(path, seconds=20):
    end = time.time() + seconds
    while time.time() < end:
        if path.exists() and path.stat().st_size > 0:
            return True
        time.sleep(0.02)
    return False


def test_a_second_run_on_the_same_output_is_refused_naming_the_first(tmp_path):
    out = with_old_output(tmp_path)
    first = subprocess.Popen([MOBSIM, "run"] + SLOW + ["-o", str(out), "-q", "--no-summary"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert wait_for(tmp_path / "out.h5.lock"), "the first run never took the lock"
        second = run(["run", FOUR_CITIES, "-o", str(out), "-q", "--no-summary"])
        assert second.returncode == 5, second.stderr
        assert f"is being written by another mobsim run (pid {first.pid} on host " in second.stderr
        assert out.read_bytes() == OLD
    finally:
        _, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert listing(tmp_path) == ["#out.h5.1#", "out.h5"]
    assert (tmp_path / "#out.h5.1#").read_bytes() == OLD


def test_the_leftovers_of_a_killed_run_are_reported_and_removed_by_the_next(tmp_path):
    out = with_old_output(tmp_path)
    victim = subprocess.Popen([MOBSIM, "run"] + SLOW + ["-o", str(out), "-q", "--no-summary"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert wait_for(tmp_path / "out.h5.lock")
    time.sleep(0.3)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    assert out.read_bytes() == OLD
    left = listing(tmp_path)
    assert f"out.h5.tmp-{victim.pid}" in left and "out.h5.lock" in left
    done = run(["run", FOUR_CITIES, "-o", str(out), "-q", "--no-summary"])
    assert done.returncode == 0, done.stderr
    assert (f"mobsim: note: removed '{tmp_path / ('out.h5.tmp-' + str(victim.pid))}', left by a run on the same "
            "output that did not finish") in done.stderr
    assert listing(tmp_path) == ["#out.h5.1#", "out.h5"]


# ---- memory -----------------------------------------------------------------

def test_a_memory_limit_is_exit_4_with_what_the_run_needs(tmp_path):
    out = with_old_output(tmp_path)
    limit = 450 * 1024 * 1024  # address space; the run below needs about 570 MiB

    def limited():
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    done = run(["run", BASELINE, "--set", "run.people_per_agent=4", "--set", "run.replicates=1", "--steps", "2",
                "-o", str(out), "-q", "--no-summary"], preexec_fn=limited)
    assert done.returncode == 4, done.stderr
    assert "warning: the address-space limit (ulimit -v) of 450 MiB is below what this run is expected to need" \
        in done.stderr
    assert "mobsim: error: out of memory: this run needs about" in done.stderr
    assert "for 7,263,787 agents; try a larger run.people_per_agent" in done.stderr
    assert listing(tmp_path) == ["out.h5"] and out.read_bytes() == OLD


# ---- a policy that never acts -----------------------------------------------

def test_a_scheme_outside_the_run_warns_and_is_refused_under_strict(tmp_path):
    scenario = tmp_path / "late.toml"
    scenario.write_text(f'base = "{FOUR_CITIES}"\n\n[circular_schemes.late]\norigin = "Freetown"\n'
                        'destination = "Milan"\nsector = "creative_textiles"\nannual_quota = 2000\n'
                        'start = "2040-01"\n')
    out = with_old_output(tmp_path)
    message = (f"{scenario}:8:9: warning: circular_schemes.late.start: its window from 2040-01 lies after the run "
               "ends (the steps of the run begin from 2025-01 to 2026-12): it never acts")
    validated = run(["validate", str(scenario)])
    assert validated.returncode == 0 and message in validated.stderr
    strict = run(["run", str(scenario), "--strict", "-o", str(out), "-q", "--no-summary"])
    assert strict.returncode == 2
    assert message.replace("warning:", "error:") in strict.stderr
    assert "rejected under --strict" in strict.stderr
    assert listing(tmp_path) == ["late.toml", "out.h5"] and out.read_bytes() == OLD
    ran = run(["run", str(scenario), "-o", str(out), "-q", "--no-summary", "--overwrite"])
    assert ran.returncode == 0 and message in ran.stderr
