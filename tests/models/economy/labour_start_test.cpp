// The labour market's stationary start: the hires that keep each skill
// level's unemployment rate, the youth hiring weight against hand-built
// cities, and youth unemployment staying where the data start it in runs
// of a closed world (no arrivals or departures, whose flows the start does
// not know).
#include "labour_start.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "support.hpp"

namespace mobsim {
namespace {

using models::StartFlows;

// One skill level (medium), a city of 1000 in the labour force per unit of
// the arguments: u total rate, young the share of the labour force aged
// 15-24 and u_young their rate; separations 1.67% of workers a month,
// entrants a tenth of the young cohort a year, retirement 1/480 of workers.
StartFlows city(double u, double young, double u_young) {
  StartFlows f;
  const double labour_force = 1000, young_labour_force = young * labour_force;
  const double seekers = u * labour_force, young_seekers = u_young * young_labour_force;
  f.seekers[1] = seekers;
  f.young_seekers[1] = young_seekers;
  f.employed[1] = labour_force - seekers;
  f.young_employed[1] = young_labour_force - young_seekers;
  f.separations[1] = 0.0167 * f.employed[1];
  f.young_separations[1] = 0.0167 * f.young_employed[1];
  f.entrants[1] = young_labour_force / 120.0;
  f.young_unemployed_ageing_out[1] = young_seekers / 120.0;
  f.young_employed_ageing_out[1] = f.young_employed[1] / 120.0;
  f.unemployed_retiring[1] = (seekers - young_seekers) / 480.0;
  f.employed_retiring[1] = (f.employed[1] - f.young_employed[1]) / 480.0;
  return f;
}

TEST(LabourStart, StationaryHiresKeepTheUnemploymentRate) {
  for (const double u : {0.03, 0.1, 0.3}) {
    const StartFlows f = city(u, 0.12, 2 * u);
    const double hires = models::stationary_hires(f, 1);
    const double seekers = f.seekers[1] + f.entrants[1] + f.separations[1] - hires - f.unemployed_retiring[1];
    const double labour_force =
        f.seekers[1] + f.employed[1] + f.entrants[1] - f.unemployed_retiring[1] - f.employed_retiring[1];
    EXPECT_NEAR(seekers / labour_force, u, 1e-12);
    // More than the separations: the entrants join as seekers.
    EXPECT_GT(hires, f.separations[1]);
  }
  EXPECT_EQ(models::stationary_hires(StartFlows{}, 0), 0.0);  // an empty skill level
}

// Expected youth hires at weight w, from the public pieces.
double youth_hires(const StartFlows& f, double w) {
  double hires = 0;
  for (int s = 0; s < models::kSkillLevels; ++s) {
    const double pool = models::matching_pool(f, s), young = models::young_matching_pool(f, s);
    if (pool > 0) hires += models::stationary_hires(f, s) * w * young / (pool - young + w * young);
  }
  return hires;
}

TEST(LabourStart, YouthHiringWeightMeetsItsTargetAndFollowsTheData) {
  // Mannheim: youth unemployment 5.9% at 5.2% in total (apprenticeships):
  // the young must be hired faster than older seekers.
  const StartFlows mannheim = city(0.052, 0.12, 0.059);
  const double w_mannheim = models::youth_hiring_weight(mannheim, 0.05, 20);
  EXPECT_NEAR(youth_hires(mannheim, w_mannheim), models::stationary_youth_hires(mannheim), 1e-9);
  EXPECT_GT(w_mannheim, 1.0);
  // Durban: 60% of the young without work at 28% in total: far slower.
  const StartFlows durban = city(0.28, 0.2, 0.60);
  const double w_durban = models::youth_hiring_weight(durban, 0.05, 20);
  EXPECT_NEAR(youth_hires(durban, w_durban), models::stationary_youth_hires(durban), 1e-9);
  EXPECT_LT(w_durban, 0.5);
  // At one total rate, a higher youth rate needs a lower weight.
  double previous = 1e9;
  for (const double ratio : {1.0, 1.5, 2.0, 2.5, 3.0}) {
    const double w = models::youth_hiring_weight(city(0.08, 0.12, 0.08 * ratio), 0.05, 20);
    EXPECT_LT(w, previous) << "ratio " << ratio;
    previous = w;
  }
  // Bounds hold, and a city without young seekers gets 1.
  EXPECT_EQ(models::youth_hiring_weight(city(0.05, 0.12, 0.0), 0.05, 20), 1.0);
  EXPECT_GE(models::youth_hiring_weight(city(0.01, 0.12, 0.9), 0.05, 20), 0.05);
}

TEST(LabourStart, YouthUnemploymentStaysWhereTheDataStartItInAClosedWorld) {
  // Mannheim (youth 1.2 times the total), Durban (2.2) and Milan (2.9): with
  // one weight for every city (0.4 before) Mannheim's youth rate went from
  // 6% to 13% within a year. Tolerance: 4 binomial standard errors of the
  // youth labour force plus 20% for the approximations of the start (ages
  // uniform within 5-year groups, one weight for all skill levels).
  const ScenarioSpec spec = test::load(
      test::scenario_path("baseline.toml"),
      {"run.people_per_agent=100", "run.duration_months=36", "run.replicates=1",
       "world.cities=[\"Mannheim\", \"Durban\", \"Milan\"]", "models.international=none", "models.hinterland=none",
       "models.outflows=none", "models.migration=none"});
  const auto run = test::run_in_memory(spec);
  for (std::size_t c = 0; c < run.cities.size(); ++c) {
    SCOPED_TRACE(run.cities[c]);
    const double start = run.at("youth_unemployment_rate", 0, 0, c);
    const double young_labour_force = 0.12 * (run.at("employed", 0, 0, c) + run.at("unemployed", 0, 0, c)) / 100.0;
    const double sigma = std::sqrt(start * (1 - start) / young_labour_force);
    for (const int t : {12, 36}) {
      const double now = run.at("youth_unemployment_rate", 0, t, c);
      EXPECT_LT(std::abs(now - start), 0.2 * start + 4 * sigma) << "month " << t << ": " << start << " -> " << now;
    }
  }
}

}  // namespace
}  // namespace mobsim
