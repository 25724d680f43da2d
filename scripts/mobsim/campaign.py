"""Many runs of one scenario at different parameter values, side by side and
resumable: the machinery under `mobsim sensitivity` and `mobsim calibrate`.

A campaign lives in one folder. `campaign.json` holds its settings (scenario,
overrides, scale, replicates, targets file and its digest, design); a folder
holding another campaign's settings is refused rather than mixed. Each
design point of a stage is run as `mobsim run SCENARIO --set KEY=VALUE ...`
with the scenario's own seed (replicate r meets the same random numbers at
every point: common random numbers), reduced at once to the quantities the
analysis needs (`outputs`: every target in each replicate, and each count
headline series summed over cities and the run) and stored as
`STAGE/point-NNNN.json`; the HDF5 output is then deleted. A point whose file
is there is not run again, so an interrupted campaign resumes where it
stopped, and the result does not depend on how many points ran at once or
in which order they finished.
"""
import argparse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
import hashlib
import json
import math
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

from . import effects, targets as targets_module
from .output import open_run


class CampaignError(Exception):
    """A campaign that cannot start or go on (exit code 2)."""


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def value_text(x):
    """The shortest text that reads back as the same double (what --set takes)."""
    return repr(float(x))


@dataclass
class Parameter:
    key: str
    value: float   # the scenario's
    unit: str
    low: float     # plausible range
    high: float


def plausible_parameters(mobsim, scenario, sets):
    """The behavioural parameters with a plausible range of the models the
    scenario selects (`mobsim parameters --plausible`). Raises CampaignError
    with mobsim's message when the scenario is invalid."""
    command = [mobsim, "parameters", scenario, "--plausible", "--format", "tsv"]
    for s in sets:
        command += ["--set", s]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        raise CampaignError(done.stderr.rstrip())
    rows = [line.split("\t") for line in done.stdout.splitlines()[1:] if line]
    return [Parameter(r[0], float(r[1]), r[2], float(r[5]), float(r[6])) for r in rows]


@dataclass
class Campaign:
    mobsim: str
    scenario: str
    folder: str
    sets: list = field(default_factory=list)      # --set overrides for every run
    people_per_agent: int = 100
    replicates: int = 2
    jobs: int = 2
    settings: dict = field(default_factory=dict)  # the analysis's own settings, part of campaign.json
    targets: list = field(default_factory=list)   # mobsim.targets.Target
    wall_seconds: dict = field(default_factory=dict)  # per stage, this invocation
    new_runs: dict = field(default_factory=dict)

    def run_sets(self):
        return [f"run.people_per_agent={self.people_per_agent}"] + list(self.sets)

    def identity(self, targets_path):
        return {"scenario": os.path.abspath(self.scenario), "scenario_digest": digest(self.scenario),
                "sets": self.run_sets(), "replicates": self.replicates,
                "targets": os.path.abspath(targets_path), "targets_digest": digest(targets_path),
                **self.settings}

    def open(self, targets_path, overwrite=False):
        """Creates the folder or checks that it holds this campaign."""
        path = os.path.join(self.folder, "campaign.json")
        wanted = self.identity(targets_path)
        if os.path.exists(path) and not overwrite:
            with open(path) as f:
                found = json.load(f)
            if found != wanted:
                changed = sorted(k for k in set(found) | set(wanted) if found.get(k) != wanted.get(k))
                raise CampaignError(f"{self.folder} holds another campaign (it differs in {', '.join(changed)}); "
                                    "choose another --out folder, or --overwrite to start this one afresh there")
            return
        if os.path.exists(self.folder) and overwrite:
            for stage in os.listdir(self.folder):
                stage_dir = os.path.join(self.folder, stage)
                if os.path.isdir(stage_dir):
                    for name in os.listdir(stage_dir):
                        if name.startswith("point-") and name.endswith(".json"):
                            os.remove(os.path.join(stage_dir, name))
        os.makedirs(self.folder, exist_ok=True)
        _write_json(path, wanted)

    def probe(self):
        """A one-step run of the scenario at the campaign's scale: the cities
        and series the targets may name."""
        with tempfile.TemporaryDirectory() as tmp:
            out = os.path.join(tmp, "probe.h5")
            self._run({}, out, steps=1, replicates=1)
            return open_run(out)

    def _run(self, point, output, steps=None, replicates=None):
        command = [self.mobsim, "run", self.scenario, "-o", output, "--overwrite", "-q", "--no-summary",
                   "--threads", "1", "--replicates", str(replicates or self.replicates)]
        if steps:
            command += ["--steps", str(steps)]
        for s in self.run_sets():
            command += ["--set", s]
        for key, value in point.items():
            command += ["--set", f"{key}={value_text(value)}"]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode != 0:
            raise CampaignError(f"the run at {point} failed (exit code {done.returncode}):\n{done.stderr.rstrip()}")

    def run_stage(self, stage, points, progress=None, replicates=None):
        """Runs every point (a dict key -> value) not yet done, with the
        campaign's replicates or `replicates`; returns their outputs in point
        order: a list of {output name: [value per replicate]}."""
        folder = os.path.join(self.folder, stage)
        os.makedirs(folder, exist_ok=True)
        started = time.monotonic()
        pending, results = [], [None] * len(points)
        for i, point in enumerate(points):
            path = os.path.join(folder, f"point-{i:04d}.json")
            if os.path.exists(path):
                with open(path) as f:
                    stored = json.load(f)
                if stored["parameters"] != {k: float(v) for k, v in point.items()}:
                    raise CampaignError(f"{path} holds another point than this design's: a campaign folder "
                                        "is for one design (--overwrite to start afresh)")
                results[i] = stored["outputs"]
            else:
                pending.append(i)
        done_count = [len(points) - len(pending)]

        def work(i):
            path = os.path.join(folder, f"point-{i:04d}.json")
            h5 = os.path.join(folder, f"point-{i:04d}.h5")
            t0 = time.monotonic()
            self._run(points[i], h5, replicates=replicates)
            outputs = reduce_run(open_run(h5), self.targets)
            os.remove(h5)
            _write_json(path, {"parameters": {k: float(v) for k, v in points[i].items()}, "outputs": outputs,
                               "wall_seconds": round(time.monotonic() - t0, 3)})
            return i, outputs

        with ThreadPoolExecutor(max_workers=max(1, self.jobs)) as pool:
            for i, outputs in pool.map(work, pending):
                results[i] = outputs
                done_count[0] += 1
                if progress:
                    progress(stage, done_count[0], len(points))
        self.wall_seconds[stage] = time.monotonic() - started
        self.new_runs[stage] = len(pending)
        return results


def add_campaign_options(parser, root, kind):
    """The options every analysis shares: the scenario, targets, results
    folder, overrides, scale, replicates, length, seed and runs side by side."""
    parser.add_argument("--mobsim", default=os.path.join(root, "build", "mobsim"), help=argparse.SUPPRESS)
    parser.add_argument("scenario")
    parser.add_argument("--targets", required=True, help="observed targets (scenarios/data/targets.toml)")
    parser.add_argument("--out", help=f"folder of the results (default: <scenario name>.{kind} here)")
    parser.add_argument("--set", dest="sets", action="append", default=[], help="override a parameter for every run")
    parser.add_argument("--people-per-agent", type=int, default=100, help="agent scale of every run (default 100)")
    parser.add_argument("--replicates", type=int, default=2,
                        help="replicates per run (default 2; calibrate: 1, with --noise-points)")
    parser.add_argument("--months", type=int, help="run length in months (default: the scenario's)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the designs (the runs keep the scenario's)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="runs side by side (default: cores)")
    parser.add_argument("--overwrite", action="store_true", help="start afresh in a folder holding another analysis")
    parser.add_argument("-q", "--quiet", action="store_true")


def open_campaign(args, kind, choose, settings):
    """(campaign, parameters, targets left out) for the parsed options, or
    None after printing why (bad scenario, targets or parameters; the caller
    exits with code 2, nothing run). `choose(available)` picks the parameters
    among those with a plausible range; `settings(parameters)` is the
    analysis's own part of campaign.json."""
    prog = f"mobsim {'calibrate' if kind == 'calibration' else kind}"
    name = os.path.splitext(os.path.basename(args.scenario))[0]
    sets = list(args.sets) + ([f"run.duration_months={args.months}"] if args.months else [])
    try:
        parameters = choose(plausible_parameters(args.mobsim, args.scenario, sets))
        if not parameters:
            raise CampaignError(f"{args.scenario}: none of its models' parameters declares a plausible range")
        campaign = Campaign(args.mobsim, args.scenario, args.out or f"{name}.{kind}", sets, args.people_per_agent,
                            args.replicates, args.jobs, settings={"analysis": kind, **settings(parameters)})
        probe = campaign.probe()
        campaign.targets, left_out = targets_module.targets_for_run(args.targets, probe)
        campaign.open(args.targets, args.overwrite)
        return campaign, parameters, left_out
    except targets_module.TargetError as e:
        print(e, file=sys.stderr)
        print(f"{prog}: targets rejected; nothing was run", file=sys.stderr)
    except (CampaignError, OSError) as e:
        print(f"{prog}: error: {e}", file=sys.stderr)
    return None


def headline_counts(run):
    """The count headline series (not rates) summed over cities and the whole
    run (stocks at its end, flows over its steps), per replicate."""
    period = effects.whole_run(run)
    out = {}
    for name in run.series.data_vars:
        da = run.series[name]
        if not da.attrs.get("mobsim_headline") or run.kind(name) == "rate":
            continue
        out[f"{name}@all cities"] = effects.indicator_values(run, name, period, all_cities=True)
    return out


def reduce_run(run, targets):
    """{output name: [value per replicate]} of one run: each target's quantity
    (its name, quantity@city) and each count headline series."""
    fertile_years = targets_module.fertile_years_of(run)
    out = {}
    for t in targets:
        out[t.name] = [_finite(v) for v in targets_module.values(run, t.quantity, t.city, fertile_years)]
    for name, v in headline_counts(run).items():
        out[name] = [_finite(x) for x in v]
    return out


def _finite(x):
    x = float(x)
    return x if math.isfinite(x) else None


def output_names(results, targets):
    """The outputs of a stage in a fixed order, whether its points were run
    now or read back: the targets in file order, then the headline series
    by name."""
    names = [t.name for t in targets]
    others = sorted({n for r in results for n in r} - set(names))
    return names + others


def output_matrix(results, names):
    """(points, outputs) of replicate means (NaN where a value is missing or
    not finite) and (points, outputs) of their replicate variances."""
    means = np.full((len(results), len(names)), np.nan)
    variances = np.full_like(means, np.nan)
    for i, r in enumerate(results):
        for j, name in enumerate(names):
            v = np.array([np.nan if x is None else x for x in r.get(name, [])], dtype=float)
            if len(v) and np.all(np.isfinite(v)):
                means[i, j] = v.mean()
                variances[i, j] = v.var(ddof=1) if len(v) > 1 else np.nan
    return means, variances


def _write_json(path, data):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(data, f, indent=1, sort_keys=True)
    os.replace(tmp, path)


__all__ = ["Campaign", "CampaignError", "Parameter", "plausible_parameters", "reduce_run", "output_matrix",
           "headline_counts", "value_text", "output_names", "add_campaign_options", "open_campaign"]
