// Households: the initial households have each city's mean size and put
// children with a head old enough to be their parent; members sit side by
// side; newborns join their mother's household; the mean size holds over
// the years; members pool their budget by the equivalence scale.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

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
  void run(float living, float received = 0) {
    models::pool_household_budgets(in, models::BudgetStep{18 * 12, living, received, 1.0f}, models::EquivalenceScale{},
                                   household, 1, numbers, 8, savings.data(), income.data());
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

TEST(Households, PooledSavingsNeverFallBelowZero) {
  Pooled p;
  p.run(5000);
  for (const float s : p.savings) EXPECT_EQ(s, 0.0f);
}

TEST(Households, NumbersNameTheirCityAndSerial) {
  const models::HouseholdNumbers numbers(24);
  const std::uint32_t h = numbers.make(23, 123456);
  EXPECT_EQ(numbers.city_of(h), 23u);
  EXPECT_EQ(numbers.serial_of(h), 123456u);
  EXPECT_NE(numbers.make(0, 1), models::kNoHousehold);
  EXPECT_THROW(numbers.make(1, numbers.max_serial() + 1), std::runtime_error);
}

}  // namespace
}  // namespace mobsim
