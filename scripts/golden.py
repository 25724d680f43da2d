#!/usr/bin/python3
"""Golden outputs: small reference runs kept in the repository, and a check
that names which datasets changed and by how much.

Usage:
  scripts/golden.py check  [--mobsim build/mobsim] [--threads N] [NAME ...]
  scripts/golden.py update [--mobsim build/mobsim] [NAME ...]
  scripts/golden.py diff REFERENCE.json.gz OUTPUT.h5

Each golden case is a scenario in scenarios/ci/ (NAME.toml) whose every
dataset is stored, values and dtype, in scenarios/ci/golden/NAME.json.gz
(gzip without a time stamp, so that regenerating an unchanged output gives
the same bytes). `check` runs each case and compares it with its reference
bit for bit; `update` rewrites the references on purpose, after a change
whose effect on the outputs is intended and stated in its commit. Exit code
0 when every case is identical (check) or written (update), 1 when some
dataset differs, 2 on bad usage.
"""
import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from mobsim.output import datasets as read_datasets  # noqa: E402
CASES = ("four_cities", "every_policy")
GOLDEN_DIR = os.path.join(ROOT, "scenarios", "ci", "golden")


def scenario_path(name):
    return os.path.join(ROOT, "scenarios", "ci", name + ".toml")


def reference_path(name):
    return os.path.join(GOLDEN_DIR, name + ".json.gz")


def encode(datasets):
    """The reference form: dtype, shape and flat values of each dataset.
    Floats are written with repr, which reads back to the same double."""
    out = {}
    for name in sorted(datasets):
        v = datasets[name]
        dtype = "str" if v.dtype == object else v.dtype.str
        values = [str(x) for x in np.ravel(v)] if v.dtype == object else np.ravel(v).tolist()
        out[name] = {"dtype": dtype, "shape": list(v.shape), "values": values}
    return out


def decode(entry):
    if entry["dtype"] == "str":
        return np.array(entry["values"], dtype=object).reshape(entry["shape"])
    return np.array(entry["values"], dtype=np.dtype(entry["dtype"])).reshape(entry["shape"])


def load_reference(path):
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return {name: decode(entry) for name, entry in json.load(f).items()}


def write_reference(path, datasets):
    text = json.dumps(encode(datasets), separators=(",", ":"), sort_keys=True)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as f:
        f.write(text.encode("utf-8"))
    os.replace(tmp, path)


def bitwise_equal(x, y):
    if x.dtype == object or y.dtype == object:
        return x.dtype == y.dtype and np.array_equal(x, y)
    return x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes()


def describe_change(name, ref, new, coords=None):
    """One line saying how a dataset changed: how many values, the largest
    absolute and relative difference and where, and the change of its total."""
    if ref.dtype != new.dtype and (ref.dtype == object or new.dtype == object):
        return f"{name}: type {ref.dtype} -> {new.dtype}"
    if ref.shape != new.shape:
        return f"{name}: shape {ref.shape} -> {new.shape}"
    if ref.dtype == object:
        changed = int(np.sum(ref != new))
        return f"{name}: {changed} of {ref.size} labels differ"
    if ref.dtype != new.dtype:
        prefix = f"{name}: dtype {ref.dtype} -> {new.dtype}"
        if np.array_equal(ref, new):
            return prefix + ", same values"
    else:
        prefix = name + ":"
    a, b = ref.astype(np.float64), new.astype(np.float64)
    differs = ~((a == b) | (np.isnan(a) & np.isnan(b)))
    if ref.dtype == new.dtype and not differs.any():
        return prefix + " same values, different bits (e.g. -0.0 and 0.0)"
    delta = np.where(differs, np.abs(b - a), 0.0)
    where = np.unravel_index(int(np.argmax(delta)), a.shape)
    scale = np.abs(a[where]) if a[where] != 0 else 1.0
    position = ", ".join(label(coords, axis, i) for axis, i in enumerate(where)) if coords else str(where)
    total_a, total_b = float(np.nansum(a)), float(np.nansum(b))
    total = f"total {total_a:.6g} -> {total_b:.6g}"
    if total_a != 0:
        total += f" ({100.0 * (total_b - total_a) / abs(total_a):+.3g}%)"
    return (f"{prefix} {int(differs.sum())} of {a.size} values differ; largest |change| {delta[where]:.6g} "
            f"({100.0 * delta[where] / scale:.3g}%) at [{position}]: {a[where]:.6g} -> {b[where]:.6g}; {total}")


def label(coords, axis, index):
    names = coords[axis] if axis < len(coords) else None
    return f"{names[index]}" if names is not None and index < len(names) else str(index)


def coordinates_of(name, datasets):
    """Labels for the axes of a dataset, where the file has them."""
    cities = datasets.get("city")
    if name.startswith("series/") and cities is not None:
        return [None, None, list(cities)]
    if name == "flows" and cities is not None:
        return [None, None, list(cities), list(cities)]
    if name == "flows_by_channel" and cities is not None and "channel" in datasets:
        return [None, None, list(datasets["channel"]), list(cities), list(cities)]
    return None


def compare(reference, output):
    """Lines naming every dataset that differs; empty when all are identical."""
    lines = []
    for name in sorted(set(reference) | set(output)):
        if name not in output:
            lines.append(f"{name}: missing from the new output")
        elif name not in reference:
            lines.append(f"{name}: new dataset, not in the reference")
        elif not bitwise_equal(reference[name], output[name]):
            lines.append(describe_change(name, reference[name], output[name], coordinates_of(name, reference)))
    return lines


def run_case(mobsim, name, output, threads=None):
    command = [mobsim, "run", scenario_path(name), "-o", output, "-q", "--no-summary"]
    if threads:
        command += ["--threads", str(threads)]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["check", "update", "diff"])
    parser.add_argument("names", nargs="*", help="golden cases (default: all), or for diff: REFERENCE OUTPUT")
    parser.add_argument("--mobsim", default=os.environ.get("MOBSIM", os.path.join(ROOT, "build", "mobsim")))
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args(argv)

    if args.action == "diff":
        if len(args.names) != 2:
            parser.error("diff takes REFERENCE.json.gz OUTPUT.h5")
        lines = compare(load_reference(args.names[0]), read_datasets(args.names[1]))
        print("\n".join(lines) if lines else "identical")
        return 1 if lines else 0

    names = args.names or list(CASES)
    for name in names:
        if not os.path.exists(scenario_path(name)):
            print(f"golden: no scenario {scenario_path(name)}", file=sys.stderr)
            return 2
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            output = os.path.join(tmp, name + ".h5")
            run_case(args.mobsim, name, output, args.threads)
            datasets = read_datasets(output)
            if args.action == "update":
                write_reference(reference_path(name), datasets)
                print(f"golden: wrote {os.path.relpath(reference_path(name), ROOT)} ({len(datasets)} datasets)")
                continue
            if not os.path.exists(reference_path(name)):
                print(f"golden: {name}: no reference; run `scripts/golden.py update {name}`")
                failed += 1
                continue
            lines = compare(load_reference(reference_path(name)), datasets)
            if lines:
                failed += 1
                print(f"golden: {name}: {len(lines)} datasets changed")
                for line in lines:
                    print("  " + line)
            else:
                print(f"golden: {name}: identical ({len(datasets)} datasets)")
    if failed and args.action == "check":
        print("golden: if the change is intended, say so in the commit and run `scripts/golden.py update`")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
