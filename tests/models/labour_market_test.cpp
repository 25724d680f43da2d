// The labour market: its formulas against hand-computed values, and the
// behaviour a planner would check in a run.
#include "labour_market.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "shared_state.hpp"
#include "support.hpp"

namespace mobsim {
namespace {

using models::matching_hires;
using models::stationary_vacancies;
using models::wage_curve_factor;

TEST(LabourMarket, MatchingFunctionHandComputed) {
  // 0.3 * sqrt(100 * 25) = 15 hires in one month.
  EXPECT_DOUBLE_EQ(matching_hires(100, 25, 0.3, 0.5, 1), 15.0);
  // Three months would give 45, but there are only 25 vacancies.
  EXPECT_DOUBLE_EQ(matching_hires(100, 25, 0.3, 0.5, 3), 25.0);
  // Never more hires than seekers.
  EXPECT_DOUBLE_EQ(matching_hires(4, 400, 0.3, 0.5, 1), 4.0);
  EXPECT_EQ(matching_hires(0, 10, 0.3, 0.5, 1), 0.0);
  // 0.2 * 16^0.7 * 81^0.3 = 0.2 * 6.964 * 3.737
  EXPECT_NEAR(matching_hires(16, 81, 0.2, 0.7, 1), 0.2 * std::pow(16, 0.7) * std::pow(81, 0.3), 1e-12);
  // The stationary vacancies invert the matching function: 15 separations
  // among 100 seekers need 25 vacancies.
  EXPECT_NEAR(stationary_vacancies(15, 100, 0.3, 0.5, 1), 25.0, 1e-12);
}

TEST(LabourMarket, WageCurveHandComputed) {
  EXPECT_NEAR(wage_curve_factor(0.10, 0.05, 0.1), std::pow(2.0, -0.1), 1e-15);  // unemployment doubled: -6.7%
  EXPECT_NEAR(wage_curve_factor(0.05, 0.10, 0.1), std::pow(0.5, -0.1), 1e-15);
  EXPECT_EQ(wage_curve_factor(0.0, 0.05, 0.1), 1.0);
  EXPECT_EQ(wage_curve_factor(1e-9, 0.5, 0.5), 2.0);  // clamped
}

// A run of the full model with the world exposed after each step.
struct Stepper {
  explicit Stepper(const ScenarioSpec& s) : spec(s), engine(spec, test::registry()), sim(engine.make_simulation(0)) {}
  ScenarioSpec spec;
  Engine engine;
  std::unique_ptr<Simulation> sim;
};

TEST(LabourMarket, JobsFilledNeverExceedJobs) {
  Stepper run(test::load(test::scenario_path("ci/four_cities.toml"), {"run.people_per_agent=200"}));
  const World& world = run.sim->world();
  const auto job = world.schema().find<std::uint8_t>(models::kJobColumn);
  const auto jobs = world.field_schema().find(models::kJobsField);
  for (int t = 0; t <= 24; ++t) {
    if (t > 0) run.sim->step();
    for (std::size_t c = 0; c < world.city_count(); ++c) {
      std::vector<double> filled(jobs.width, 0.0);
      const auto& a = world.agents(c);
      for (std::size_t r = 0; r < a.size(); ++r) {
        const bool employed = a.col(core::employment)[r] == code(Employment::employed);
        ASSERT_EQ(employed, a.col(job)[r] != models::kNoJob) << "employment state and job disagree";
        if (employed) filled[models::job_segment(a.col(job)[r])] += 1;
      }
      const auto open = world.fields().at(jobs, c);
      for (std::size_t seg = 0; seg < filled.size(); ++seg)
        ASSERT_LE(filled[seg], open[seg] + 1e-9) << world.geography().city(c).name << " segment " << seg << " t " << t;
    }
  }
}

TEST(LabourMarket, UnemploymentStartsNearTheDataAndStaysPlausible) {
  const auto run = test::run_in_memory(test::load(test::scenario_path("ci/four_cities.toml")));
  for (std::size_t c = 0; c < run.cities.size(); ++c) {
    SCOPED_TRACE(run.cities[c]);
    const double data = test::load(test::scenario_path("ci/four_cities.toml")).find_entry("cities", run.cities[c])->real("unemployment_rate");
    const auto rate = [&](int t) {
      const double u = run.at("unemployed", 0, t, c), e = run.at("employed", 0, t, c);
      return u / (u + e);
    };
    // Binomial sampling of the initial states: 4 standard errors over the labour force (in agents).
    const double labour_force = (run.at("unemployed", 0, 0, c) + run.at("employed", 0, 0, c)) / 1000.0;
    EXPECT_NEAR(rate(0), data, 4.0 * std::sqrt(data * (1 - data) / labour_force));
    EXPECT_GT(rate(24), 0.0);
    EXPECT_LT(rate(24), std::min(0.6, 2.5 * data + 0.05));
    EXPECT_GT(run.at("mean_wage", 0, 24, c), 0.0);
    EXPECT_GE(run.at("youth_unemployment_rate", 0, 24, c), 0.0);
    EXPECT_LE(run.at("youth_unemployment_rate", 0, 24, c), 1.0);
  }
}

TEST(LabourMarket, HigherWagesInADestinationRaiseItsInflow) {
  const std::vector<std::string> common{"run.people_per_agent=200", "run.duration_months=36", "run.replicates=1"};
  auto higher = common;
  higher.push_back("cities.Paris.mean_wage_eur_per_month=6000");
  const auto base = test::run_in_memory(test::load(test::scenario_path("ci/four_cities.toml"), common));
  const auto rich = test::run_in_memory(test::load(test::scenario_path("ci/four_cities.toml"), higher));
  const std::size_t paris = base.city("Paris");
  EXPECT_GT(base.total("inflow", paris), 0.0);
  EXPECT_GT(rich.total("inflow", paris), 1.2 * base.total("inflow", paris))
      << "inflow to Paris: " << base.total("inflow", paris) << " -> " << rich.total("inflow", paris);
}

}  // namespace
}  // namespace mobsim
