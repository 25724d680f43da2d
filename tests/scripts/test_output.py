"""The HDF5 output as a researcher opens it: xarray (h5netcdf) with named
dimensions, CF time, units; and the resolved scenario stored in the file."""
import os
import subprocess
import tomllib

import h5py
import numpy as np
import pytest
import xarray as xr

MOBSIM = os.environ.get("MOBSIM", "build/mobsim")
SOURCE = os.environ.get("MOBSIM_SOURCE_DIR", ".")


@pytest.fixture(scope="module")
def output(tmp_path_factory):
    path = tmp_path_factory.mktemp("run") / "ci.h5"
    scenario = os.path.join(SOURCE, "scenarios", "ci", "four_cities.toml")
    subprocess.run([MOBSIM, "run", scenario, "-o", str(path), "-q", "--no-summary"], check=True)
    return path


def test_series_open_in_xarray_with_named_dimensions(output):
    ds = xr.open_dataset(output, engine="h5netcdf", group="series")
    for name in ["population", "foreign_born", "births", "deaths", "inflow", "outflow", "hinterland_inflow"]:
        assert ds[name].dims == ("replicate", "time", "city"), name
        assert ds[name].attrs["units"] == "persons"
        assert ds[name].attrs["long_name"]
    assert list(ds.city.values) == ["Freetown", "Dakar", "Milan", "Paris"]
    assert ds.sizes == {"replicate": 2, "time": 25, "city": 4}
    # CF time decodes to the first of each month.
    first, last = ds.time.values[0], ds.time.values[-1]
    assert (first.year, first.month, first.day) == (2025, 1, 1)
    assert (last.year, last.month) == (2027, 1)
    milan = ds.population.sel(city="Milan", replicate=0).values
    # Table 1's 1.4 million (2020, taken at 1 July) carried to 1 January 2025
    # at the city's 0.58% a year, in agents of 1000 persons.
    assert milan[0] == round(1_400_000 * 1.0058 ** 4.5, -3)


def test_flows_and_city_metadata_at_the_root(output):
    ds = xr.open_dataset(output, engine="h5netcdf")
    assert ds.flows.dims == ("replicate", "time", "origin", "destination")
    assert ds.flows.attrs["units"] == "persons"
    assert ds.time.attrs.get("calendar", ds.time.encoding.get("calendar")) == "360_day"
    assert list(ds.country.values) == ["Sierra Leone", "Senegal", "Italy", "France"]
    assert ds.latitude.attrs["units"] == "degrees_north"
    series = xr.open_dataset(output, engine="h5netcdf", group="series")
    # Row and column sums of the origin-destination matrix are the outflow and inflow.
    np.testing.assert_array_equal(ds.flows.sum("destination").values, series.outflow.values)
    np.testing.assert_array_equal(ds.flows.sum("origin").values, series.inflow.values)


def test_root_attributes_describe_the_run(output):
    with h5py.File(output, "r") as f:
        attrs = f.attrs
        for key in ["scenario", "seed", "mobsim_version", "git_commit", "people_per_agent", "threads", "Conventions"]:
            assert key in attrs, key
        assert attrs["people_per_agent"] == 1000
        assert attrs["seed"] == 20250101
        resolved = tomllib.loads(attrs["scenario"])
        assert resolved["run"]["people_per_agent"] == 1000
        assert set(resolved["cities"]) >= {"Freetown", "Dakar", "Milan", "Paris"}
        assert f["time"].attrs["units"] == "months since 2025-01-01"
        assert "run_statistics" in f and f["run_statistics"].attrs["wall_seconds"] > 0


def test_same_datasets_script(output, tmp_path):
    script = os.path.join(SOURCE, "scripts", "same_datasets.py")
    other = tmp_path / "other.h5"
    scenario = os.path.join(SOURCE, "scenarios", "ci", "four_cities.toml")
    subprocess.run([MOBSIM, "run", scenario, "-o", str(other), "-q", "--no-summary", "--threads", "1"], check=True)
    same = subprocess.run(["/usr/bin/python3", script, str(output), str(other)], capture_output=True, text=True)
    assert same.returncode == 0, same.stdout
    assert "identical: all" in same.stdout
    reseeded = tmp_path / "reseeded.h5"
    subprocess.run([MOBSIM, "run", scenario, "-o", str(reseeded), "-q", "--no-summary", "--seed", "5"], check=True)
    differ = subprocess.run(["/usr/bin/python3", script, str(output), str(reseeded)], capture_output=True, text=True)
    assert differ.returncode == 1
    assert "series/population: values differ" in differ.stdout


BEHAVIOURAL_SERIES = {
    "employed": "persons", "unemployed": "persons", "youth_unemployment_rate": "1", "informal_employed": "persons",
    "mean_wage": "EUR per month", "vacancies": "persons", "rent_index": "1", "housing_units": "dwellings",
    "overcrowded": "persons", "homeless": "persons", "irregular_residents": "persons", "asylum_seekers": "persons",
    "refugees": "persons", "returns": "persons", "remittances_sent": "EUR", "remittances_received": "EUR",
    "remittances_to_rest_of_world": "EUR", "skilled_emigrants": "persons", "immigration_from_rest_of_world": "persons",
    "returns_to_rest_of_world": "persons",
}


def test_behavioural_series_and_flows_by_channel(output):
    series = xr.open_dataset(output, engine="h5netcdf", group="series")
    for name, units in BEHAVIOURAL_SERIES.items():
        assert series[name].dims == ("replicate", "time", "city"), name
        assert series[name].attrs["units"] == units, name
    root = xr.open_dataset(output, engine="h5netcdf")
    assert root.flows_by_channel.dims == ("replicate", "time", "channel", "origin", "destination")
    assert list(root.channel.values) == ["circular_scheme", "internal", "citizen", "free_movement",
                                         "family_reunification", "work_visa", "study_visa", "irregular", "return",
                                         "legal_pathway", "household_reunification"]
    np.testing.assert_array_equal(root.flows_by_channel.sum("channel").values, root.flows.values)
    assert float(series.employed.sum()) > 0 and float(series.remittances_received.sum()) > 0


@pytest.fixture(scope="module")
def policy_output(tmp_path_factory):
    """The CI cities with a circular scheme and a legal pathway."""
    folder = tmp_path_factory.mktemp("policy")
    scenario = folder / "policy.toml"
    base = os.path.abspath(os.path.join(SOURCE, "scenarios", "ci", "four_cities.toml"))
    scenario.write_text(f'''base = "{base}"
[run]
people_per_agent = 100
[circular_schemes.freetown_milan]
origin = "Freetown"
destination = "Milan"
sector = "other_services"
start = "2025-01"
annual_quota = 1200
[legal_pathways.talent]
origins = ["Africa"]
destinations = ["Europe"]
annual_quota = 2400
start = "2025-01"
''')
    path = folder / "policy.h5"
    subprocess.run([MOBSIM, "run", str(scenario), "-o", str(path), "-q", "--no-summary"], check=True)
    return path


SCHEME_SERIES = {"applicants": "persons", "participants_abroad": "persons", "departures": "persons",
                 "returns": "persons", "overstays": "persons", "remittances": "EUR", "skill_gains": "persons"}


def test_scheme_groups_open_in_xarray(policy_output):
    scheme = xr.open_dataset(policy_output, engine="h5netcdf", group="schemes/freetown_milan")
    assert scheme.sizes == {"replicate": 2, "time": 25}
    for name, units in SCHEME_SERIES.items():
        assert scheme[name].dims == ("replicate", "time"), name
        assert scheme[name].attrs["units"] == units, name
    assert float(scheme.departures.sum()) > 0
    # Per calendar year at most the quota.
    per_year = scheme.departures.isel(time=slice(1, None)).groupby("time.year").sum()
    assert float(per_year.max()) <= 1200
    root = xr.open_dataset(policy_output, engine="h5netcdf")
    assert {"circular_scheme", "legal_pathway"} <= set(root.channel.values)
    moved = root.flows_by_channel.sel(channel="circular_scheme", origin="Freetown", destination="Milan")
    np.testing.assert_array_equal(moved.values, scheme.departures.values)
    pathway = xr.open_dataset(policy_output, engine="h5netcdf", group="pathways/talent")
    assert set(pathway.data_vars) == {"applicants", "admitted", "places_left"}
    np.testing.assert_array_equal(pathway.admitted.values,
                                  root.flows_by_channel.sel(channel="legal_pathway").sum(["origin", "destination"]).values)


def test_series_say_what_their_values_mean(output):
    with h5py.File(output) as f:
        kinds = {name: f["series"][name].attrs["mobsim_kind"] for name in f["series"]
                 if "mobsim_kind" in f["series"][name].attrs}
        kinds = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in kinds.items()}
        assert kinds["population"] == "stock" and kinds["inflow"] == "flow" and kinds["rent_index"] == "rate"
        assert kinds["births"] == "flow" and kinds["foreign_born_share"] == "rate"
        methods = f["series/returns"].attrs["cell_methods"]
        assert (methods.decode() if isinstance(methods, bytes) else methods) == "time: sum"
        assert f["series/population"].attrs["mobsim_headline"] == 1
        assert f["series/births"].attrs["mobsim_headline"] == 0
    s = xr.open_dataset(output, engine="h5netcdf", group="series")
    # Population change = births - deaths + net migration, for every city and step.
    change = s.population.diff("time")
    np.testing.assert_array_equal(change.values, (s.births - s.deaths + s.net_migration).isel(time=slice(1, None)).values)
    np.testing.assert_allclose(s.foreign_born_share.values, (s.foreign_born / s.population).values)
    labour_force = s.employed + s.unemployed
    np.testing.assert_allclose(s.unemployment_rate.values, (s.unemployed / labour_force).values)


def test_the_books_balance_from_the_sign_attributes_alone(output):
    """A reader who knows no series name can check the books: the series with
    a mobsim_books_sign attribute, each times its sign, add up to the change
    of population at every step and in every city."""
    with h5py.File(output, "r") as f:
        series = f["series"]
        signed = {name: int(ds.attrs["mobsim_books_sign"]) for name, ds in series.items()
                  if "mobsim_books_sign" in ds.attrs}
        assert {"births", "deaths", "inflow", "outflow", "internal_out_migration",
                "emigration_to_rest_of_world"} <= set(signed)
        assert signed["internal_out_migration"] == -1 and signed["emigration_to_rest_of_world"] == -1
        population = series["population"][...]
        change = sum(sign * series[name][...] for name, sign in signed.items())
        assert (change[:, 1:, :] == population[:, 1:, :] - population[:, :-1, :]).all()
        assert (f["series/internal_out_migration"][:, 1:, :].sum() > 0)
