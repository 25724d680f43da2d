"""The one reader of a mobsim output file (HDF5, see docs/OUTPUT.md): a whole
run as xarray objects with calendar years on the time axis (`open_run`), or
every dataset as it is stored (`datasets`, for bit-for-bit checks).

    import sys; sys.path.insert(0, "scripts")
    from mobsim import open_run

    run = open_run("out/baseline.h5")
    run.name, run.seed, run.series.sizes          # 'baseline', 20250101, {...}
    pop = run.series.population.sel(city="Milan")
    run.quantiles(pop).sel(quantile=0.5).plot()   # median over replicates
    run.year_total(run.series.returns, 2030)      # returns during 2030, per replicate and city
    run.at_year_end(run.series.population, 2030)  # residents on 1 January 2031

Time: every dataset's `time` coordinate is the fractional calendar year of
the time point (2025.0 is 1 January 2025, 2025.0833... 1 February). The
original coordinate is kept beside it: `months` (int, months since the
start, as stored in the file) and `date` (cftime.Datetime360Day). Index 0 is
the initial state; a flow at index t is the total over the step that ended
at that time point, i.e. the step that ran in month t - 1 after the start.
Effects of one run against another: `mobsim.effects`.

Only the system interpreter has the packages: run notebooks and scripts
with /usr/bin/python3 (h5py, numpy, xarray and cftime from Debian).
"""
from dataclasses import dataclass, field
import tomllib

import cftime
import h5py
import numpy as np
import xarray as xr

# How a /series dataset is to be read, for files written before the
# `mobsim_kind` attribute: stocks are values at the time point, flows are
# totals over the step ending there (0 at index 0), rates are values at the
# time point that must not be summed. Any series not listed is a flow (the
# documented ones are all "... during the step").
STOCKS = {"population", "foreign_born", "employed", "unemployed", "informal_employed", "vacancies",
          "housing_units", "homeless", "overcrowded", "irregular_residents", "asylum_seekers", "refugees"}
RATES = {"youth_unemployment_rate", "mean_wage", "rent_index", "foreign_born_share", "unemployment_rate"}


@dataclass
class City:
    """A simulated city as the file describes it (root coordinates)."""
    name: str
    country: str
    continent: str
    latitude: float
    longitude: float


@dataclass
class Run:
    """One output file, in memory. Build it with `open_run(path)`.

    Attributes: `series` (Dataset, dims replicate, time, city), `flows`
    (DataArray: replicate, time, origin, destination), `flows_by_channel`
    (replicate, time, channel, origin, destination), `schemes` and
    `pathways` ({name: Dataset (replicate, time)}), `cities` ([City]),
    `scenario` (the resolved scenario as a dict), `name`, `description`,
    `seed` (master seed), `replicate_seeds` (numpy uint64 array), `version`,
    `git_commit`, `people_per_agent`, `start` ("YYYY-MM"), `step_months`,
    `time_units`, `attrs` (all root attributes) and `path`.
    """
    path: str
    series: xr.Dataset
    flows: xr.DataArray
    flows_by_channel: xr.DataArray
    schemes: dict
    pathways: dict
    cities: list
    scenario: dict
    name: str
    description: str
    seed: int
    replicate_seeds: np.ndarray
    version: str
    git_commit: str
    people_per_agent: int
    start: str
    step_months: int
    time_units: str
    attrs: dict = field(repr=False, default_factory=dict)
    # A run over calibrated parameter draws (`mobsim run --draws`): the draw
    # each replicate ran, and each parameter's value per draw; None otherwise.
    draw: np.ndarray = None
    draws: dict = None

    @property
    def city_names(self):
        """City names in file order, e.g. ['Freetown', 'Dakar', 'Milan', 'Paris']."""
        return [c.name for c in self.cities]

    @property
    def replicates(self):
        return int(self.series.sizes["replicate"])

    def kind(self, name):
        """'stock', 'flow' or 'rate' for a /series name (the file's
        `mobsim_kind` attribute when it has one).

        >>> run.kind("population"), run.kind("births"), run.kind("rent_index")
        ('stock', 'flow', 'rate')
        """
        kind = self.series[name].attrs.get("mobsim_kind") if name in self.series else None
        if kind:
            return kind
        return "stock" if name in STOCKS else "rate" if name in RATES else "flow"

    @staticmethod
    def quantiles(da, q=(0.05, 0.5, 0.95)):
        """Quantiles over replicates: a new leading `quantile` dimension.

        >>> band = run.quantiles(run.series.population.sel(city="Dakar"))
        >>> band.sel(quantile=0.5)      # median line; 0.05 and 0.95: 90% band
        """
        return da.quantile(list(q), dim="replicate")

    @property
    def start_month(self):
        """The start as a count of months from year 0 (2025-01 is 2025 * 12)."""
        return int(self.start[:4]) * 12 + int(self.start[5:7]) - 1

    def step_years(self, da):
        """Calendar year in which each time point's step ran (int array over
        `time`; -1 for index 0, the initial state, which ends no step)."""
        months = da["months"].values
        years = (self.start_month + months - self.step_months) // 12
        return np.where(months > 0, years, -1)

    def years_with_steps(self):
        """Calendar years in which at least one step of the run ran, in order."""
        years = self.step_years(self.series)
        return sorted(set(years[years >= 0].tolist()))

    def year_total(self, da, year):
        """Sum of a flow over the steps that ran in calendar `year` (the step
        ending at time index t ran in month t - 1 after the start), for every
        other dimension. Raises ValueError if no step of the run ran then.

        >>> run.year_total(run.series.returns.sel(city="Milan"), 2026)   # per replicate
        """
        mask = self.step_years(da) == year
        if not mask.any():
            raise ValueError(f"no step of {self.name} ran in {year}")
        return da.isel(time=np.flatnonzero(mask)).sum("time")

    def yearly_totals(self, da):
        """Flow totals per calendar year: `time` replaced by `year` (the
        years in which steps ran; a partial first or last year sums fewer
        steps, see `complete_years`)."""
        years = self.step_years(da)
        keep = np.flatnonzero(years >= 0)
        return da.isel(time=keep).assign_coords(year=("time", years[keep])).groupby("year").sum("time")

    def complete_years(self):
        """Calendar years in which the run ran every month."""
        years = self.step_years(self.series)
        counts = {y: int((years == y).sum()) * self.step_months for y in set(years.tolist()) if y >= 0}
        return sorted(y for y, n in counts.items() if n == 12)

    def at_year_end(self, da, year):
        """Value of a stock or rate at the end of calendar `year` (the time
        point on 1 January of year + 1). Raises ValueError if the run does
        not reach it.

        >>> run.at_year_end(run.series.population, 2034)   # residents on 1 January 2035
        """
        wanted = (year + 1) * 12 - self.start_month
        hits = np.flatnonzero(da["months"].values == wanted)
        if not len(hits):
            raise ValueError(f"{self.name} has no time point on 1 January {year + 1}")
        return da.isel(time=int(hits[0]))


def _text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def _strings(dataset):
    return [_text(v) for v in dataset[()]]


def _time_coords(group, start_year, start_month):
    """The three views of a group's time axis: fractional years (the index),
    months since the start and cftime dates."""
    months = group["time"][()].astype(int)
    units = _text(group["time"].attrs.get("units", f"months since {start_year:04d}-{start_month:02d}-01"))
    calendar = _text(group["time"].attrs.get("calendar", "360_day"))
    years = start_year + (start_month - 1 + months) / 12.0
    dates = cftime.num2date(months, units, calendar)
    return {"time": ("time", years, {"units": "year", "long_name": "calendar year (fractional)"}),
            "months": ("time", months, {"units": units, "calendar": calendar}),
            "date": ("time", np.asarray(dates))}


def _array(dataset, dims, coords):
    attrs = {k: _text(v) for k, v in dataset.attrs.items() if k not in ("DIMENSION_LIST", "REFERENCE_LIST",
                                                                          "CLASS", "NAME")}
    return xr.DataArray(dataset[()], dims=dims, coords={k: v for k, v in coords.items() if v[0] in dims},
                        attrs=attrs)


def _policy_groups(f, top, coords):
    """{name: Dataset} for /schemes or /pathways (empty when absent)."""
    out = {}
    if top not in f:
        return out
    for name, group in f[top].items():
        data = {key: _array(ds, ("replicate", "time"), coords) for key, ds in group.items()
                if isinstance(ds, h5py.Dataset) and ds.ndim == 2}
        out[name] = xr.Dataset(data)
    return out


def _add_derived(series):
    """Series the newer files carry and older ones do not: computed here
    from their parts so that readers can rely on them."""
    if "foreign_born_share" not in series and {"foreign_born", "population"} <= set(series):
        share = series.foreign_born / series.population.where(series.population > 0)
        series["foreign_born_share"] = share.assign_attrs(units="1", long_name="Foreign-born share of residents",
                                                          mobsim_kind="rate")
    if "unemployment_rate" not in series and {"employed", "unemployed"} <= set(series):
        force = series.employed + series.unemployed
        rate = series.unemployed / force.where(force > 0)
        series["unemployment_rate"] = rate.assign_attrs(units="1", long_name="Unemployed / labour force",
                                                        mobsim_kind="rate")
    if "net_migration" not in series and "population" in series:
        # Every arrival less every departure, by the books-balance identity:
        # the change in residents less births plus deaths.
        natural = (series.births - series.deaths) if {"births", "deaths"} <= set(series) else 0
        net = (series.population.diff("time") - natural).reindex(time=series.time, fill_value=0)
        series["net_migration"] = net.assign_attrs(units="persons", long_name="Net migration during the step",
                                                   mobsim_kind="flow")
    return series


def datasets(path):
    """Every dataset of an HDF5 file as stored: {name: numpy array}, strings
    decoded (object arrays)."""
    found = {}

    def visit(name, obj):
        if isinstance(obj, h5py.Dataset):
            value = obj[()]
            if value.dtype == object or value.dtype.kind == "S":
                value = np.array([_text(v) for v in np.ravel(value)], dtype=object).reshape(np.shape(value))
            found[name] = value

    with h5py.File(path, "r") as f:
        f.visititems(visit)
    return found


def open_run(path):
    """Read a whole mobsim output file into memory and return a `Run`.

    >>> run = open_run("out/fashion.h5")
    >>> run.series.sizes
    {'replicate': 3, 'time': 121, 'city': 24}
    >>> run.schemes["freetown_milan_fashion"].participants_abroad.max()
    """
    with h5py.File(path, "r") as f:
        attrs = {k: (_text(v) if isinstance(v, (bytes, str)) else v) for k, v in f.attrs.items()}
        scenario = tomllib.loads(attrs.get("scenario", "")) if "scenario" in attrs else {}
        run_block = scenario.get("run", {})
        units = _text(f["time"].attrs.get("units", "months since 2025-01-01"))
        start = run_block.get("start") or units.split("since")[1].strip()[:7]
        start_year, start_month = int(start[:4]), int(start[5:7])
        coords = _time_coords(f, start_year, start_month)
        cities = _strings(f["city"])
        coords.update(replicate=("replicate", f["replicate"][()]), city=("city", cities),
                      origin=("origin", cities), destination=("destination", cities))
        if "channel" in f:
            coords["channel"] = ("channel", _strings(f["channel"]))
        series = xr.Dataset({name: _array(ds, ("replicate", "time", "city"), coords)
                             for name, ds in f["series"].items() if isinstance(ds, h5py.Dataset) and ds.ndim == 3})
        flows = _array(f["flows"], ("replicate", "time", "origin", "destination"), coords)
        by_channel = (_array(f["flows_by_channel"], ("replicate", "time", "channel", "origin", "destination"), coords)
                      if "flows_by_channel" in f else None)
        city_list = [City(name, country, continent, float(lat), float(lon)) for name, country, continent, lat, lon
                     in zip(cities, _strings(f["country"]), _strings(f["continent"]), f["latitude"][()],
                            f["longitude"][()])]
        months = coords["months"][1]
        step = int(months[1] - months[0]) if len(months) > 1 else int(run_block.get("step_months", 1))
        return Run(path=str(path), series=_add_derived(series), flows=flows, flows_by_channel=by_channel,
                   schemes=_policy_groups(f, "schemes", coords), pathways=_policy_groups(f, "pathways", coords),
                   cities=city_list, scenario=scenario, name=run_block.get("name", ""),
                   description=run_block.get("description", ""), seed=int(attrs.get("seed", run_block.get("seed", 0))),
                   replicate_seeds=f["replicate_seed"][()] if "replicate_seed" in f else np.array([], dtype=np.uint64),
                   version=attrs.get("mobsim_version", ""), git_commit=attrs.get("git_commit", ""),
                   people_per_agent=int(attrs.get("people_per_agent", run_block.get("people_per_agent", 1))),
                   start=f"{start_year:04d}-{start_month:02d}", step_months=step, time_units=units, attrs=attrs,
                   draw=f["draw"][()] if "draw" in f else None,
                   draws=({k: ds[()] for k, ds in f["draws"].items() if k != "draw"} if "draws" in f else None))


def open_sweep(path):
    """Read a gathered sweep (`mobsim gather`, docs/SWEEPS.md): the per-city
    series as an xarray Dataset shaped (point, replicate, time, city), each
    swept parameter a coordinate on `point`.

    >>> s = open_sweep("homelessness.h5")
    >>> s.homeless.isel(time=-1).sum("city").mean("replicate")
    >>> s.homeless.swap_dims(point="housing.sharing_probability")
    """
    with h5py.File(path, "r") as f:
        if "point" not in f or "parameters" not in f or "point_scenario" not in f:
            raise ValueError(f"{path} is not a gathered sweep (no /point, /parameters): see docs/SWEEPS.md")
        scenario = tomllib.loads(_text(f["point_scenario"][0]))
        start = scenario.get("run", {}).get("start", "2025-01")
        coords = _time_coords(f, int(start[:4]), int(start[5:7]))
        coords.update(point=("point", f["point"][()]), replicate=("replicate", f["replicate"][()]),
                      city=("city", _strings(f["city"])))
        series = xr.Dataset({name: _array(ds, ("point", "replicate", "time", "city"), coords)
                             for name, ds in f["series"].items() if isinstance(ds, h5py.Dataset) and ds.ndim == 4})
        parameters = {key: ("point", ds[()], {k: _text(v) for k, v in ds.attrs.items() if k in ("units", "long_name")})
                      for key, ds in f["parameters"].items() if key != "point"}
        return series.assign_coords(parameters).assign_attrs(sweep=_text(f.attrs.get("sweep", "")),
                                                             sweep_design=_text(f.attrs.get("sweep_design", "")))
