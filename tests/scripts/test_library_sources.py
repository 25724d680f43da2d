"""Every number in a library scenario says where it comes from: a source
(the seeds, a publication), `approx.` or `assumption:` with its reasoning,
in a comment on its line or in the comment block directly above the group
of settings it belongs to. Run settings ([run], [models]) are choices of
the run, not data, and are left out."""
import glob
import os
import re

SOURCE = os.environ.get("MOBSIM_SOURCE_DIR", ".")
MARKERS = ("assumption:", "approx.", "seed 0", "source:")
NUMBER = re.compile(r"^\s*[-+]?(\d[\d_]*(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$")
EXEMPT_TABLES = ("run", "models")


def is_number(value):
    value = value.strip()
    if value.startswith("["):
        items = [v for v in value.strip("[]").split(",") if v.strip()]
        return bool(items) and all(NUMBER.match(v) for v in items)
    return bool(NUMBER.match(value))


def unlabelled_numbers(path):
    """(line number, key) of each number without a label."""
    missing = []
    table = ""
    block = []  # the comment block directly above the current group of settings
    labelled = False
    after_comment = False
    for number, raw in enumerate(open(path, encoding="utf-8"), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("["):
            if stripped.startswith("["):
                table = stripped.strip("[]").split(".")[0].strip()
            block, labelled, after_comment = [], False, False
            continue
        if stripped.startswith("#"):
            if not after_comment:
                block = []
            block.append(stripped)
            after_comment = True
            continue
        if after_comment:
            labelled = any(m in " ".join(block) for m in MARKERS)
            after_comment = False
        if "=" not in stripped:
            continue
        key, value = stripped.split("=", 1)
        comment = ""
        if "#" in value:
            value, comment = value.split("#", 1)
        if table in EXEMPT_TABLES or key.strip() == "base" or not is_number(value):
            continue
        if not (labelled or any(m in comment for m in MARKERS)):
            missing.append((number, key.strip()))
    return missing


def library():
    return sorted(glob.glob(os.path.join(SOURCE, "scenarios", "*.toml")))


def test_every_number_in_a_library_scenario_has_a_source_or_an_assumption():
    assert library(), "no library scenarios found"
    lines = []
    for path in library():
        for number, key in unlabelled_numbers(path):
            lines.append(f"{os.path.relpath(path, SOURCE)}:{number}: {key} has no source, approx. or assumption:")
    assert not lines, "\n".join(lines)


def test_the_check_finds_an_unlabelled_number(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text('[run]\nname = "x"\nseed = 3\n\n[job_programmes.a]\n# assumption: a round number\n'
                    'jobs_per_year = 400\nstart = "2025-01"\n\n[job_programmes.b]\njobs_per_year = 300\n'
                    'min_age_years = 15  # source: the National Youth Policy\n')
    assert unlabelled_numbers(path) == [(11, "jobs_per_year")]
