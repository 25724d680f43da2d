// Households: the initial households have each city's mean size and put
// children with a head old enough to be their parent; members sit side by
// side; newborns join their mother's household; the mean size holds over
// the years; members pool their budget by the equivalence scale.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <random>
#include <set>

#include "avx2.hpp"
#include "household_groups.hpp"
#include "household_pooling.hpp"
#include "support.hpp"

namespace mobsim {
namespace {

using models::kHouseholdColumn;

struct Member {
  int age_months;
  bool female;
};

std::map<std::uint32_t, std::vector<Member>> households_of(const AgentTable& a, Column<std::uint32_t> household) {
  std::map<std::uint32_t, std::vector<Member>> out;
  for (std::size_t r = 0; r < a.size(); ++r)
    out[a.col(household)[r]].push_back(
        {a.col(core::age_months)[r], a.col(core::sex)[r] == code(Sex::female)});
  return out;
}

TEST(Households, InitialHouseholdsHaveTheCitysMeanSize) {
  const ScenarioSpec spec = test::load(test::scenario_path("ci/four_cities.toml"), {"run.people_per_agent=100"});
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  const World& world = sim->world();
  const auto household = world.schema().find<std::uint32_t>(kHouseholdColumn);
  for (std::size_t c = 0; c < world.city_count(); ++c) {
    const std::string& name = world.geography().city(c).name;
    SCOPED_TRACE(name);
    const AgentTable& a = world.agents(c);
    const auto groups = households_of(a, household);
    ASSERT_EQ(groups.count(models::kNoHousehold), 0u);
    const double size = test::entry_of(spec, "cities", name).real("persons_per_dwelling");
    EXPECT_EQ(static_cast<double>(groups.size()), std::round(static_cast<double>(a.size()) / size));
    // Members are neighbours: the household number never returns once left.
    std::set<std::uint32_t> seen;
    for (std::size_t r = 0; r < a.size(); ++r)
      if (r == 0 || a.col(household)[r] != a.col(household)[r - 1]) {
        EXPECT_TRUE(seen.insert(a.col(household)[r]).second);
      }
    // Every household has an adult; nearly every child lives with an adult
    // 18 to 45 years older (the others where no head of that age exists).
    std::size_t children = 0, with_parent_age = 0;
    for (const auto& [h, members] : groups) {
      EXPECT_TRUE(std::any_of(members.begin(), members.end(), [](const Member& m) { return m.age_months >= 216; }));
      for (const Member& child : members) {
        if (child.age_months >= 216) continue;
        ++children;
        with_parent_age += std::any_of(members.begin(), members.end(), [&](const Member& m) {
          const int gap = m.age_months / 12 - child.age_months / 12;
          return gap >= 18 && gap <= 45;
        });
      }
    }
    ASSERT_GT(children, 100u);
    EXPECT_GT(static_cast<double>(with_parent_age) / static_cast<double>(children), 0.97);
  }
}

TEST(Households, NewbornsJoinTheirMothersHousehold) {
  const ScenarioSpec spec = test::load(test::scenario_path("ci/four_cities.toml"),
                                       {"run.people_per_agent=100", "models.migration=none",
                                        "models.international=none", "models.hinterland=none",
                                        "models.outflows=none"});
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  sim->step();
  const World& world = sim->world();
  const auto household = world.schema().find<std::uint32_t>(kHouseholdColumn);
  std::size_t newborns = 0;
  for (std::size_t c = 0; c < world.city_count(); ++c) {
    const AgentTable& a = world.agents(c);
    const auto groups = households_of(a, household);
    for (std::size_t r = 0; r < a.size(); ++r) {
      if (!world.created_this_step(a.col(core::id)[r])) continue;
      ++newborns;
      const auto& members = groups.at(a.col(household)[r]);
      EXPECT_TRUE(std::any_of(members.begin(), members.end(), [](const Member& m) {
        return m.female && m.age_months >= 15 * 12 && m.age_months < 50 * 12;
      })) << "a newborn's household has no woman of fertile age";
    }
  }
  EXPECT_GT(newborns, 50u);
}

TEST(Households, TheMeanSizeHoldsOverTheYears) {
  const ScenarioSpec spec =
      test::load(test::scenario_path("ci/four_cities.toml"), {"run.people_per_agent=100", "run.duration_months=60"});
  const auto run = test::run_in_memory(spec);
  for (std::size_t c = 0; c < run.cities.size(); ++c) {
    SCOPED_TRACE(run.cities[c]);
    const double size = test::entry_of(spec, "cities", run.cities[c]).real("persons_per_dwelling");
    EXPECT_NEAR(run.at("persons_per_household", 0, 0, c), size, 0.01 * size);
    EXPECT_NEAR(run.at("persons_per_household", 0, 60, c), size, 0.03 * size);
    // Households are counted at the step's budget: the step's newcomers and
    // those who left since are the difference from the population.
    const double in_households = run.at("households", 0, 60, c) * run.at("persons_per_household", 0, 60, c);
    EXPECT_NEAR(in_households, run.at("population", 0, 60, c), 0.01 * run.at("population", 0, 60, c));
  }
}

// Two adults (one employed), a child, and a resident with no household.
struct Pooled {
  std::vector<std::uint8_t> employment{code(Employment::employed), code(Employment::inactive),
                                       code(Employment::inactive), code(Employment::employed)};
  std::vector<std::uint8_t> legal = std::vector<std::uint8_t>(4, code(LegalStatus::citizen));
  std::vector<std::uint16_t> age{40 * 12, 38 * 12, 6 * 12, 30 * 12};
  std::vector<std::uint32_t> household;
  std::vector<float> savings{100, 20, 0, 50}, income = std::vector<float>(4, 0);
  models::HouseholdNumbers numbers{4};
  models::Incomes in;
  Pooled() {
    household = {numbers.make(1, 7), numbers.make(1, 7), numbers.make(1, 7), models::kNoHousehold};
    in.employment = employment;
    in.legal = legal;
    in.age = age;
    in.fallback_wage = 1000;
    in.pension_age_months = 1 << 20;
  }
  models::HouseholdTally run(float living, float received = 0) {
    return models::pool_household_budgets(in, models::BudgetStep{18 * 12, living, received, 1.0f},
                                          models::EquivalenceScale{}, household, 1, numbers, 8, savings.data(),
                                          income.data());
  }
};

TEST(Households, MembersPoolIncomeAndPayByTheEquivalenceScale) {
  Pooled p;
  p.run(400, 10);
  // Net 1000 - 400 x (1 + 0.5 + 0.3) = 280, all to the one adult who earned.
  EXPECT_FLOAT_EQ(p.savings[0], 100.0f + 10.0f + 280.0f);
  EXPECT_FLOAT_EQ(p.savings[1], 20.0f + 10.0f);
  EXPECT_EQ(p.savings[2], 0.0f);
  EXPECT_EQ(p.income[0], 1000.0f);
  EXPECT_EQ(p.income[1], 0.0f);
  // Alone: 50 + 10 + 1000 - 400.
  EXPECT_FLOAT_EQ(p.savings[3], 660.0f);
}

TEST(Households, AShortfallIsDrawnFromEveryAdultsSavingsAlike) {
  Pooled p;
  // Net 1000 - 600 x 1.8 = -80 against savings 100 + 20: each keeps 40 / 120.
  p.run(600);
  EXPECT_NEAR(p.savings[0], 100.0 * 40.0 / 120.0, 1e-3);
  EXPECT_NEAR(p.savings[1], 20.0 * 40.0 / 120.0, 1e-3);
  EXPECT_EQ(p.savings[2], 0.0f);
}

TEST(Households, ThePovertyHeadcountCountsPersonsBelowTheLinePerAdultEquivalent) {
  // The household of three has 1000 for 1.8 adult equivalents: 555.6 each.
  // The one alone has 1000 for 1. Rent is not deducted (no tenure here).
  Pooled p;
  EXPECT_EQ(p.run(555).below_living_cost, 0u);
  EXPECT_EQ(p.run(556).below_living_cost, 3u);  // the three members, the child included
  EXPECT_EQ(p.run(1001).below_living_cost, 4u);
  // Without anyone in work, everyone is below any positive line.
  p.employment = {code(Employment::inactive), code(Employment::inactive), code(Employment::inactive),
                  code(Employment::unemployed)};
  p.in.employment = p.employment;
  EXPECT_EQ(p.run(1).below_living_cost, 4u);
}

TEST(Households, PooledSavingsNeverFallBelowZero) {
  Pooled p;
  p.run(5000);
  for (const float s : p.savings) EXPECT_EQ(s, 0.0f);
}

TEST(Households, VectorisedPoolingEqualsPlainBitForBit) {
  if (!cpu_has_avx2()) GTEST_SKIP() << "AVX2 not available on this CPU: the vectorised path cannot be compared";
  const std::size_t n = 20'011;
  const models::HouseholdNumbers numbers(24);
  std::vector<std::uint8_t> employment(n), legal(n), job(n), tenure(n);
  std::vector<std::uint16_t> age(n);
  std::vector<std::uint32_t> household(n);
  std::vector<float> savings(n);
  std::uint32_t serial = 0, left = 0;
  std::uint64_t x = 12345;
  const auto next = [&] { return x = x * 6364136223846793005ull + 1442695040888963407ull, static_cast<std::uint32_t>(x >> 33); };
  for (std::size_t r = 0; r < n; ++r) {
    if (left == 0) left = 1 + next() % 6, ++serial;
    --left;
    const std::uint32_t kind = next() % 100;
    // Mostly own households in runs; some newcomers without one, some
    // households formed in another city, some members out of their run.
    household[r] = kind < 3 ? models::kNoHousehold
                   : kind < 6 ? numbers.make(7, 1 + next() % 50)
                   : kind < 9 ? numbers.make(2, 1 + next() % serial)
                              : numbers.make(2, serial);
    age[r] = static_cast<std::uint16_t>(next() % (80 * 12));
    employment[r] = static_cast<std::uint8_t>(next() % 3);
    job[r] = employment[r] == code(Employment::employed) ? static_cast<std::uint8_t>(1 + next() % 30) : 0;
    legal[r] = static_cast<std::uint8_t>(next() % 9);
    tenure[r] = static_cast<std::uint8_t>(next() % 5);
    savings[r] = next() % 2 ? 0.0f : static_cast<float>(next() % 5000) / 3.0f;
  }
  models::Incomes in;
  in.employment = employment;
  in.legal = legal;
  in.age = age;
  in.job = job;
  in.tenure = tenure;
  for (std::size_t j = 1; j < in.wage_by_job.size(); ++j) in.wage_by_job[j] = 40.0f + 7.5f * static_cast<float>(j);
  in.rent_by_tenure = {0.0f, 61.0f, 23.0f, 7.0f, 0.0f};
  in.benefit = 35.0f;
  in.pension = 55.0f;
  in.asylum_allowance = 30.0f;
  in.pension_age_months = 65 * 12;
  std::vector<float> plain_savings = savings, fast_savings = savings, plain_income(n), fast_income(n);
  const models::BudgetStep step{18 * 12, 97.3f, 2.5f, 1.0f};
  const auto plain = models::pool_household_budgets(in, step, models::EquivalenceScale{}, household, 2, numbers,
                                                    serial + 1, plain_savings.data(), plain_income.data(), false);
  const auto fast = models::pool_household_budgets(in, step, models::EquivalenceScale{}, household, 2, numbers,
                                                   serial + 1, fast_savings.data(), fast_income.data(), true);
  ASSERT_EQ(0, std::memcmp(plain_savings.data(), fast_savings.data(), n * sizeof(float)));
  ASSERT_EQ(0, std::memcmp(plain_income.data(), fast_income.data(), n * sizeof(float)));
  EXPECT_EQ(plain.households, fast.households);
  EXPECT_EQ(plain.short_of_costs, fast.short_of_costs);
  EXPECT_EQ(plain.below_living_cost, fast.below_living_cost);
  EXPECT_GT(plain.below_living_cost, n / 20);  // the headcount is exercised
  EXPECT_LT(plain.below_living_cost, n);
  std::size_t saving = 0, emptied = 0;
  for (std::size_t r = 0; r < n; ++r) {
    saving += plain_savings[r] > savings[r];
    emptied += savings[r] > 0 && plain_savings[r] == 0;
  }
  EXPECT_GT(saving, n / 20);   // surpluses are exercised
  EXPECT_GT(emptied, n / 50);  // and shortfalls that empty savings
}

TEST(Households, NumbersNameTheirCityAndSerial) {
  const models::HouseholdNumbers numbers(24);
  const std::uint32_t h = numbers.make(23, 123456);
  EXPECT_EQ(numbers.city_of(h), 23u);
  EXPECT_EQ(numbers.serial_of(h), 123456u);
  EXPECT_EQ(h - numbers.base_of(23), 123456u);
  EXPECT_NE(numbers.make(0, 1), models::kNoHousehold);
  EXPECT_THROW(numbers.make(1, numbers.max_serial() + 1), std::runtime_error);
}

// rows_of_households (eight rows at a time with AVX2, the rest one by one)
// against a plain search, on random numbers with many sharing a filter bit
// (numbers 2^16 apart), lengths that do not fill a block, and kNoHousehold.
TEST(RowsOfHouseholds, FindsExactlyEachWantedHouseholdsRowsInOrder) {
  std::mt19937 gen(11);
  for (int trial = 0; trial < 50; ++trial) {
    const std::size_t n = 1 + gen() % 3000;
    std::vector<std::uint32_t> household(n);
    for (auto& h : household) h = gen() % 5 == 0 ? models::kNoHousehold : (gen() % 200) + (gen() % 4) * 65536u;
    std::vector<std::uint32_t> wanted{models::kNoHousehold};
    for (int k = 0; k < 20; ++k) wanted.push_back((gen() % 220) + (gen() % 4) * 65536u);
    const auto found = models::rows_of_households(household, wanted);
    std::map<std::uint32_t, std::vector<std::uint32_t>> expected;
    for (const std::uint32_t w : wanted)
      if (w != models::kNoHousehold) expected[w];
    for (std::uint32_t r = 0; r < n; ++r)
      if (expected.count(household[r])) expected[household[r]].push_back(r);
    ASSERT_EQ(found.size(), expected.size()) << "trial " << trial;
    for (const auto& [h, rows] : expected) {
      ASSERT_TRUE(found.count(h)) << h;
      EXPECT_EQ(found.at(h), rows) << "household " << h << ", trial " << trial;
    }
  }
}

}  // namespace
}  // namespace mobsim
