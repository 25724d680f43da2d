// The books balance: people are neither created nor lost except by the
// documented boundary flows, for every city and every step.
#include <gtest/gtest.h>

#include <numeric>

#include "support.hpp"

namespace mobsim {
namespace {

void expect_books_balance(const test::RunResult& run) {
  const std::size_t n = run.cities.size();
  const auto& frames = run.recording.frames();
  ASSERT_FALSE(frames.empty());
  for (std::size_t r = 0; r < frames.size(); ++r) {
    for (int t = 1; t < static_cast<int>(frames[r].size()); ++t) {
      double total_in = 0, total_out = 0;
      for (std::size_t c = 0; c < n; ++c) {
        // Every documented boundary flow: births, deaths, hinterland arrivals,
        // returns to the rest of the world, ...
        double expected = run.at("population", r, t - 1, c) + run.at("inflow", r, t, c) - run.at("outflow", r, t, c);
        for (const auto& flow : run.boundary_flows)
          expected += (flow.inward ? 1.0 : -1.0) * run.at(flow.name, r, t, c);
        ASSERT_EQ(run.at("population", r, t, c), expected) << run.cities[c] << " replicate " << r << " t " << t;
        total_in += run.at("inflow", r, t, c);
        total_out += run.at("outflow", r, t, c);
        // The origin-destination matrix adds up to the per-city flows.
        const auto& flows = frames[r][static_cast<std::size_t>(t)].flows;
        double row = 0, col = 0;
        for (std::size_t k = 0; k < n; ++k) {
          row += flows[c * n + k];
          col += flows[k * n + c];
        }
        EXPECT_EQ(flows[c * n + c], 0.0);
        EXPECT_EQ(row, run.at("outflow", r, t, c));
        EXPECT_EQ(col, run.at("inflow", r, t, c));
      }
      ASSERT_EQ(total_in, total_out) << "t " << t;
    }
  }
}

TEST(Accounting, BooksBalanceEveryStepForEveryCityInTheCiScenario) {
  expect_books_balance(test::run_in_memory(test::load(test::scenario_path("ci/four_cities.toml"))));
}

TEST(Accounting, BooksBalanceForAllDialogueCitiesOverTenYears) {
  const auto run = test::run_in_memory(test::load(test::scenario_path("baseline.toml"), {"run.people_per_agent=500"}));
  expect_books_balance(run);
  // Something actually happened in every category.
  for (const char* series : {"births", "deaths", "inflow", "hinterland_inflow", "immigration_from_rest_of_world",
                             "returns_to_rest_of_world", "internal_out_migration", "emigration_to_rest_of_world"}) {
    double total = 0;
    for (std::size_t c = 0; c < run.cities.size(); ++c)
      for (int t = 1; t <= 120; ++t) total += run.at(series, 0, t, c);
    EXPECT_GT(total, 0.0) << series;
  }
}

TEST(Accounting, WithoutMovementFlowsAreEmpty) {
  const auto no_moves = test::run_in_memory(test::load(test::scenario_path("ci/four_cities.toml"),
                                                       {"models.migration=gravity", "gravity.move_hazard_per_year=0"}));
  const auto one_city = test::run_in_memory(
      test::load(test::scenario_path("ci/four_cities.toml"), {"world.cities=[\"Dakar\"]"}));
  for (const auto* run : {&no_moves, &one_city}) {
    expect_books_balance(*run);
    for (const auto& replicate : run->recording.frames())
      for (const auto& frame : replicate)
        for (double f : frame.flows) ASSERT_EQ(f, 0.0);
  }
}

TEST(Accounting, WithZeroRatesNobodyIsBornDiesOrArrives) {
  std::vector<std::string> overrides{"models.migration=none", "models.international=none", "demography.makeham_per_year=0",
                                     "demography.gompertz_level_per_year=0"};
  for (const char* city : {"Freetown", "Dakar", "Milan", "Paris"}) {
    overrides.push_back(std::string("cities.") + city + ".total_fertility_rate=0");
    overrides.push_back(std::string("cities.") + city + ".hinterland_inflow_per_1000=0");
    overrides.push_back(std::string("cities.") + city + ".internal_out_migration_per_1000=0");
    overrides.push_back(std::string("cities.") + city + ".emigration_to_rest_of_world_per_1000=0");
  }
  const auto run = test::run_in_memory(test::load(test::scenario_path("ci/four_cities.toml"), overrides));
  for (std::size_t c = 0; c < run.cities.size(); ++c) {
    for (int t = 1; t <= 24; ++t) {
      EXPECT_EQ(run.at("births", 0, t, c), 0.0);
      EXPECT_EQ(run.at("deaths", 0, t, c), 0.0);  // nobody in the CI cities is near the closing age
      EXPECT_EQ(run.at("hinterland_inflow", 0, t, c), 0.0);
      EXPECT_EQ(run.at("internal_out_migration", 0, t, c), 0.0);
      EXPECT_EQ(run.at("emigration_to_rest_of_world", 0, t, c), 0.0);
    }
    EXPECT_EQ(run.at("population", 0, 24, c), run.at("population", 0, 0, c));
  }
}

}  // namespace
}  // namespace mobsim
