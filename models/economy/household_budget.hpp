#pragma once
// The monthly budget update, the one pass every agent takes every step
// (tested against its plain form in tests/models/economy/household_budget_test.cpp).
#include <array>
#include <cstdint>
#include <span>

#include "agents.hpp"
#include "shared_state.hpp"

namespace mobsim::models {

// Everything an agent's income and rent depend on in one city, fetched once
// per chunk; lookups by code instead of branches.
struct Incomes {
  std::span<const std::uint8_t> employment, legal, job, tenure;  // job, tenure: empty without those models
  std::span<const std::uint16_t> age;
  // Step of arrival in the city (0: present since the start, born here or
  // arrived from the hinterland); empty without a legal status model.
  std::span<const std::uint16_t> arrival;
  // Unemployment benefit needs a contribution period: those who arrived
  // after this step have not yet completed it (arrival 0 always has).
  int contributed_by_arrival_step = 1 << 20;
  std::array<float, 64> wage_by_job{};    // [job code]: 0 for no job
  std::array<float, kTenureCodes> rent_by_tenure{};  // [tenure code]: 0 unhoused, homeless or in reception
  float benefit = 0, pension = 0, fallback_wage = 0, asylum_allowance = 0;
  int pension_age_months = 0;

  // Unemployment benefit goes to the unemployed with papers other than
  // asylum seekers who have completed the contribution period: residents
  // without papers get services in kind (health care, schooling, shelter;
  // not income), asylum seekers out of work the reception allowance instead.
  float monthly(std::uint32_t r) const {
    const std::uint8_t e = employment[r];
    const float wage = earned(r);
    const bool asylum = legal[r] == code(LegalStatus::asylum_seeker);
    const bool contributed =
        arrival.empty() || arrival[r] == 0 || static_cast<int>(arrival[r]) <= contributed_by_arrival_step;
    const float entitled = static_cast<float>((legal[r] != code(LegalStatus::irregular)) & !asylum & contributed);
    const float benefits = static_cast<float>(e == code(Employment::unemployed)) * entitled * benefit;
    const float reception = static_cast<float>(asylum & (e != code(Employment::employed))) * asylum_allowance;
    const float old_age = static_cast<float>((e == code(Employment::inactive)) & (age[r] >= pension_age_months)) * pension;
    return wage + benefits + reception + old_age;
  }
  // What row r earns from work: its job's wage (0 without a job), or the
  // fallback wage for the employed where there is no job column. For the
  // employed this is their whole income (monthly adds nothing to it).
  float earned(std::uint32_t r) const {
    return job.empty() ? (employment[r] == code(Employment::employed)) * fallback_wage : wage_by_job[job[r]];
  }
  float rent(std::uint32_t r) const { return tenure.empty() ? 0.0f : rent_by_tenure[tenure[r]]; }
};

struct BudgetStep {
  int adult_months = 0;
  float living = 0;       // EUR per month
  float received = 0;     // remittances saved, per adult (EUR)
  float step_months = 1;
};

// Rows [begin, end): income = earnings of adults (stored where income is
// not null); savings += received + (earnings - living - rent) x months,
// never below zero; children 0.
void update_budgets_plain(const Incomes& in, const BudgetStep& step, float* savings, float* income,
                          std::uint32_t begin, std::uint32_t end);

// The same results, eight agents at a time where the processor has AVX2.
void update_budgets(const Incomes& in, const BudgetStep& step, float* savings, float* income, std::uint32_t begin,
                    std::uint32_t end);

// Rows [begin, end): income[r - begin] = Incomes::monthly of row r for
// adults, 0 for children (plain, and eight at a time with AVX2; the same
// results).
void adult_incomes_plain(const Incomes& in, int adult_months, float* income, std::uint32_t begin, std::uint32_t end);
void adult_incomes(const Incomes& in, int adult_months, float* income, std::uint32_t begin, std::uint32_t end);

}  // namespace mobsim::models
