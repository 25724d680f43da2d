// The labour market: its formulas against hand-computed values, and the
// behaviour a planner would check in a run.
#include "labour_market.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <random>
#include <vector>

#include "avx2.hpp"
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

TEST(LabourMarket, ArrivalsWithAWorkPermitStartTheJobItWasGrantedFor) {
  // A work permit is granted for a job: those who arrived with one in the
  // last step are hired first, into an open job of their level; other
  // arrivals look for work at the job-finding rate (about 0.1-0.3 a month).
  Stepper run(test::load(test::scenario_path("ci/four_cities.toml"), {"run.people_per_agent=50"}));
  const World& world = run.sim->world();
  const auto arrival = world.schema().find<std::uint16_t>(models::kArrivalColumn);
  double permit = 0, permit_employed = 0, others = 0, others_employed = 0;
  for (int t = 1; t <= 6; ++t) {
    run.sim->step();
    if (t == 1) continue;
    for (std::size_t c = 0; c < world.city_count(); ++c) {
      const auto& a = world.agents(c);
      for (std::size_t r = 0; r < a.size(); ++r) {
        // Arrived from the rest of the world in the step before this one.
        if (a.col(arrival)[r] + 1 != t || a.col(core::origin)[r] != world.geography().rest_of_world_place()) continue;
        if (a.col(core::employment)[r] == code(Employment::inactive)) continue;
        const bool employed = a.col(core::employment)[r] == code(Employment::employed);
        if (a.col(core::legal_status)[r] == code(LegalStatus::work_permit)) {
          permit += 1;
          permit_employed += employed;
        } else {
          others += 1;
          others_employed += employed;
        }
      }
    }
  }
  ASSERT_GT(permit, 30.0);
  ASSERT_GT(others, 30.0);
  EXPECT_GT(permit_employed / permit, 0.9) << permit_employed << " of " << permit;
  EXPECT_LT(others_employed / others, 0.5) << others_employed << " of " << others;
}

TEST(LabourMarket, HigherWagesInADestinationRaiseItsInflow) {
  // Paris's mean wage doubled (4,500 -> 9,000 EUR): at 50 persons per agent
  // about 240 agents arrive in Paris in the three years, and the rise is
  // about 55% (1:25 gives the same, so it is not chance; with 6,000 the
  // rise, about 18%, is within 3 sigma of the arrivals' Poisson noise).
  const std::vector<std::string> common{"run.people_per_agent=50", "run.duration_months=36", "run.replicates=1"};
  auto higher = common;
  higher.push_back("cities.Paris.mean_wage_eur_per_month=9000");
  const auto base = test::run_in_memory(test::load(test::scenario_path("ci/four_cities.toml"), common));
  const auto rich = test::run_in_memory(test::load(test::scenario_path("ci/four_cities.toml"), higher));
  const std::size_t paris = base.city("Paris");
  EXPECT_GT(base.total("inflow", paris), 0.0);
  EXPECT_GT(rich.total("inflow", paris), 1.2 * base.total("inflow", paris))
      << "inflow to Paris: " << base.total("inflow", paris) << " -> " << rich.total("inflow", paris);
}

// The labour-force survey's vectorised form against its plain form, on
// random agents where every case occurs: workers retiring, stale jobs, young
// people coming of age, separation opportunities due, now and later.
struct SurveyAgents {
  std::vector<std::uint64_t> id;
  std::vector<std::uint16_t> age, next;
  std::vector<std::uint8_t> skill, employment, job;
  models::LabourColumns columns() {
    return {id.data(), age.data(), skill.data(), next.data(), employment.data(), job.data()};
  }
};

SurveyAgents survey_agents(std::size_t n, bool with_rare_cases) {
  std::mt19937 gen(7);
  SurveyAgents a;
  for (std::size_t i = 0; i < n; ++i) {
    a.id.push_back(1000 + 3 * i);
    // Most blocks of 32 without retirements or stale jobs, as in a run.
    const bool rare_block = with_rare_cases && (i / 32) % 3 == 0;
    const auto e = static_cast<std::uint8_t>(gen() % 3);
    a.employment.push_back(e);
    const int max_age = rare_block ? 90 * 12 : 64 * 12;
    a.age.push_back(static_cast<std::uint16_t>(gen() % max_age));
    if (gen() % 8 == 0) a.age.back() = static_cast<std::uint16_t>(15 * 12 + gen() % 3 - 1);  // around entry age
    a.skill.push_back(static_cast<std::uint8_t>(gen() % 3));
    std::uint8_t job = e == code(Employment::employed) ? static_cast<std::uint8_t>(1 + gen() % 27) : 0;
    if (rare_block && gen() % 10 == 0) job = static_cast<std::uint8_t>(1 + gen() % 27);  // left behind by a move
    a.job.push_back(job);
    // Opportunities long past, due now (step 20000), and to come.
    a.next.push_back(static_cast<std::uint16_t>(gen() % 2 ? gen() % 40000 : 19998 + gen() % 5));
  }
  return a;
}

TEST(LabourMarket, VectorisedSurveyEqualsPlain) {
  // survey_labour_force takes the AVX2 form only where cpu_has_avx2(); without it
  // both calls run the plain form and the comparison proves nothing.
  if (!cpu_has_avx2()) GTEST_SKIP() << "AVX2 not available on this CPU: the vectorised path cannot be compared";
  for (const bool rare : {false, true})
    for (const std::uint32_t begin : {0u, 5u}) {
      const std::uint32_t n = 5000;
      SurveyAgents plain = survey_agents(n, rare), fast = survey_agents(n, rare);
      const models::LabourSurveyRules rules{65 * 12, 15 * 12, 1, 20000, 28};
      std::array<std::int64_t, 256> jobs_plain{}, jobs_fast{};
      std::array<std::int64_t, 3> force_plain{}, force_fast{};
      test::RowList rows_plain(n), rows_fast(n);
      rows_plain.count = models::survey_labour_force_plain(
          plain.columns(), rules, begin, n, jobs_plain.data(), force_plain.data(), rows_plain.rows.data(), rows_plain.ids.data());
      rows_fast.count = models::survey_labour_force(
          fast.columns(), rules, begin, n, jobs_fast.data(), force_fast.data(), rows_fast.rows.data(), rows_fast.ids.data());
      test::expect_same_rows(rows_plain, rows_fast);
      EXPECT_EQ(jobs_plain, jobs_fast);
      EXPECT_EQ(force_plain, force_fast);
      EXPECT_EQ(plain.employment, fast.employment);
      EXPECT_EQ(plain.job, fast.job);
      // Every case occurred: some listed, some settled, and with rare cases
      // some retired.
      EXPECT_GT(rows_plain.count, n / 10);
      EXPECT_GT(force_plain[0] + force_plain[1] + force_plain[2], n / 10);
      std::size_t retired = 0;
      const auto before = survey_agents(n, rare);
      for (std::size_t i = begin; i < n; ++i)
        retired += before.employment[i] != code(Employment::inactive) && plain.employment[i] == code(Employment::inactive);
      if (rare) {
        EXPECT_GT(retired, 0u);
      }
    }
}

}  // namespace
}  // namespace mobsim
