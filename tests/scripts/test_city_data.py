"""The city data: every Dialogue city, every figure with its source, and
Table 1 of the ODI working paper (seed 002) copied exactly."""
import os
import tomllib

SOURCE = os.environ.get("MOBSIM_SOURCE_DIR", ".")

DIALOGUE = ["Accra", "Agadez", "Amsterdam", "Barcelona", "Bologna", "Bristol", "Dakar", "Durban", "Entebbe",
            "Freetown", "Hamburg", "Helsinki", "Kampala", "Kanifing", "Kigali", "Lisbon", "Mannheim", "Maputo",
            "Milan", "Monrovia", "Montpellier", "Paris", "Tunis", "Zürich"]

# Table 1, "Key characteristics of participating cities (August 2020)".
TABLE_1 = {
    "Accra": (2_100_000, 0.02), "Barcelona": (1_600_000, 0.20), "Bristol": (463_000, 0.16),
    "Dakar": (1_200_000, 0.04), "Durban": (3_900_000, 0.01), "Freetown": (1_100_000, 0.02),
    "Kampala": (1_700_000, 0.18), "Kanifing": (384_000, 0.09), "Mannheim": (321_000, 0.26),
    "Milan": (1_400_000, 0.19), "Paris": (2_100_000, 0.25), "Tunis": (639_000, 0.01),
    "Zürich": (434_000, 0.32),
}

SOURCED = ["population", "population_growth_per_year", "migrant_share", "migrant_share_measure", "coordinates",
           "total_fertility_rate", "youth_unemployment_rate", "refugee_share_of_foreign_born",
           "asylum_seeker_share_of_foreign_born",
           "crude_death_rate_per_1000", "age_profile", "hinterland_inflow_per_1000",
           "immigration_from_rest_of_world_per_1000", "internal_out_migration_per_1000",
           "emigration_to_rest_of_world_per_1000", "sector_profile", "mean_wage_eur_per_month",
           "living_cost_eur_per_month", "rent_eur_per_person_month", "unemployment_benefit_replacement",
           "pension_replacement", "employment_rate_15_64", "unemployment_rate", "high_skill_share",
           "medium_skill_share", "recognition_penalty", "social_housing_share", "informal_housing_share",
           "housing_vacancy_rate", "construction_per_year", "persons_per_dwelling", "homeless_share",
           "work_visa_grant_rate_low", "work_visa_grant_rate_medium", "work_visa_grant_rate_high",
           "study_visa_grant_rate", "asylum_recognition_rate", "asylum_decision_months", "transit_hub"]


def load():
    with open(os.path.join(SOURCE, "scenarios", "data", "cities.toml"), "rb") as f:
        return tomllib.load(f)["cities"]


def test_every_dialogue_city_is_present():
    assert sorted(load()) == sorted(DIALOGUE)


def test_table_1_figures_are_copied_exactly():
    cities = load()
    for name, (population, share) in TABLE_1.items():
        assert cities[name]["population"] == population, name
        assert cities[name]["migrant_share"] == share, name
        assert "Table 1" in cities[name]["sources"]["population"], name


def test_every_figure_has_a_source():
    for name, city in load().items():
        for key in SOURCED:
            assert city["sources"].get(key, "").strip(), f"{name}: no source for {key}"


def _markdown_rows(text, header):
    """Rows of the markdown table whose header line starts with `header`."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


def test_the_sector_tables_of_the_data_readme_match_sectors_toml():
    with open(os.path.join(SOURCE, "scenarios", "data", "sectors.toml"), "rb") as f:
        data = tomllib.load(f)
    readme = open(os.path.join(SOURCE, "scenarios", "data", "README.md")).read()
    sectors = {row[0]: [float(x) for x in row[1:]] for row in _markdown_rows(readme, "| sector | wage index")}
    assert sorted(sectors) == sorted(data["sectors"])
    for name, s in data["sectors"].items():
        assert sectors[name] == [s["wage_index"], s["separation_rate_per_year"],
                                 s["relative_demand_growth_per_year"]], name
    profiles = {row[0]: float(row[1]) for row in _markdown_rows(readme, "| profile | job growth")}
    assert profiles == {name: p["job_growth_per_year"] for name, p in data["sector_profiles"].items()}


COUNTRY_SOURCED = ["naturalisation_rate_per_year", "foreign_born_citizen_share",
                   "foreign_national_born_in_country_share"]


def test_every_country_figure_has_a_source():
    with open(os.path.join(SOURCE, "scenarios", "data", "countries.toml"), "rb") as f:
        countries = tomllib.load(f)["countries"]
    for name, country in countries.items():
        for key in COUNTRY_SOURCED:
            assert key in country, f"{name}: no {key}"
            assert country["sources"].get(key, "").strip(), f"{name}: no source for {key}"
