// Step 0 reproduces the city data up to the agent scale, and agent ids stay
// unique as people are born, arrive and move.
#include <gtest/gtest.h>

#include <cmath>
#include <unordered_set>

#include "engine_params.hpp"
#include "support.hpp"

namespace mobsim {
namespace {

void expect_city_data_reproduced(std::int64_t people_per_agent) {
  const ScenarioSpec spec = test::load(test::scenario_path("baseline.toml"),
                                       {"run.people_per_agent=" + std::to_string(people_per_agent), "run.duration_months=1"});
  const auto run = test::run_in_memory(spec);
  ASSERT_EQ(run.cities.size(), 24u);
  for (std::size_t c = 0; c < run.cities.size(); ++c) {
    SCOPED_TRACE(run.cities[c]);
    const auto& data = *spec.find_entry("cities", run.cities[c]);
    const double population = run.at("population", 0, 0, c);
    // The data's figure carried from 1 July of its year to the start at its growth rate.
    const double years = 2025.0 - (static_cast<double>(data.integer("population_year")) + 0.5);
    const double projected =
        static_cast<double>(data.integer("population")) * std::pow(1.0 + data.real("population_growth_per_year"), years);
    const auto agents = agents_for(std::llround(projected), people_per_agent);
    // Exactly the rounded number of agents, each standing for people_per_agent persons.
    EXPECT_EQ(population, static_cast<double>(agents * people_per_agent));
    EXPECT_LE(std::abs(population - projected), people_per_agent / 2.0 + 0.5);
    // Foreign-born share exact up to one agent's rounding; a foreign-national
    // figure is converted with the country's nationality shares.
    const auto& country = *spec.find_entry("countries", data.text("country"));
    double foreign_born = data.real("migrant_share");
    if (data.text("migrant_share_measure") == "foreign_national")
      foreign_born *= (1.0 - country.real("foreign_national_born_in_country_share")) /
                      (1.0 - country.real("foreign_born_citizen_share"));
    const double share = run.at("foreign_born", 0, 0, c) / population;
    EXPECT_LE(std::abs(share - foreign_born), 0.5 / static_cast<double>(agents) + 1e-12);
    // Rents and formal wages start at the data's values.
    EXPECT_NEAR(run.at("rent_index", 0, 0, c), 1.0, 1e-12);
    EXPECT_NEAR(run.at("mean_wage", 0, 0, c) / data.real("mean_wage_eur_per_month"), 1.0, 1e-9);
    // Youth unemployment at the data's rate, within 4 binomial standard
    // deviations of the young labour force (about a tenth of the agents).
    const double youth = data.real("youth_unemployment_rate");
    const double young_labour_force = 0.1 * static_cast<double>(agents);
    EXPECT_LE(std::abs(run.at("youth_unemployment_rate", 0, 0, c) - youth),
              4.0 * std::sqrt(youth * (1 - youth) / young_labour_force) + 1e-12);
    for (const char* flow : {"inflow", "outflow", "births", "deaths", "hinterland_inflow"})
      EXPECT_EQ(run.at(flow, 0, 0, c), 0.0) << flow;
  }
}

TEST(InitialState, ReproducesCityDataAtTheBaselineScale) { expect_city_data_reproduced(20); }
TEST(InitialState, ReproducesCityDataAtACoarseScale) { expect_city_data_reproduced(997); }

TEST(InitialState, AgentsStartWithPlausibleAttributes) {
  const ScenarioSpec spec = test::load(test::scenario_path("ci/four_cities.toml"), {"run.people_per_agent=100"});
  const Engine engine(spec, test::registry());
  const auto sim = engine.make_simulation(0);
  const World& world = sim->world();
  for (std::size_t c = 0; c < world.city_count(); ++c) {
    const auto& agents = world.agents(c);
    const auto age = agents.col(core::age_months);
    const auto employment = agents.col(core::employment);
    const auto legal = agents.col(core::legal_status);
    const auto origin = agents.col(core::origin);
    for (std::size_t r = 0; r < agents.size(); ++r) {
      ASSERT_LT(age[r], 95 * 12);
      if (age[r] < 15 * 12 || age[r] >= 65 * 12) {
        ASSERT_EQ(employment[r], code(Employment::inactive));
      }
      if (!world.geography().foreign_born(origin[r], c)) {
        ASSERT_EQ(legal[r], code(LegalStatus::citizen));
      }
    }
  }
}

TEST(AgentIds, StayUniqueThroughBirthsArrivalsAndMoves) {
  const ScenarioSpec spec = test::load(test::scenario_path("ci/four_cities.toml"), {"run.people_per_agent=200"});
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  for (int t = 0; t < 24; ++t) sim->step();
  std::unordered_set<std::uint64_t> ids;
  std::size_t total = 0;
  for (std::size_t c = 0; c < sim->world().city_count(); ++c) {
    for (std::uint64_t id : sim->world().agents(c).col(core::id)) ids.insert(id);
    total += sim->world().agents(c).size();
  }
  EXPECT_EQ(ids.size(), total);
  EXPECT_GT(total, 0u);
}

}  // namespace
}  // namespace mobsim
