// Hinterland arrivals are Poisson with mean rate x residents x step length;
// summed over steps, (H - E) / sqrt(E) is approximately standard normal.
#include <gtest/gtest.h>

#include <cmath>

#include "shared_state.hpp"
#include "support.hpp"

namespace mobsim {
namespace {

TEST(Hinterland, ArrivalsMatchTheirExpectationAndAreYoungAdultCitizens) {
  const ScenarioSpec spec = test::load(test::scenario_path("baseline.toml"),
                                       {"run.people_per_agent=50", "run.duration_months=24", "models.migration=none",
                                        "models.hinterland=constant_rate"});
  const auto run = test::run_in_memory(spec);
  for (std::size_t c = 0; c < run.cities.size(); ++c) {
    SCOPED_TRACE(run.cities[c]);
    const double rate = spec.find_entry("cities", run.cities[c])->real("hinterland_inflow_per_1000") / 1000.0;
    double expected = 0, observed = 0;
    for (int t = 1; t <= 24; ++t) {
      // Residents when arrivals are drawn: after this step's births and deaths.
      const double residents =
          (run.at("population", 0, t - 1, c) + run.at("births", 0, t, c) - run.at("deaths", 0, t, c)) / 50.0;
      expected += rate / 12.0 * residents;
      observed += run.at("hinterland_inflow", 0, t, c) / 50.0;
    }
    if (expected == 0) {
      EXPECT_EQ(observed, 0.0);  // a city whose hinterland sends nobody
    } else {
      EXPECT_LT(std::abs(observed - expected) / std::sqrt(expected), 4.0) << observed << " vs " << expected;
    }
  }

  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  sim->step();
  const World& world = sim->world();
  const auto participation = world.field_schema().find(models::kParticipationField);
  std::size_t newcomers = 0;
  double looking = 0, expected_looking = 0, variance = 0;
  for (std::size_t c = 0; c < world.city_count(); ++c) {
    const auto& a = world.agents(c);
    const double p = world.fields().at(participation, c)[0];
    for (std::size_t r = 0; r < a.size(); ++r) {
      if (a.col(core::origin)[r] != world.geography().hinterland_place(c)) continue;
      ++newcomers;
      EXPECT_GE(a.col(core::age_months)[r], 15 * 12);
      EXPECT_LT(a.col(core::age_months)[r], 35 * 12);
      EXPECT_EQ(a.col(core::legal_status)[r], code(LegalStatus::citizen));
      // Looking for work as often as the city's residents take part in the
      // labour force; the others inactive.
      const auto employment = a.col(core::employment)[r];
      EXPECT_TRUE(employment == code(Employment::unemployed) || employment == code(Employment::inactive));
      looking += employment == code(Employment::unemployed);
      expected_looking += p;
      variance += p * (1 - p);
      EXPECT_FALSE(world.geography().foreign_born(a.col(core::origin)[r], c));
    }
  }
  EXPECT_GT(newcomers, 100u);
  EXPECT_LT(std::abs(looking - expected_looking), 4.0 * std::sqrt(variance))
      << looking << " of " << newcomers << " look for work, expected " << expected_looking;
  EXPECT_LT(looking, 0.95 * static_cast<double>(newcomers)) << "some newcomers stay out of the labour force";
}

TEST(Hinterland, LabourLinkedArrivalsFollowExpectedUrbanIncome) {
  // Fewer jobs in Dakar (jobs shrinking by a fifth a year, whatever the
  // labour force does) lower the expected income of a newcomer there, and
  // with it the arrivals.
  const std::vector<std::string> common{"run.people_per_agent=20", "run.duration_months=36",
                                        "models.hinterland=labour_linked", "cities.Dakar.hinterland_inflow_per_1000=30",
                                        "world.cities=[\"Dakar\", \"Paris\"]"};
  auto slump = common;
  slump.push_back("sector_profiles.sub_saharan_africa.job_growth_per_year=-0.2");
  slump.push_back("labour.demand_labour_force_elasticity=0");
  const auto base = test::run_in_memory(test::load(test::scenario_path("ci/four_cities.toml"), common));
  const auto low = test::run_in_memory(test::load(test::scenario_path("ci/four_cities.toml"), slump));
  const std::size_t dakar = base.city("Dakar");
  EXPECT_LT(low.total("hinterland_inflow", dakar), 0.9 * base.total("hinterland_inflow", dakar))
      << base.total("hinterland_inflow", dakar) << " -> " << low.total("hinterland_inflow", dakar);
}

}  // namespace
}  // namespace mobsim
