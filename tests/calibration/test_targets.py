"""The observed targets (scenarios/data/targets.toml) and docs/CALIBRATION.md,
which describes them."""
import os
import re
import sys

SOURCE = os.environ.get("MOBSIM_SOURCE_DIR", ".")
sys.path.insert(0, os.path.join(SOURCE, "scripts"))
from mobsim import targets  # noqa: E402

TARGETS = os.path.join(SOURCE, "scenarios", "data", "targets.toml")
DOC = os.path.join(SOURCE, "docs", "CALIBRATION.md")


def test_the_library_holds_over_forty_sourced_targets_with_about_a_quarter_held_out():
    every = targets.load_targets(TARGETS, cities=targets.known_cities())
    assert len(every) >= 40
    held_out = [t for t in every if t.role == "validation"]
    assert 0.2 <= len(held_out) / len(every) <= 0.33
    for t in every:
        assert t.source.strip() and t.sd > 0, t.where
    # The kinds of figures the calibration reads: population growth, the
    # foreign-born, labour, migration flows both ways, remittances, refugees.
    kinds = {t.quantity for t in every}
    for needed in ("growth_per_year", "foreign_born_share_start", "youth_to_total_unemployment_end",
                   "native_emigration_per_1000", "immigration_from_abroad_per_1000",
                   "remittances_sent_per_foreign_born_eur_per_year", "refugees_and_asylum_seekers_per_1000_start"):
        assert needed in kinds


def test_the_doc_states_the_files_counts_and_lists_every_quantity():
    every = targets.load_targets(TARGETS, cities=targets.known_cities())
    doc = open(DOC).read()
    held_out = sum(t.role == "validation" for t in every)
    assert f"holds {len(every)} published figures" in doc
    assert f"({held_out} of {len(every)})" in doc
    listed = set(re.findall(r"^\| `([a-z0-9_]+)` \|", doc, flags=re.M))
    assert listed == set(targets.QUANTITIES)


def test_a_city_of_the_data_the_scenario_does_not_simulate_is_left_out_but_an_unknown_one_is_an_error(tmp_path):
    class MilanOnly:
        city_names = ["Milan"]
    path = tmp_path / "t.toml"
    entry = ('[[target]]\nquantity = "growth_per_year"\ncity = "{}"\nvalue = 0.01\nuncertainty = 0.001\n'
             'discrepancy = 0.001\nsource = "a test"\n')
    path.write_text(entry.format("Paris"))
    kept, left_out = targets.targets_for_run(path, MilanOnly())
    assert kept == [] and [t.city for t in left_out] == ["Paris"]
    path.write_text(entry.format("Atlantis"))
    try:
        targets.targets_for_run(path, MilanOnly())
    except targets.TargetError as e:
        assert f"{path}:3:1: error: target[0].city: unknown city 'Atlantis'" in str(e)
    else:
        raise AssertionError("a city in no data must be refused")
