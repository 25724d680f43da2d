// The gravity baseline against its closed-form expectation. With births,
// deaths and hinterland arrivals switched off, the expected flow from i to j
// in step t, given the state at t-1, is
//   E[F_ij] = N_i p P_ij,  p = 1 - exp(-h dt),
//   P_ij = P_j^a d_ij^-b / sum_{k != i} P_k^a d_ik^-b,
// and the variance is N_i q (1 - q) with q = p P_ij (each agent moves to j
// with probability q, independently). Summed over steps, (F - E) / sqrt(V)
// is approximately standard normal; we accept |z| < 4 for every pair.
#include <gtest/gtest.h>

#include <cmath>

#include "geography.hpp"
#include "shared_state.hpp"
#include "support.hpp"

namespace mobsim {
namespace {

TEST(Gravity, MeanFlowsMatchTheAnalyticExpectation) {
  const double hazard = 0.6, alpha = 1.0, beta = 1.5;
  const ScenarioSpec spec = test::load_text(test::from_baseline(R"(
[run]
duration_months = 12
people_per_agent = 50
[world]
cities = ["Freetown", "Dakar", "Milan", "Paris", "Tunis"]
[models]
demography = "none"
hinterland = "none"
migration = "gravity"
# The analytic expectation is per person: families stay where they are.
family_moves = "none"
[gravity]
move_hazard_per_year = 0.6
population_elasticity = 1.0
distance_elasticity = 1.5
)"));
  const auto run = test::run_in_memory(spec);
  const Geography geo(spec);
  const std::size_t n = geo.city_count();
  const double p = 1.0 - std::exp(-hazard / 12.0);
  const double ppa = 50.0;

  std::vector<double> observed(n * n, 0.0), expected(n * n, 0.0), variance(n * n, 0.0);
  for (int t = 1; t <= 12; ++t) {
    for (std::size_t i = 0; i < n; ++i) {
      const double agents_i = run.at("population", 0, t - 1, i) / ppa;
      double z = 0;
      for (std::size_t k = 0; k < n; ++k)
        if (k != i) z += std::pow(run.at("population", 0, t - 1, k), alpha) * std::pow(geo.distance_km(i, k), -beta);
      for (std::size_t j = 0; j < n; ++j) {
        if (j == i) continue;
        const double q = p * std::pow(run.at("population", 0, t - 1, j), alpha) * std::pow(geo.distance_km(i, j), -beta) / z;
        expected[i * n + j] += agents_i * q;
        variance[i * n + j] += agents_i * q * (1 - q);
        observed[i * n + j] += run.recording.frames()[0][static_cast<std::size_t>(t)].flows[i * n + j] / ppa;
      }
    }
  }
  double chi_square = 0;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      if (i == j) continue;
      const double zscore = (observed[i * n + j] - expected[i * n + j]) / std::sqrt(variance[i * n + j]);
      EXPECT_LT(std::abs(zscore), 4.0) << geo.city(i).name << " -> " << geo.city(j).name << ": observed "
                                       << observed[i * n + j] << ", expected " << expected[i * n + j];
      chi_square += zscore * zscore;
    }
  // 20 pairs: chi-square with 20 degrees of freedom has mean 20 and sd sqrt(40);
  // 60 is beyond the 99.999th percentile.
  EXPECT_LT(chi_square, 60.0);
  EXPECT_GT(expected[2 * n + 3], 100.0) << "the test needs enough moves Milan -> Paris to mean something";
}

TEST(Gravity, CloserAndLargerCitiesAttractMore) {
  const ScenarioSpec spec = test::load(test::scenario_path("ci/four_cities.toml"),
                                       {"models.demography=none", "models.hinterland=none",
                                        "models.migration=gravity", "gravity.move_hazard_per_year=0.5"});
  const auto run = test::run_in_memory(spec);
  // Cities: Freetown(0), Dakar(1), Milan(2), Paris(3). From Milan, Paris (640 km,
  // 2.1 million) attracts far more than Freetown (4,800 km, 1.1 million).
  double milan_paris = 0, milan_freetown = 0;
  for (const auto& frame : run.recording.frames()[0]) {
    milan_paris += frame.flows[2 * 4 + 3];
    milan_freetown += frame.flows[2 * 4 + 0];
  }
  EXPECT_GT(milan_paris, 20 * milan_freetown);
}

TEST(Gravity, CrossingABorderChangesLegalStatusAndLeavesTheJob) {
  const ScenarioSpec spec = test::load(test::scenario_path("ci/four_cities.toml"),
                                       {"models.demography=none", "models.hinterland=none", "models.migration=gravity",
                                        "gravity.move_hazard_per_year=2", "run.people_per_agent=100",
                                        // Gravity movers only: a returnee's family is citizen by descent.
                                        "models.family_moves=none"});
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  sim->step();
  const World& world = sim->world();
  std::size_t checked = 0;
  for (std::size_t c = 0; c < world.city_count(); ++c) {
    const auto& agents = world.agents(c);
    const auto origin = agents.col(core::origin);
    const auto legal = agents.col(core::legal_status);
    const auto employment = agents.col(core::employment);
    for (std::size_t r = world.first_arrival(c); r < agents.size(); ++r, ++checked) {
      EXPECT_NE(employment[r], code(Employment::employed));
      if (!world.geography().foreign_born(origin[r], c)) {
        EXPECT_EQ(legal[r], code(LegalStatus::citizen));
      } else {
        EXPECT_NE(legal[r], code(LegalStatus::citizen)) << "a foreign-born newcomer arrived as a citizen";
      }
    }
  }
  EXPECT_GT(checked, 100u);
}

// A gravity mover is a newcomer like any other: the job code, the home and
// any order to leave stay behind, and the arrival step is the move's. (Kept,
// the job code counted the mover employed in the new city and the tenure
// held a dwelling in the old one without any search.)
TEST(Gravity, AMoverLeavesTheJobAndTheHomeBehind) {
  const ScenarioSpec spec = test::load(test::scenario_path("ci/four_cities.toml"),
                                       {"models.migration=gravity", "gravity.move_hazard_per_year=2",
                                        "run.people_per_agent=100"});
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  const World& world = sim->world();
  const auto job = world.schema().find<std::uint8_t>(models::kJobColumn);
  const auto arrival = world.schema().find<std::uint16_t>(models::kArrivalColumn);
  const auto tenure = world.schema().find<std::uint8_t>(models::kTenureColumn);
  std::size_t newcomers = 0, housed = 0;
  for (int t = 1; t <= 3; ++t) {
    sim->step();
    for (std::size_t c = 0; c < world.city_count(); ++c) {
      const auto& agents = world.agents(c);
      for (std::size_t r = world.first_arrival(c); r < agents.size(); ++r, ++newcomers) {
        EXPECT_EQ(agents.col(job)[r], models::kNoJob) << "a gravity mover kept the job of the city left";
        EXPECT_EQ(agents.col(arrival)[r], world.step()) << "a gravity mover's arrival step is not the move's";
        EXPECT_NE(agents.col(core::employment)[r], code(Employment::employed));
        // The housing model's arrive phase placed the newcomer (or left them homeless) in the new city.
        housed += agents.col(tenure)[r] != code(models::Tenure::unhoused) ? 1 : 0;
      }
    }
  }
  EXPECT_GT(newcomers, 300u);
  EXPECT_EQ(housed, newcomers) << "every newcomer ends the step housed or homeless";
}

}  // namespace
}  // namespace mobsim
