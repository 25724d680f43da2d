// What depends on a continent is data (scenarios/data/continents.toml), not
// code: the legal status of arrivals from the rest of the world and the
// irregular routes that go through transit hubs.
#include <gtest/gtest.h>

#include "shared_state.hpp"
#include "support.hpp"

namespace mobsim {
namespace {

// Adults created in a step in `city` without a hinterland are arrivals from
// the rest of the world (newborns are under a year old): their statuses.
std::vector<std::uint8_t> arrivals_statuses(const std::vector<std::string>& overrides) {
  std::vector<std::string> all{"models.hinterland=none", "run.people_per_agent=100", "run.duration_months=6"};
  all.insert(all.end(), overrides.begin(), overrides.end());
  const ScenarioSpec spec = test::load(test::scenario_path("ci/four_cities.toml"), all);
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  std::vector<std::uint8_t> statuses;
  for (int t = 1; t <= 6; ++t) {
    sim->step();
    for (std::size_t c : {std::size_t{2}, std::size_t{3}}) {  // Milan, Paris
      const AgentTable& a = sim->world().agents(c);
      for (std::size_t r = 0; r < a.size(); ++r)
        if (sim->world().created_this_step(a.col(core::id)[r]) && a.col(core::age_months)[r] >= 18 * 12 &&
            r < sim->world().first_arrival(c))
          statuses.push_back(a.col(core::legal_status)[r]);
    }
  }
  return statuses;
}

TEST(Continents, ArrivalsEnterWithTheStatusesOfTheirCitysContinent) {
  const auto by_default = arrivals_statuses({});
  const auto all_irregular = arrivals_statuses({"continents.Europe.entry_status={irregular = 1.0}"});
  ASSERT_GT(by_default.size(), 100u);
  ASSERT_GT(all_irregular.size(), 100u);
  std::size_t irregular = 0;
  for (auto s : by_default) irregular += s == code(LegalStatus::irregular) ? 1 : 0;
  EXPECT_LT(irregular, by_default.size() / 4);  // 5% by default
  for (auto s : all_irregular) EXPECT_EQ(s, code(LegalStatus::irregular));
}

// Agents waiting in a transit hub at some point of a year.
std::size_t in_transit(const std::vector<std::string>& overrides) {
  // Irregular moves made likely (free, wanted, every one through a hub on the way).
  std::vector<std::string> all{"run.duration_months=12", "run.replicates=1", "migration.irregular_cost_eur=0",
                               "migration.irregular_willingness=1", "migration.transit_share=1",
                               "migration.transit_max_detour=10", "migration.consider_hazard_per_year=2"};
  all.insert(all.end(), overrides.begin(), overrides.end());
  const ScenarioSpec spec = test::load(test::scenario_path("ci/every_policy.toml"), all);
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  const auto transit = sim->world().schema().find<std::uint16_t>(models::kTransitColumn);
  std::size_t waiting = 0;
  for (int t = 1; t <= 12; ++t) {
    sim->step();
    for (std::size_t c = 0; c < sim->world().city_count(); ++c)
      for (auto d : sim->world().agents(c).col(transit)) waiting += d != models::kNotInTransit ? 1 : 0;
  }
  return waiting;
}

TEST(Continents, IrregularRoutesThroughHubsFollowTheContinentsData) {
  EXPECT_GT(in_transit({}), 0u);
  EXPECT_EQ(in_transit({"continents.Africa.irregular_routes_to=[]"}), 0u);
}

}  // namespace
}  // namespace mobsim
