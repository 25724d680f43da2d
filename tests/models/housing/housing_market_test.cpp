// The housing market: the rent formula by hand, and the planner's check that
// less housing means higher rents and fewer newcomers.
#include "housing_market.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "avx2.hpp"
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
  // Paris grows (hinterland arrivals) and its rents respond strongly; three
  // years without construction against three years of generous building
  // (5% a year) make a difference migrants see.
  const std::vector<std::string> common{"run.people_per_agent=100", "run.duration_months=36",
                                        "cities.Paris.hinterland_inflow_per_1000=30", "housing.rent_elasticity=10"};
  auto ample = common, scarce = common;
  ample.push_back("cities.Paris.construction_per_year=0.05");
  scarce.push_back("cities.Paris.construction_per_year=0.0");
  const auto base = test::run_in_memory(test::load(test::scenario_path("ci/four_cities.toml"), ample));
  const auto tight = test::run_in_memory(test::load(test::scenario_path("ci/four_cities.toml"), scarce));
  const std::size_t paris = base.city("Paris");
  EXPECT_GT(tight.at("rent_index", 0, 36, paris), base.at("rent_index", 0, 36, paris));
  EXPECT_GT(tight.at("rent_index", 0, 1, paris), base.at("rent_index", 0, 1, paris));
  EXPECT_LT(tight.total("inflow", paris), base.total("inflow", paris))
      << "inflow to Paris: " << base.total("inflow", paris) << " -> " << tight.total("inflow", paris);
}

// Share of Paris's homeless residents at the start who are still homeless
// in Paris after one monthly step, among those still there and out of work
// (those in work who can pay a deposit look every month), and how many were
// followed; `left_in_work` counts those who left the street in work.
std::pair<double, double> still_homeless_after_one_step(double exit_per_month, double* left_in_work = nullptr,
                                                        double* left_out_of_work = nullptr) {
  const ScenarioSpec spec = test::load(test::scenario_path("ci/four_cities.toml"),
                                       // Residents alone (no households): a searcher's household does
                                       // not move in with her, so each resident leaves at the rate.
                                       {"run.people_per_agent=10", "housing.eviction_per_month=0",
                                        "models.households=none", "models.family_moves=none",
                                        // nor does the reception system take in asylum seekers
                                        "countries.France.asylum_reception_share=0",
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
    const bool homeless = a.col(tenure)[r] == code(models::Tenure::homeless);
    if (a.col(core::employment)[r] == code(Employment::employed)) {
      if (left_in_work) *left_in_work += !homeless;
      continue;
    }
    if (left_out_of_work) *left_out_of_work += !homeless;
    followed += 1;
    still += homeless;
  }
  return {still / followed, followed};
}

TEST(HousingMarket, TheHomelessLeaveTheStreetAtTheExitRate) {
  // Paris has no informal settlements. A homeless resident out of work looks
  // for a home with the monthly exit probability p and, looking, stays on
  // the street with some probability q (no free home she can pay, no social
  // unit, not staying with others). So the share still homeless is
  // 1 - p (1 - q). (One the labour market hires this month looks at once
  // if she can pay a deposit.)
  double left_in_work = 0, left_out_of_work = 0;
  const auto [never, n0] = still_homeless_after_one_step(0.0, &left_in_work, &left_out_of_work);
  EXPECT_EQ(never, 1.0) << "nobody out of work leaves the street without looking";
  EXPECT_EQ(left_out_of_work, 0.0);
  EXPECT_GT(left_in_work, 0.0) << "nobody hired this month looked for a home: the in-work rule went unchecked";
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
  // A missing series throws (std::out_of_range naming it) and fails the
  // test instead of becoming a read one past the frame's series.
  const std::size_t homeless_series = test::series_index(engine.series(), "homeless");
  for (std::size_t c = 0; c < sim->world().city_count(); ++c) {
    const auto& a = sim->world().agents(c);
    double homeless = 0;
    for (std::size_t r = 0; r < a.size(); ++r) {
      ASSERT_NE(a.col(tenure)[r], code(models::Tenure::unhoused));
      homeless += a.col(tenure)[r] == code(models::Tenure::homeless);
    }
    EXPECT_EQ(frame.series.at(homeless_series).at(c), homeless * 500);
  }
}

// A household shares its dwelling: it starts in one kind of housing, and
// nobody is left on the street while a member of their household has a
// home in the city, except for an arrival of this step (placed after the
// housing phase, in the arrive phase: the household meets at the next).
TEST(HousingMarket, NobodyIsHomelessWhileTheirHouseholdHasAHome) {
  const ScenarioSpec spec = test::load(test::scenario_path("ci/four_cities.toml"), {"run.people_per_agent=100"});
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  const World& world = sim->world();
  const auto tenure = world.schema().find<std::uint8_t>(models::kTenureColumn);
  const auto arrival = world.schema().find<std::uint16_t>(models::kArrivalColumn);
  const auto household = world.schema().find<std::uint32_t>("household");
  const auto housed = [](std::uint8_t t) {
    return t == code(models::Tenure::formal_private) || t == code(models::Tenure::social) ||
           t == code(models::Tenure::informal);
  };
  // At the start: one tenure per household.
  for (std::size_t c = 0; c < world.city_count(); ++c) {
    const auto& a = world.agents(c);
    std::map<std::uint32_t, std::uint8_t> first;
    for (std::size_t r = 0; r < a.size(); ++r) {
      const auto [it, added] = first.try_emplace(a.col(household)[r], a.col(tenure)[r]);
      ASSERT_EQ(it->second, a.col(tenure)[r]) << "city " << c << ", household " << a.col(household)[r];
    }
  }
  std::size_t homeless_checked = 0;
  for (int t = 1; t <= 24; ++t) {
    sim->step();
    for (std::size_t c = 0; c < world.city_count(); ++c) {
      const auto& a = world.agents(c);
      std::map<std::uint32_t, std::vector<std::uint32_t>> members;
      for (std::uint32_t r = 0; r < a.size(); ++r) members[a.col(household)[r]].push_back(r);
      for (std::uint32_t r = 0; r < a.size(); ++r) {
        if (a.col(tenure)[r] != code(models::Tenure::homeless)) continue;
        ++homeless_checked;
        for (const std::uint32_t m : members[a.col(household)[r]]) {
          if (m == r || !housed(a.col(tenure)[m])) continue;
          EXPECT_TRUE(a.col(arrival)[m] == t || a.col(arrival)[r] == t)
              << "step " << t << ", city " << c << ": row " << r << " homeless, row " << m << " of the household housed";
        }
      }
    }
  }
  EXPECT_GT(homeless_checked, 100u);
}

// Asylum reception: the country's share of asylum seekers lives in the
// reception system (Italy 0.8 in Milan, Senegal 0 in Dakar), free and
// outside the market, and leaves it in the housing phase after the decision.
TEST(HousingMarket, AsylumSeekersLiveInReceptionUntilTheirDecision) {
  const ScenarioSpec spec = test::load(test::scenario_path("ci/four_cities.toml"), {"run.people_per_agent=20"});
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  const World& world = sim->world();
  const auto tenure = world.schema().find<std::uint8_t>(models::kTenureColumn);
  const std::size_t dakar = 1, milan = 2;
  ASSERT_EQ(world.geography().city(milan).name, "Milan");
  ASSERT_EQ(world.geography().city(dakar).name, "Dakar");
  const auto reception = code(models::Tenure::reception);
  const auto asylum = code(LegalStatus::asylum_seeker);
  const auto adult = [&](const AgentTable& a, std::size_t r) { return a.col(core::age_months)[r] >= 18 * 12; };
  // The asylum seekers present at the start (their status is set after the
  // housing) are taken in at the first step's housing phase.
  sim->step();
  double seekers = 0, received = 0;
  const auto& m = world.agents(milan);
  for (std::size_t r = 0; r < m.size(); ++r) {
    if (!adult(m, r)) continue;
    if (m.col(core::legal_status)[r] == asylum) {
      seekers += 1;
      received += m.col(tenure)[r] == reception;
    }
  }
  ASSERT_GT(seekers, 100);
  EXPECT_NEAR(received / seekers, 0.8, 4 * std::sqrt(0.8 * 0.2 / seekers));
  std::set<std::uint64_t> decided;  // adults in reception after their decision at the end of a step
  std::size_t left = 0, in_reception = 0;
  for (int t = 2; t <= 24; ++t) {
    sim->step();
    std::set<std::uint64_t> now;
    for (std::size_t c = 0; c < world.city_count(); ++c) {
      const auto& a = world.agents(c);
      for (std::size_t r = 0; r < a.size(); ++r) {
        if (a.col(tenure)[r] != reception) continue;
        ++in_reception;
        EXPECT_NE(c, dakar) << "reception in Dakar, whose country has none";
        const std::uint64_t id = a.col(core::id)[r];
        EXPECT_FALSE(decided.count(id)) << "step " << t << ": still in reception a step after the decision";
        if (adult(a, r) && a.col(core::legal_status)[r] != asylum) now.insert(id);
      }
    }
    for (const auto id : decided) left += !now.count(id);
    decided = now;
  }
  EXPECT_GT(in_reception, 1000u);
  EXPECT_GT(left, 0u) << "nobody decided left reception: the rule went unchecked";
}

TEST(HousingMarket, FloatCeilingTestsEqualDoubleTests) {
  // A float compared with a double threshold: the same answer in float
  // against the threshold's float ceiling, also for thresholds a float
  // cannot hold and for floats next to them.
  std::mt19937 gen(3);
  for (int i = 0; i < 20000; ++i) {
    const double threshold = std::uniform_real_distribution<double>(0.0, 3000.0)(gen) * (i % 3 == 0 ? 1.0 / 3.0 : 1.0);
    const float ceiling = models::float_ceiling(threshold);
    const float near = static_cast<float>(threshold);
    for (const float x : {near, std::nextafter(near, 0.0f), std::nextafter(near, 1e9f), ceiling,
                          std::nextafter(ceiling, 0.0f), 0.0f}) {
      ASSERT_EQ(static_cast<double>(x) < threshold, x < ceiling) << x << " vs " << threshold;
      ASSERT_EQ(static_cast<double>(x) >= threshold, x >= ceiling) << x << " vs " << threshold;
    }
  }
}

TEST(HousingMarket, VectorisedSurveyEqualsPlain) {
  // survey_tenure takes the AVX2 form only where cpu_has_avx2(); without it
  // both calls run the plain form and the comparison proves nothing.
  if (!cpu_has_avx2()) GTEST_SKIP() << "AVX2 not available on this CPU: the vectorised path cannot be compared";
  // Random agents of every tenure, some behind with the rent, some able to
  // afford formal housing; incomes and savings right at the thresholds too.
  std::mt19937 gen(5);
  const std::uint32_t n = 6001;
  const models::TenureTests tests{18 * 12, models::float_ceiling(612.37), models::float_ceiling(3 * 612.37),
                                  models::float_ceiling(2 * 612.37)};
  std::vector<std::uint64_t> id(n);
  std::vector<std::uint16_t> age(n);
  std::vector<std::uint8_t> employment(n), tenure(n);
  std::vector<float> income(n), savings(n);
  const std::array<float, 4> edges{tests.rent, tests.affordable, tests.deposit, std::nextafter(tests.rent, 0.0f)};
  for (std::uint32_t r = 0; r < n; ++r) {
    id[r] = 9 + 2ull * r;
    age[r] = static_cast<std::uint16_t>(gen() % 1200);
    employment[r] = static_cast<std::uint8_t>(gen() % 3);
    tenure[r] = static_cast<std::uint8_t>(gen() % models::kTenureCodes);  // provided housing too
    income[r] = gen() % 4 == 0 ? edges[gen() % 4] : std::uniform_real_distribution<float>(0.0f, 4000.0f)(gen);
    savings[r] = gen() % 4 == 0 ? edges[gen() % 4] : std::uniform_real_distribution<float>(0.0f, 2000.0f)(gen);
  }
  const models::TenureColumns columns{id.data(), age.data(), employment.data(), income.data(), savings.data(),
                                      tenure.data()};
  for (const std::uint32_t begin : {0u, 7u}) {
    std::array<std::int64_t, models::kTenureCodes> counts_plain{}, counts_fast{};
    test::RowList rows_plain(n), rows_fast(n);
    rows_plain.count =
        models::survey_tenure_plain(columns, tests, begin, n, counts_plain.data(), rows_plain.rows.data(), rows_plain.ids.data());
    rows_fast.count =
        models::survey_tenure(columns, tests, begin, n, counts_fast.data(), rows_fast.rows.data(), rows_fast.ids.data());
    test::expect_same_rows(rows_plain, rows_fast);
    EXPECT_EQ(counts_plain, counts_fast);
    // Every kind listed: beyond the unhoused and homeless (2 of 5), some
    // private tenants behind and some informal residents able to afford.
    std::size_t behind = 0, upgrading = 0;
    for (const std::uint32_t r : rows_plain.listed()) {
      behind += tenure[r] == code(models::Tenure::formal_private);
      upgrading += tenure[r] == code(models::Tenure::informal);
    }
    EXPECT_GT(behind, 10u);
    EXPECT_GT(upgrading, 10u);
    // Residents in provided housing are counted and never listed (the market does not house them).
    EXPECT_GT(counts_plain[code(models::Tenure::provided)], 0);
    for (const std::uint32_t r : rows_plain.listed()) EXPECT_NE(tenure[r], code(models::Tenure::provided));
  }
}

}  // namespace
}  // namespace mobsim
