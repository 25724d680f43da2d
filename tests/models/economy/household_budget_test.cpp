// The budget update: a hand-computed agent, and the vectorised kernel
// against the plain one on many random agents, bit for bit (the output must
// not depend on the processor).
#include "household_budget.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "avx2.hpp"
#include "shared_state.hpp"

namespace mobsim {
namespace {

struct Agents {
  std::vector<std::uint8_t> employment, legal, job, tenure;
  std::vector<std::uint16_t> age, arrival;
  std::vector<float> savings, income;
};

Agents random_agents(std::size_t n, std::uint32_t seed) {
  std::mt19937 gen(seed);
  Agents a;
  for (std::size_t i = 0; i < n; ++i) {
    a.employment.push_back(static_cast<std::uint8_t>(gen() % 3));
    a.legal.push_back(static_cast<std::uint8_t>(gen() % 9));  // every legal status
    a.job.push_back(a.employment.back() == code(Employment::employed) ? static_cast<std::uint8_t>(1 + gen() % 27) : 0);
    a.tenure.push_back(static_cast<std::uint8_t>(gen() % 5));
    a.age.push_back(static_cast<std::uint16_t>(gen() % 1200));
    // Present since the start (0), or arrived at some step up to 40.
    a.arrival.push_back(static_cast<std::uint16_t>(gen() % 2 ? 0 : gen() % 41));
    // Savings from zero to large, some just below what a month costs.
    a.savings.push_back(std::uniform_real_distribution<float>(0.0f, 5000.0f)(gen) * static_cast<float>(gen() % 2));
    a.income.push_back(-1.0f);
  }
  return a;
}

models::Incomes incomes_of(const Agents& a, bool with_jobs, bool with_tenure) {
  models::Incomes in;
  in.employment = a.employment;
  in.legal = a.legal;
  in.age = a.age;
  if (with_jobs) in.job = a.job;
  if (with_tenure) in.tenure = a.tenure;
  for (std::size_t k = 1; k < 28; ++k) in.wage_by_job[k] = 300.0f + 97.3f * static_cast<float>(k);
  in.rent_by_tenure = {0.0f, 612.5f, 301.25f, 150.1f, 0.0f};
  in.benefit = 410.7f;
  in.pension = 520.3f;
  in.fallback_wage = 900.0f;
  in.asylum_allowance = 233.3f;
  in.pension_age_months = 65 * 12;
  in.arrival = a.arrival;
  in.contributed_by_arrival_step = 20;  // step 32, a 12-month contribution period
  return in;
}

TEST(HouseholdBudget, HandComputedAgent) {
  Agents a = random_agents(1, 1);
  a.employment[0] = code(Employment::employed);
  a.job[0] = 4;
  a.tenure[0] = 1;  // formal private
  a.age[0] = 30 * 12;
  a.savings[0] = 1000.0f;
  const auto in = incomes_of(a, true, true);
  const models::BudgetStep step{18 * 12, 250.0f, 20.0f, 1.0f};
  models::update_budgets(in, step, a.savings.data(), a.income.data(), 0, 1);
  const float wage = 300.0f + 97.3f * 4.0f;
  EXPECT_EQ(a.income[0], wage);
  EXPECT_EQ(a.savings[0], 1000.0f + 20.0f + (wage - 250.0f - 612.5f) * 1.0f);
}

TEST(HouseholdBudget, BenefitsFollowLegalStatus) {
  // Unemployed adults: a resident with papers, one without, an asylum
  // seeker; and an asylum seeker out of the labour force.
  Agents a = random_agents(4, 3);
  a.employment = {code(Employment::unemployed), code(Employment::unemployed), code(Employment::unemployed),
                  code(Employment::inactive)};
  a.legal = {code(LegalStatus::permanent_resident), code(LegalStatus::irregular), code(LegalStatus::asylum_seeker),
             code(LegalStatus::asylum_seeker)};
  a.job = {0, 0, 0, 0};
  a.age = {30 * 12, 30 * 12, 30 * 12, 30 * 12};
  a.arrival = {0, 0, 0, 0};  // all present since the start: the contribution period is complete
  const auto in = incomes_of(a, true, false);
  models::update_budgets(in, models::BudgetStep{18 * 12, 250.0f, 0.0f, 1.0f}, a.savings.data(), a.income.data(), 0, 4);
  EXPECT_EQ(a.income[0], 410.7f);  // unemployment benefit
  EXPECT_EQ(a.income[1], 0.0f);    // services in kind only
  EXPECT_EQ(a.income[2], 233.3f);  // reception allowance, not the benefit
  EXPECT_EQ(a.income[3], 233.3f);
}

TEST(HouseholdBudget, SavingsNeverNegativeAndChildrenHaveNoBudget) {
  Agents a = random_agents(2, 2);
  a.employment = {code(Employment::inactive), code(Employment::employed)};
  a.job = {0, 1};
  a.tenure = {1, 1};
  a.age = {30 * 12, 10 * 12};
  a.legal = {code(LegalStatus::citizen), code(LegalStatus::citizen)};
  a.savings = {10.0f, 500.0f};
  const auto in = incomes_of(a, true, true);
  models::update_budgets(in, models::BudgetStep{18 * 12, 250.0f, 0.0f, 1.0f}, a.savings.data(), a.income.data(), 0, 2);
  EXPECT_EQ(a.savings[0], 0.0f);  // rent and living cost exceed savings: spending adjusts
  EXPECT_EQ(a.income[0], 0.0f);   // inactive before pension age
  EXPECT_EQ(a.savings[1], 0.0f);  // a child
  EXPECT_EQ(a.income[1], 0.0f);
}

TEST(HouseholdBudget, VectorisedKernelEqualsPlainBitForBit) {
  // update_budgets takes the AVX2 form only where cpu_has_avx2(); without it
  // both calls run the plain form and the comparison proves nothing.
  if (!cpu_has_avx2()) GTEST_SKIP() << "AVX2 not available on this CPU: the vectorised path cannot be compared";
  for (const bool with_jobs : {true, false})
    for (const bool with_tenure : {true, false})
      for (const std::uint32_t begin : {0u, 3u}) {
        const std::size_t n = 10'007;  // not a multiple of the vector width
        Agents plain = random_agents(n, 42), fast = random_agents(n, 42);
        const auto in_plain = incomes_of(plain, with_jobs, with_tenure);
        const auto in_fast = incomes_of(fast, with_jobs, with_tenure);
        for (const float months : {1.0f, 3.0f}) {
          const models::BudgetStep step{18 * 12, 233.3f, 12.5f, months};
          models::update_budgets_plain(in_plain, step, plain.savings.data(), plain.income.data(), begin,
                                       static_cast<std::uint32_t>(n));
          models::update_budgets(in_fast, step, fast.savings.data(), fast.income.data(), begin,
                                 static_cast<std::uint32_t>(n));
        }
        ASSERT_EQ(0, std::memcmp(plain.savings.data(), fast.savings.data(), n * sizeof(float)));
        ASSERT_EQ(0, std::memcmp(plain.income.data(), fast.income.data(), n * sizeof(float)));
        std::size_t zero_savings = 0, positive = 0;
        for (std::size_t i = begin; i < n; ++i) {
          zero_savings += plain.savings[i] == 0.0f;
          positive += plain.savings[i] > 0.0f;
        }
        EXPECT_GT(zero_savings, n / 10);  // the floor at zero is exercised
        EXPECT_GT(positive, n / 10);
      }
}

// The vectorised wage lookup (permutations of the table eight codes at a
// time) for every job code, tables of every length: the plain lookup's wage,
// and none for codes beyond the last wage.
TEST(HouseholdBudget, VectorisedWageLookupCoversEveryJobCode) {
  if (!cpu_has_avx2()) GTEST_SKIP() << "AVX2 not available on this CPU: the vectorised path cannot be compared";
  const std::size_t n = 64;
  Agents a = random_agents(n, 3);
  for (std::size_t r = 0; r < n; ++r) {
    a.employment[r] = code(Employment::employed);
    a.job[r] = static_cast<std::uint8_t>(r);
    a.age[r] = 40 * 12;
  }
  for (const std::size_t last : {1u, 7u, 8u, 9u, 27u, 40u, 63u}) {
    auto in = incomes_of(a, true, false);
    in.wage_by_job = {};
    for (std::size_t k = 1; k <= last; ++k) in.wage_by_job[k] = 100.0f + static_cast<float>(k);
    std::vector<float> plain(n, -1.0f), fast(n, -1.0f);
    models::adult_incomes_plain(in, 18 * 12, plain.data(), 0, static_cast<std::uint32_t>(n));
    models::adult_incomes(in, 18 * 12, fast.data(), 0, static_cast<std::uint32_t>(n));
    for (std::size_t r = 0; r < n; ++r) {
      EXPECT_EQ(fast[r], plain[r]) << "job code " << r << ", wages up to code " << last;
      EXPECT_EQ(plain[r], r >= 1 && r <= last ? 100.0f + static_cast<float>(r) : 0.0f) << "job code " << r;
    }
  }
}

TEST(HouseholdBudget, VectorisedIncomesEqualPlainBitForBit) {
  if (!cpu_has_avx2()) GTEST_SKIP() << "AVX2 not available on this CPU: the vectorised path cannot be compared";
  for (const bool with_jobs : {true, false}) {
    const std::size_t n = 10'007;
    Agents plain = random_agents(n, 7), fast = random_agents(n, 7);
    const auto in_plain = incomes_of(plain, with_jobs, true);
    const auto in_fast = incomes_of(fast, with_jobs, true);
    // Rows [3, n) into income[0, n - 3): the output starts at the first row.
    models::adult_incomes_plain(in_plain, 18 * 12, plain.income.data(), 3, static_cast<std::uint32_t>(n));
    models::adult_incomes(in_fast, 18 * 12, fast.income.data(), 3, static_cast<std::uint32_t>(n));
    ASSERT_EQ(0, std::memcmp(plain.income.data(), fast.income.data(), n * sizeof(float)));
    std::size_t earning = 0;
    for (std::uint32_t r = 3; r < n; ++r) {
      EXPECT_EQ(plain.income[r - 3], plain.age[r] >= 18 * 12 ? in_plain.monthly(r) : 0.0f) << "row " << r;
      earning += plain.income[r - 3] > 0.0f;
    }
    EXPECT_GT(earning, n / 10);
    for (std::size_t i = n - 3; i < n; ++i) EXPECT_EQ(plain.income[i], -1.0f) << "beyond the rows asked for";
  }
}

TEST(HouseholdBudget, BenefitOnlyAfterTheContributionPeriod) {
  Agents a = random_agents(3, 5);
  for (std::size_t i = 0; i < 3; ++i) {
    a.employment[i] = code(Employment::unemployed);
    a.legal[i] = code(LegalStatus::permanent_resident);
    a.age[i] = 30 * 12;
  }
  a.job = {0, 0, 0};
  a.arrival = {0, 20, 21};  // present since the start; arrived 12 months before step 32; 11 months before
  const auto in = incomes_of(a, true, true);
  EXPECT_FLOAT_EQ(in.monthly(0), in.benefit);
  EXPECT_FLOAT_EQ(in.monthly(1), in.benefit);
  EXPECT_EQ(in.monthly(2), 0.0f);
}

}  // namespace
}  // namespace mobsim
