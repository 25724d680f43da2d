// The households of a city are summed in an array indexed by their serial
// (those the city formed itself; a hash map gives the others slots after
// them), so that no pass branches on where one household ends and the next
// begins: every row adds into its household's entry and later reads its
// outcome from it. Sums are taken in row order, one city per thread, so the
// results do not depend on the number of threads.
#include "household_pooling.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace mobsim::models {

namespace {

// A household's sums over its members (16 bytes, so that a city's
// households stay in cache), then, in place, its outcome.
struct Pool {
  float adults_earned = 0, rent = 0, savings = 0;  // outcome: surplus per EUR earned, per adult; savings kept
  std::uint32_t members = 0;                       // adults + kChild x children
};
constexpr std::uint32_t kChild = 1u << 16;
constexpr float kCent = 0.01f;
constexpr float kTiny = 1e-30f;  // a divisor's floor where the quotient is then multiplied by 0

}  // namespace

HouseholdTally pool_household_budgets(const Incomes& in, const BudgetStep& step, const EquivalenceScale& scale,
                                      std::span<const std::uint32_t> household, std::size_t city,
                                      const HouseholdNumbers& numbers, std::uint32_t serial_limit, float* savings,
                                      float* income) {
  // Plain references: every use of a thread_local itself goes through its
  // initialisation guard, which keeps the loops below from being optimised.
  thread_local std::vector<Pool> tls_pools;
  thread_local std::unordered_map<std::uint32_t, std::uint32_t> tls_others;
  std::vector<Pool>& pools = tls_pools;
  std::unordered_map<std::uint32_t, std::uint32_t>& others = tls_others;
  const auto n = static_cast<std::uint32_t>(household.size());
  adult_incomes(in, step.adult_months, income, 0, n);

  // Slots: serial for the city's own households (0 is kNoHousehold's), then
  // one per other household in the order first met.
  const HouseholdNumbers local = numbers;  // by value: stores below cannot alias it
  others.clear();
  std::uint32_t slots = std::max(serial_limit, 1u);
  pools.assign(slots, Pool{});
  const std::uint32_t limit = slots;
  // The fast path inline; households of other cities (rare) through a call.
  const auto other_slot = [&](std::uint32_t h) __attribute__((noinline)) -> std::uint32_t {
    if (local.city_of(h) == city) throw std::logic_error("a household serial beyond the city's count");
    if (h == kNoHousehold) return 0;
    const auto [it, added] = others.try_emplace(h, slots);
    if (added) {
      ++slots;
      pools.emplace_back();
    }
    return it->second;
  };
  const auto slot_of = [&](std::uint32_t h) -> std::uint32_t {
    const std::uint32_t serial = local.serial_of(h);
    if ((local.city_of(h) == city) & (serial < limit)) [[likely]]
      return serial;
    return other_slot(h);
  };

  const auto living = static_cast<float>(step.living), months = static_cast<float>(step.step_months);
  const auto received = static_cast<float>(step.received);
  HouseholdTally tally;
  for (std::uint32_t r = 0; r < n; ++r) {
    const bool adult = in.age[r] >= step.adult_months;
    const float rent = in.rent(r);
    if (household[r] == kNoHousehold) {
      // A household of one.
      const float net = income[r] - living * scale.of(adult ? 1 : 0, adult ? 0 : 1) - rent;
      const float balance = savings[r] + (adult ? received : 0.0f) + net * months;
      tally.short_of_costs += net < 0;
      savings[r] = adult & (balance >= kCent) ? balance : 0.0f;
      continue;
    }
    // Without a branch on age (adults and children are mixed at random);
    // a child's income and savings are 0.
    Pool& p = pools[slot_of(household[r])];
    p.rent += rent;
    p.adults_earned += income[r];
    p.savings += savings[r];
    p.members += 1u + (kChild - 1u) * static_cast<std::uint32_t>(!adult);
  }

  // Each household's outcome, in place: adults_earned becomes the surplus
  // per EUR earned, rent the surplus per adult (where no adult earns),
  // savings the share of savings kept (received remittances included).
  for (std::uint32_t k = 1; k < slots; ++k) {
    Pool& p = pools[k];
    const std::uint32_t adults = p.members & (kChild - 1), children = p.members >> 16;
    tally.households += p.members > 0;
    tally.persons += adults + children;
    const float net = (p.adults_earned - living * scale.of(adults, children) - p.rent) * months;
    const float held = p.savings + received * static_cast<float>(adults);
    tally.short_of_costs += (p.members > 0) & (net < 0);
    // Selections by arithmetic, not branches: surpluses and shortfalls are
    // mixed at random across households.
    const bool surplus = net >= 0, earners = p.adults_earned > 0;
    const float per_earned =
        static_cast<float>(surplus & earners) * (net / std::max(p.adults_earned, kTiny));
    const float per_adult = static_cast<float>(surplus & !earners & (adults > 0)) *
                            (net / static_cast<float>(std::max(adults, 1u)));
    const float shortfall_kept = std::max(0.0f, (held + net) / std::max(held, kTiny));
    const float kept = shortfall_kept + static_cast<float>(surplus) * (1.0f - shortfall_kept);
    p.adults_earned = per_earned;
    p.rent = per_adult;
    p.savings = kept;
  }

  for (std::uint32_t r = 0; r < n; ++r) {
    if (household[r] == kNoHousehold) continue;
    const Pool& o = pools[slot_of(household[r])];
    const float after = (savings[r] + received) * o.savings + o.adults_earned * income[r] + o.rent;
    // Below a cent is nothing: repeated shortfalls would otherwise shrink
    // savings into subnormal floats, whose arithmetic is many times slower.
    const auto keeps = static_cast<float>((in.age[r] >= step.adult_months) & (after >= kCent));
    savings[r] = std::max(after, 0.0f) * keeps;
  }
  return tally;
}

}  // namespace mobsim::models
