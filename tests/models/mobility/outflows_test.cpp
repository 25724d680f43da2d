// Departures beyond the simulated cities: Poisson counts at the city's
// yearly rates, (D - E) / sqrt(E) about standard normal when summed over
// steps; emigration abroad only of the native-born; the young leave most.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "support.hpp"

namespace mobsim {
namespace {

// The CI cities with nothing else moving anyone, so that residents change only by departures.
std::vector<std::string> quiet(std::vector<std::string> extra) {
  std::vector<std::string> o{"run.people_per_agent=100", "run.duration_months=24", "models.migration=none",
                             "models.international=none", "models.hinterland=none", "demography.makeham_per_year=0",
                             "demography.gompertz_level_per_year=0"};
  for (const char* city : {"Freetown", "Dakar", "Milan", "Paris"})
    o.push_back(std::string("cities.") + city + ".total_fertility_rate=0");
  o.insert(o.end(), extra.begin(), extra.end());
  return o;
}

TEST(Outflows, DeparturesMatchTheirExpectation) {
  const ScenarioSpec spec = test::load(test::scenario_path("ci/four_cities.toml"), quiet({}));
  const auto run = test::run_in_memory(spec);
  for (std::size_t c = 0; c < run.cities.size(); ++c) {
    SCOPED_TRACE(run.cities[c]);
    const auto& city = *spec.find_entry("cities", run.cities[c]);
    for (const auto& [flow, key] : std::map<std::string, std::string>{
             {"internal_out_migration", "internal_out_migration_per_1000"},
             {"emigration_to_rest_of_world", "emigration_to_rest_of_world_per_1000"}}) {
      const double rate = city.real(key) / 1000.0;
      double expected = 0, observed = 0;
      for (int t = 1; t <= 24; ++t) {
        expected += rate / 12.0 * run.at("population", 0, t - 1, c) / 100.0;
        observed += run.at(flow, 0, t, c) / 100.0;
      }
      if (expected == 0) {
        EXPECT_EQ(observed, 0.0) << flow;
      } else {
        EXPECT_LT(std::abs(observed - expected) / std::sqrt(expected), 4.0) << flow << ": " << observed << " vs " << expected;
      }
    }
  }
}

TEST(Outflows, OnlyTheNativeBornEmigrateAbroad) {
  std::vector<std::string> extra;
  for (const char* city : {"Freetown", "Dakar", "Milan", "Paris"}) {
    extra.push_back(std::string("cities.") + city + ".internal_out_migration_per_1000=0");
    extra.push_back(std::string("cities.") + city + ".emigration_to_rest_of_world_per_1000=150");
  }
  const auto run = test::run_in_memory(test::load(test::scenario_path("ci/four_cities.toml"), quiet(extra)));
  for (std::size_t c = 0; c < run.cities.size(); ++c) {
    SCOPED_TRACE(run.cities[c]);
    EXPECT_GT(run.total("emigration_to_rest_of_world", c), 0.0);
    EXPECT_LT(run.at("population", 0, 24, c), run.at("population", 0, 0, c));
    EXPECT_EQ(run.at("foreign_born", 0, 24, c), run.at("foreign_born", 0, 0, c));
  }
}

TEST(Outflows, TheYoungLeaveMost) {
  const ScenarioSpec spec = test::load(test::scenario_path("ci/four_cities.toml"),
                                       quiet({"cities.Paris.internal_out_migration_per_1000=200"}));
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  const std::size_t paris = 3;
  ASSERT_EQ(sim->world().geography().city(paris).name, "Paris");
  std::map<std::uint64_t, int> age_before;
  const auto& before = sim->world().agents(paris);
  for (std::size_t r = 0; r < before.size(); ++r) age_before[before.col(core::id)[r]] = before.col(core::age_months)[r];
  sim->step();
  const auto& after = sim->world().agents(paris);
  for (std::size_t r = 0; r < after.size(); ++r) age_before.erase(after.col(core::id)[r]);
  // Who left: the residents no longer there (nobody dies, is born or arrives).
  std::array<double, 2> left{}, stayed_share{};
  for (const auto& [id, age] : age_before) left[age >= 20 * 12 && age < 35 * 12 ? 0 : 1] += 1;
  for (std::size_t r = 0; r < after.size(); ++r) {
    const int age = after.col(core::age_months)[r] - 1;
    stayed_share[age >= 20 * 12 && age < 35 * 12 ? 0 : 1] += 1;
  }
  ASSERT_GT(left[0] + left[1], 50.0);
  // Leaving rates per resident: 20-34 against the rest, weight 2 against at most 1.
  const double young = left[0] / (left[0] + stayed_share[0]);
  const double others = left[1] / (left[1] + stayed_share[1]);
  EXPECT_GT(young, 1.5 * others) << young << " vs " << others;
}

}  // namespace
}  // namespace mobsim
