// The housing market: the rent formula by hand, and the planner's check that
// less housing means higher rents and fewer newcomers.
#include "housing_market.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "shared_state.hpp"
#include "support.hpp"

namespace mobsim {
namespace {

TEST(HousingMarket, RentIndexHandComputed) {
  // 97 of 100 places occupied, target 95%, elasticity 3: (0.97 / 0.95)^3.
  EXPECT_NEAR(models::rent_index(97, 100, 0.95, 3), std::pow(0.97 / 0.95, 3), 1e-15);
  EXPECT_DOUBLE_EQ(models::rent_index(95, 100, 0.95, 3), 1.0);
  EXPECT_DOUBLE_EQ(models::rent_index(400, 100, 0.95, 3), 4.0);   // clamped
  EXPECT_DOUBLE_EQ(models::rent_index(10, 100, 0.95, 3), 0.25);   // clamped
  EXPECT_DOUBLE_EQ(models::rent_index(10, 0, 0.95, 0), 1.0);      // no capacity: occupancy 1, elasticity 0
}

TEST(HousingMarket, LessHousingRaisesRentsAndLowersInflow) {
  const std::vector<std::string> common{"run.people_per_agent=200", "run.duration_months=36"};
  auto scarce = common;
  scarce.push_back("cities.Paris.housing_vacancy_rate=0.0");
  scarce.push_back("cities.Paris.construction_per_year=0.0");
  const auto base = test::run_in_memory(test::load(test::scenario_path("ci/four_cities.toml"), common));
  const auto tight = test::run_in_memory(test::load(test::scenario_path("ci/four_cities.toml"), scarce));
  const std::size_t paris = base.city("Paris");
  EXPECT_GT(tight.at("rent_index", 0, 36, paris), base.at("rent_index", 0, 36, paris));
  EXPECT_GT(tight.at("rent_index", 0, 1, paris), base.at("rent_index", 0, 1, paris));
  EXPECT_LT(tight.total("inflow", paris), base.total("inflow", paris))
      << "inflow to Paris: " << base.total("inflow", paris) << " -> " << tight.total("inflow", paris);
}

// Share of Paris's homeless residents at the start who are still homeless
// in Paris after one monthly step, among those still there, and how many
// were followed.
std::pair<double, double> still_homeless_after_one_step(double exit_per_month) {
  const ScenarioSpec spec = test::load(test::scenario_path("ci/four_cities.toml"),
                                       {"run.people_per_agent=20", "housing.eviction_per_month=0",
                                        "housing.homeless_exit_per_month=" + std::to_string(exit_per_month)});
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  const auto tenure = sim->world().schema().find<std::uint8_t>(models::kTenureColumn);
  const std::size_t paris = 3;
  EXPECT_EQ(sim->world().geography().city(paris).name, "Paris");
  std::set<std::uint64_t> homeless_before;
  const auto& start = sim->world().agents(paris);
  for (std::size_t r = 0; r < start.size(); ++r)
    if (start.col(tenure)[r] == code(models::Tenure::homeless)) homeless_before.insert(start.col(core::id)[r]);
  sim->step();
  double followed = 0, still = 0;  // of those homeless before, still in Paris; and still homeless
  const auto& a = sim->world().agents(paris);
  for (std::size_t r = 0; r < a.size(); ++r) {
    if (!homeless_before.count(a.col(core::id)[r])) continue;
    followed += 1;
    still += a.col(tenure)[r] == code(models::Tenure::homeless);
  }
  return {still / followed, followed};
}

TEST(HousingMarket, TheHomelessLeaveTheStreetAtTheExitRate) {
  // Paris has no informal settlements. A homeless resident looks for a home
  // with the monthly exit probability p and, looking, stays on the street
  // with some probability q (no free home she can pay, no social unit, not
  // staying with others). So the share still homeless is 1 - p (1 - q).
  const auto [never, n0] = still_homeless_after_one_step(0.0);
  EXPECT_EQ(never, 1.0) << "nobody leaves the street without looking";
  const auto [always, n1] = still_homeless_after_one_step(1.0);
  EXPECT_LT(always, 0.5) << "everyone looks; most find a home or stay with others";
  const double p = 0.3;
  const auto [share, n] = still_homeless_after_one_step(p);
  ASSERT_GT(n, 500);
  const double expected = 1.0 - p * (1.0 - always);
  const double sd = std::sqrt(expected * (1.0 - expected) / n);
  EXPECT_NEAR(share, expected, 4.0 * sd) << n << " homeless residents followed";
}

TEST(HousingMarket, EveryoneEndsTheStepHousedOrHomelessAndCountsAreConsistent) {
  const ScenarioSpec spec = test::load(test::scenario_path("ci/four_cities.toml"), {"run.people_per_agent=500"});
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  const auto tenure = sim->world().schema().find<std::uint8_t>(models::kTenureColumn);
  for (int t = 0; t < 12; ++t) sim->step();
  Frame frame;
  sim->observe(frame);
  const auto homeless_series = [&] {
    for (std::size_t i = 0; i < engine.series().size(); ++i)
      if (engine.series()[i].name == "homeless") return i;
    return engine.series().size();
  }();
  for (std::size_t c = 0; c < sim->world().city_count(); ++c) {
    const auto& a = sim->world().agents(c);
    double homeless = 0;
    for (std::size_t r = 0; r < a.size(); ++r) {
      ASSERT_NE(a.col(tenure)[r], code(models::Tenure::unhoused));
      homeless += a.col(tenure)[r] == code(models::Tenure::homeless);
    }
    EXPECT_EQ(frame.series[homeless_series][c], homeless * 500);
  }
}

}  // namespace
}  // namespace mobsim
