#pragma once
// The monthly budget of households: members living together pool their
// income, pay their living costs by an equivalence scale and their
// dwelling's rent together; what is left is saved by the adults who earned
// it, a shortfall is drawn from the adults' savings in proportion to what
// each holds (tested in tests/models/population/households_test.cpp).
#include <cstdint>
#include <span>

#include "household_budget.hpp"
#include "household_groups.hpp"

namespace mobsim::models {

// Living costs of a household: the city's living cost of a single adult
// times 1 + additional_adult x (adults - 1) + child x children (the
// OECD-modified scale with 0.5 and 0.3), or child x children alone where no
// adult is left.
struct EquivalenceScale {
  float additional_adult = 0.5f;
  float child = 0.3f;
  // By arithmetic, not a branch, so that loops over households vectorise.
  float of(float adults, float children) const {
    return static_cast<float>(adults > 0.0f) * (1.0f + additional_adult * (adults - 1.0f)) + child * children;
  }
};

// All rows of one city (whose own households have serials below
// serial_limit): income = each adult's own earnings (children 0), worked
// out from `in` (stored in income_out where it is given).
// For each household, net = (earnings of its adults - living x scale -
// rent of the members' tenures) x months. Each adult first adds `received`;
// then a surplus goes to the adults in proportion to their earnings (equally
// where none earns), a shortfall reduces every adult's savings by the same
// share (to zero when it exceeds them all). Children hold nothing. A row
// without a household (kNoHousehold) is a household of its own. The
// households' outcomes and the members' savings are computed eight at a
// time where the processor has AVX2 (vectorised: false keeps them plain,
// for the test that compares them; the results are the same bit for bit).
struct HouseholdTally {
  std::size_t households = 0;      // with a number
  std::size_t persons = 0;         // in them
  std::size_t short_of_costs = 0;  // households (alone included) whose net was negative
  // Persons (alone included) in households whose income per adult
  // equivalent fell below the living cost (rent not deducted): the poverty
  // headcount of surveys, whose lines price housing among non-food needs.
  std::size_t below_living_cost = 0;
};
HouseholdTally pool_household_budgets(const Incomes& in, const BudgetStep& step, const EquivalenceScale& scale,
                                      std::span<const std::uint32_t> household, std::size_t city,
                                      const HouseholdNumbers& numbers, std::uint32_t serial_limit, float* savings,
                                      float* income_out = nullptr, bool vectorised = true);

}  // namespace mobsim::models
