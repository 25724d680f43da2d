#include "engine_params.hpp"

#include <cmath>

#include "clock.hpp"

namespace mobsim {

namespace {

ParamDecl decl(std::string key, ParamType type, std::string unit, Value def, std::optional<double> min,
               std::optional<double> max, std::string meaning, std::string source = "run setting") {
  ParamDecl d;
  d.key = std::move(key);
  d.type = type;
  d.unit = std::move(unit);
  d.default_value = std::move(def);
  d.min = min;
  d.max = max;
  d.meaning = std::move(meaning);
  d.source = std::move(source);
  return d;
}

}  // namespace

void declare_engine_params(ParamTable& t) {
  using P = ParamType;
  const auto none = std::nullopt;
  t.add(decl("run.name", P::text, "-", std::string(""), none, none, "Short name of the scenario, stored in the output"));
  t.add(decl("run.description", P::text, "-", std::string(""), none, none,
             "What the scenario is for, in one or two sentences"));
  t.add(decl("run.start", P::month, "YYYY-MM", std::string("2025-01"), none, none,
             "Calendar month of the initial state (time index 0)"));
  t.add(decl("run.duration_months", P::integer, "months", std::int64_t{120}, 1, 1200,
             "Length of the simulated period; a whole number of steps"));
  t.add(decl("run.step_months", P::integer, "months", std::int64_t{1}, 1, 12, "Length of one step"));
  t.add(decl("run.seed", P::integer, "-", std::int64_t{1}, 0, 9.0e18,
             "Master seed; replicate seeds are derived from it with Philox"));
  t.add(decl("run.people_per_agent", P::integer, "persons", std::int64_t{100}, 1, 1.0e7,
             "Scale: how many real persons one agent stands for (1 = one agent per person)"));
  t.add(decl("run.replicates", P::integer, "-", std::int64_t{1}, 1, 100000,
             "Independent replicates, stored along the output's replicate dimension"));

  ParamDecl cities = decl("world.cities", P::reference_list, "-", std::vector<std::string>{}, none, none,
                          "Cities to simulate, in this order; empty means every defined city, by name");
  cities.collection = "cities";
  t.add(std::move(cities));

  CollectionDecl c;
  c.name = "cities";
  c.entry_noun = "city";
  c.meaning = "A city of the Mayors Dialogue: where agents live. Figures come from scenarios/data/cities.toml";
  const std::string data = "city data (scenarios/data/cities.toml, each figure with its source)";
  ParamDecl country = decl("country", P::reference, "-", std::monostate{}, none, none, "Country the city is in", data);
  country.collection = "countries";
  c.fields.push_back(std::move(country));
  ParamDecl continent = decl("continent", P::reference, "-", std::monostate{}, none, none,
                             "Continent (an entry of scenarios/data/continents.toml)", data);
  continent.collection = "continents";
  c.fields.push_back(std::move(continent));
  c.fields.push_back(decl("latitude_deg", P::real, "degrees north", std::monostate{}, -90, 90, "Latitude of the centre", data));
  c.fields.push_back(
      decl("longitude_deg", P::real, "degrees east", std::monostate{}, -180, 180, "Longitude of the centre", data));
  c.fields.push_back(decl("population", P::integer, "persons", std::monostate{}, 1, 1.0e9,
                          "Residents in the middle of population_year (projected to run.start with "
                          "population_growth_per_year)",
                          data));
  c.fields.push_back(decl("population_year", P::integer, "year", std::monostate{}, 1900, 2100,
                          "Reference year of the population figure (taken as its 1 July)", data));
  c.fields.push_back(decl("population_growth_per_year", P::real, "1/year", std::monostate{}, -0.2, 0.2,
                          "Growth rate that carries the population figure from its reference year to run.start",
                          data));
  c.fields.push_back(decl("sources", P::text_table, "-", TextTable{}, none, none,
                          "Source of each figure, keyed by field name", data));
  t.add_collection(std::move(c));

  CollectionDecl countries;
  countries.name = "countries";
  countries.entry_noun = "country";
  countries.meaning = "Countries of the cities (scenarios/data/countries.toml); models add the fields they use";
  countries.fields.push_back(decl("sources", P::text_table, "-", TextTable{}, none, none,
                                  "Source of each figure, keyed by field name", "country data"));
  t.add_collection(std::move(countries));

  CollectionDecl continents;
  continents.name = "continents";
  continents.entry_noun = "continent";
  continents.meaning = "Continents of the cities (scenarios/data/continents.toml); models add the fields they use";
  continents.fields.push_back(decl("sources", P::text_table, "-", TextTable{}, none, none,
                                   "Source of each figure, keyed by field name", "continent data"));
  t.add_collection(std::move(continents));
}

double years_from_reference(const CollectionEntry& city, const ScenarioSpec& spec) {
  const Clock clock = Clock::from(spec);
  const double start_year = clock.start_year + (clock.start_month - 1) / 12.0;
  return start_year - (static_cast<double>(city.integer("population_year")) + 0.5);
}

std::int64_t population_at_start(const CollectionEntry& city, const ScenarioSpec& spec) {
  const double growth = city.real("population_growth_per_year");
  return std::llround(static_cast<double>(city.integer("population")) *
                      std::pow(1.0 + growth, years_from_reference(city, spec)));
}

std::int64_t agents_for(std::int64_t population, std::int64_t people_per_agent) {
  return static_cast<std::int64_t>(std::llround(static_cast<double>(population) / static_cast<double>(people_per_agent)));
}

std::vector<ScenarioCheck> engine_checks() {
  std::vector<ScenarioCheck> checks;
  checks.push_back([](const ScenarioSpec& spec, std::vector<Diagnostic>& diags) {
    const auto duration = spec.integer("run.duration_months");
    const auto step = spec.integer("run.step_months");
    if (duration % step != 0) {
      diags.push_back(Diagnostic{spec.setting("run.duration_months").where, "run.duration_months",
                                 std::to_string(duration) + " months is not a whole number of " +
                                     std::to_string(step) + "-month steps",
                                 ""});
    }
  });
  checks.push_back([](const ScenarioSpec& spec, std::vector<Diagnostic>& diags) {
    const auto ppa = spec.integer("run.people_per_agent");
    std::vector<std::string> names = spec.names("world.cities");
    if (names.empty())
      for (const auto& e : spec.entries("cities")) names.push_back(e.name);
    if (names.empty()) {
      diags.push_back(Diagnostic{spec.setting("world.cities").where, "world.cities", "no cities to simulate", ""});
      return;
    }
    for (std::size_t i = 0; i < names.size(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (names[i] == names[j])
          diags.push_back(Diagnostic{spec.setting("world.cities").element_positions.at(i), "world.cities",
                                     "city '" + names[i] + "' is listed twice", ""});
    std::string empty_cities;
    for (const auto& name : names) {
      const auto* city = spec.find_entry("cities", name);
      if (city != nullptr && agents_for(population_at_start(*city, spec), ppa) < 1)
        empty_cities += (empty_cities.empty() ? "" : ", ") + name + " (" +
                        std::to_string(population_at_start(*city, spec)) + " persons)";
    }
    if (!empty_cities.empty())
      diags.push_back(Diagnostic{spec.setting("run.people_per_agent").where, "run.people_per_agent",
                                 "at " + std::to_string(ppa) + " people per agent these cities would have no agent: " +
                                     empty_cities,
                                 "use a smaller people_per_agent"});
  });
  return checks;
}

}  // namespace mobsim
