// Deaths and births of the first step against an independent computation of
// their expectation from the initial agents:
//   scale_c = CDR_c / mean_i mu(a_i),  mu(a) = A + B exp(g a)      (a in years)
//   p_death,i = 1 - exp(-scale_c mu(a_i + 1 month) / 12)
//   p_birth   = 1 - exp(-CBR_c N_c / W_c / 12)  for each woman aged 15-49
// Deaths and births are sums of independent Bernoulli draws, so their
// variance is sum p (1 - p); we accept |z| < 4 per city.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <vector>

#include "avx2.hpp"
#include "demography_kernel.hpp"

#include "support.hpp"

namespace mobsim {
namespace {

TEST(Demography, FirstStepDeathsAndBirthsMatchTheirExpectation) {
  const ScenarioSpec spec =
      test::load(test::scenario_path("baseline.toml"), {"run.people_per_agent=20", "run.duration_months=1"});
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  const World& world = sim->world();
  const double A = spec.real("demography.makeham_per_year"), B = spec.real("demography.gompertz_level_per_year"),
               g = spec.real("demography.gompertz_slope_per_year");
  auto mu = [&](int age_months) { return A + B * std::exp(g * age_months / 12.0); };
  auto fertile = [](int age_months) { return age_months >= 15 * 12 && age_months < 50 * 12; };

  const std::size_t n = world.city_count();
  std::vector<double> expected_deaths(n), var_deaths(n), expected_births(n), var_births(n);
  for (std::size_t c = 0; c < n; ++c) {
    const auto& data = test::entry_of(spec, "cities", world.geography().city(c).name);
    const auto age = world.agents(c).col(core::age_months);
    const auto sex = world.agents(c).col(core::sex);
    double mean_mu = 0, women_next = 0;
    for (std::size_t r = 0; r < age.size(); ++r) {
      mean_mu += mu(age[r]);
      women_next += sex[r] == code(Sex::female) && fertile(age[r] + 1);
    }
    const double agents = static_cast<double>(age.size());
    mean_mu /= agents;
    const double scale = data.real("crude_death_rate_per_1000") / 1000.0 / mean_mu;
    for (std::size_t r = 0; r < age.size(); ++r) {
      const double p = 1.0 - std::exp(-scale * mu(age[r] + 1) / 12.0);
      expected_deaths[c] += p;
      var_deaths[c] += p * (1 - p);
    }
    // One rate at every fertile age (15-49, 35 years) that gives the city's total fertility rate.
    const double p_birth = 1.0 - std::exp(-data.real("total_fertility_rate") / 35.0 / 12.0);
    expected_births[c] = women_next * p_birth;
    var_births[c] = women_next * p_birth * (1 - p_birth);
  }

  sim->step();
  Frame frame;
  sim->observe(frame);
  // A missing series throws (std::out_of_range naming it) and fails the
  // test instead of becoming a read one past the frame's series.
  auto index = [&](const std::string& name) { return test::series_index(engine.series(), name); };
  double total_deaths = 0, total_expected = 0;
  for (std::size_t c = 0; c < n; ++c) {
    SCOPED_TRACE(world.geography().city(c).name);
    const double d = frame.series.at(index("deaths")).at(c) / 20.0;
    const double b = frame.series.at(index("births")).at(c) / 20.0;
    EXPECT_LT(std::abs(d - expected_deaths[c]) / std::sqrt(var_deaths[c]), 4.0) << d << " vs " << expected_deaths[c];
    EXPECT_LT(std::abs(b - expected_births[c]) / std::sqrt(var_births[c]), 4.0) << b << " vs " << expected_births[c];
    total_deaths += d;
    total_expected += expected_deaths[c];
  }
  // The calibration makes the first month's deaths match the crude death rates.
  double crude = 0;
  for (std::size_t c = 0; c < n; ++c)
    crude += test::entry_of(spec, "cities", world.geography().city(c).name).real("crude_death_rate_per_1000") /
             1000.0 / 12.0 * (engine.geography().city(c).population / 20.0);
  EXPECT_NEAR(total_expected / crude, 1.0, 0.03);
  EXPECT_NEAR(total_deaths / total_expected, 1.0, 0.03);
}

TEST(Demography, EveryoneAgesByOneStep) {
  const ScenarioSpec spec = test::load(test::scenario_path("ci/four_cities.toml"),
                                       {"models.migration=none", "run.step_months=3", "run.duration_months=24"});
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  std::map<std::uint64_t, int> age_before;
  for (std::size_t c = 0; c < sim->world().city_count(); ++c) {
    const auto& a = sim->world().agents(c);
    for (std::size_t r = 0; r < a.size(); ++r) age_before[a.col(core::id)[r]] = a.col(core::age_months)[r];
  }
  sim->step();
  std::size_t survivors = 0;
  for (std::size_t c = 0; c < sim->world().city_count(); ++c) {
    const auto& a = sim->world().agents(c);
    for (std::size_t r = 0; r < a.size(); ++r) {
      auto it = age_before.find(a.col(core::id)[r]);
      if (it == age_before.end()) {
        continue;  // newborns and newcomers
      }
      EXPECT_EQ(a.col(core::age_months)[r], it->second + 3);
      ++survivors;
    }
  }
  EXPECT_GT(survivors, age_before.size() * 9 / 10);
}

// Ageing and the due list: the vectorised form against the plain one, with
// checks never scheduled, due, past, to come, with the opportunity flag,
// and ages at and near the cap.
TEST(Demography, VectorisedAgeingEqualsPlain) {
  // age_and_list_due takes the AVX2 form only where cpu_has_avx2(); without
  // it both calls run the plain form and the comparison proves nothing.
  if (!cpu_has_avx2()) GTEST_SKIP() << "AVX2 not available on this CPU: the vectorised path cannot be compared";
  std::mt19937 gen(11);
  const std::uint32_t n = 4099, step = 300;
  std::vector<std::uint64_t> id(n);
  std::vector<std::uint16_t> next(n), age(n);
  for (std::uint32_t r = 0; r < n; ++r) {
    id[r] = 77 + 5ull * r;
    const std::uint16_t scheduled = static_cast<std::uint16_t>(295 + gen() % 11);
    next[r] = gen() % 7 == 0 ? 0 : static_cast<std::uint16_t>(scheduled | (gen() % 2 ? 0x8000 : 0));
    age[r] = static_cast<std::uint16_t>(gen() % 3 == 0 ? 1556 + gen() % 5 : gen() % 1560);
  }
  for (const std::uint32_t begin : {0u, 3u}) {
    auto plain_age = age, fast_age = age;
    test::RowList rows_plain(n), rows_fast(n);
    rows_plain.count = models::age_and_list_due_plain({id.data(), next.data(), plain_age.data()}, begin, n,
                                                               3, 1560, step, rows_plain.rows.data(), rows_plain.ids.data());
    rows_fast.count = models::age_and_list_due({id.data(), next.data(), fast_age.data()}, begin, n, 3, 1560,
                                                        step, rows_fast.rows.data(), rows_fast.ids.data());
    test::expect_same_rows(rows_plain, rows_fast);
    EXPECT_EQ(plain_age, fast_age);
    // About half the scheduled checks (295..300 of 295..305) plus the
    // unscheduled are due; the cap holds.
    EXPECT_GT(rows_plain.count, n / 3);
    EXPECT_LT(rows_plain.count, 3 * n / 4);
    EXPECT_EQ(*std::max_element(plain_age.begin(), plain_age.end()), 1560);
  }
}

}  // namespace
}  // namespace mobsim
