// The households of a city are summed in arrays indexed by their serial
// (those the city formed itself; a hash map gives the others slots after
// them), so that no pass branches on where one household ends and the next
// begins: every row adds into its household's entries and later reads its
// outcome from them. The arrays are separate (structure of arrays), so the
// households' outcomes are computed eight at a time. Sums are taken in row
// order, one city per thread, so the results do not depend on the number of
// threads.
#include "household_pooling.hpp"
#include "avx2.hpp"
#include "parallel.hpp"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace mobsim::models {

namespace {

constexpr std::uint32_t kChild = 1u << 16;
constexpr float kCent = 0.01f;
constexpr float kTiny = 1e-30f;  // a divisor's floor where the quotient is then not used

// Each household's sums over its members, then, in place, its outcome:
// earned (by its adults) becomes the surplus per EUR earned, rent the
// surplus per adult (where no adult earns), savings the share of savings
// kept (received remittances included).
struct Pools {
  std::vector<float> earned, rent, savings;
  std::vector<std::uint32_t> members;  // adults + kChild x children
  void assign(std::size_t n) {
    earned.assign(n, 0.0f);
    rent.assign(n, 0.0f);
    savings.assign(n, 0.0f);
    members.assign(n, 0u);
  }
  void add_slot() {
    earned.push_back(0.0f);
    rent.push_back(0.0f);
    savings.push_back(0.0f);
    members.push_back(0u);
  }
};

struct Settled {
  std::size_t households = 0, persons = 0, short_of_costs = 0;
};

// Slots [1, count): selections by arithmetic, not branches (surpluses and
// shortfalls are mixed at random across households), so the loop
// vectorises.
MOBSIM_VECTOR_KERNEL Settled settle(float* earned, float* rent, float* savings, const std::uint32_t* members,
                                    std::uint32_t count, float living, float months, float received,
                                    const EquivalenceScale& scale) {
  // 32-bit counts (a city has far fewer than 2^32 households and persons),
  // so that every lane is 32 bits wide.
  std::uint32_t households = 0, persons = 0, short_of_costs = 0;
  for (std::uint32_t k = 1; k < count; ++k) {
    const std::uint32_t m = members[k];
    const std::uint32_t adults = m & (kChild - 1), children = m >> 16;
    const auto a = static_cast<float>(adults);
    const auto any_adult = static_cast<float>(adults > 0);
    const float e = earned[k];
    const float net = (e - living * scale.of(adults, children) - rent[k]) * months;
    const float held = savings[k] + received * a;
    // Every quotient is finite (divisors floored), so a 0 mask yields 0.
    const auto surplus = static_cast<float>(net >= 0.0f), earners = static_cast<float>(e > 0.0f);
    const float per_earned = net / std::max(e, kTiny);
    const float per_adult = net / std::max(a, 1.0f);
    const float shortfall_kept = std::max(0.0f, (held + net) / std::max(held, kTiny));
    earned[k] = surplus * earners * per_earned;
    rent[k] = surplus * (1.0f - earners) * any_adult * per_adult;
    savings[k] = surplus + (1.0f - surplus) * shortfall_kept;
    households += m > 0;
    persons += adults + children;
    short_of_costs += (m > 0) & (net < 0.0f);
  }
  return Settled{households, persons, short_of_costs};
}

// The last pass: each adult's savings from its household's outcome. Below a
// cent is nothing: repeated shortfalls would otherwise shrink savings into
// subnormal floats, whose arithmetic is many times slower. max(0, x) gives 0
// for NaN and -0, as the vector maximum does.
struct Apply {
  const float* income;
  const std::uint16_t* age;
  int adult_months;
  float received;
  const Pools* pools;
  float row(std::uint32_t slot, float saved, std::uint32_t r) const {
    const float after = (saved + received) * pools->savings[slot] + pools->earned[slot] * income[r] + pools->rent[slot];
    const auto keeps = static_cast<float>((age[r] >= adult_months) & (after >= kCent));
    return std::max(0.0f, after) * keeps;
  }
};

#if defined(__x86_64__)
// Eight rows at a time where all eight belong to households the city formed
// (slot = serial below `limit`); returns the first row not done. The same
// operations in the same order as Apply::row, lane by lane.
__attribute__((target("avx2"))) std::uint32_t apply_avx2(const Apply& a, const std::uint32_t* household,
                                                         std::uint32_t city, int serial_bits, std::uint32_t limit,
                                                         float* savings, std::uint32_t begin, std::uint32_t end) {
  const __m128i shift = _mm_cvtsi32_si128(serial_bits);
  const __m256i serial_mask = _mm256_set1_epi32(static_cast<int>((1u << serial_bits) - 1u));
  const __m256i own_city = _mm256_set1_epi32(static_cast<int>(city));
  const __m256i below = _mm256_set1_epi32(static_cast<int>(limit));
  const __m256i zero_i = _mm256_setzero_si256();
  const __m256i adult_below = _mm256_set1_epi32(a.adult_months - 1);
  const __m256 received = _mm256_set1_ps(a.received), cent = _mm256_set1_ps(kCent);
  const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1.0f);
  const float* per_earned_of = a.pools->earned.data();
  const float* per_adult_of = a.pools->rent.data();
  const float* kept_of = a.pools->savings.data();
  std::uint32_t r = begin;
  for (; r + 8 <= end; r += 8) {
    const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(household + r));
    const __m256i serial = _mm256_and_si256(h, serial_mask);
    // Own household: its city, a serial in range, not kNoHousehold (serial 0).
    const __m256i own = _mm256_and_si256(
        _mm256_and_si256(_mm256_cmpeq_epi32(_mm256_srl_epi32(h, shift), own_city), _mm256_cmpgt_epi32(below, serial)),
        _mm256_cmpgt_epi32(serial, zero_i));
    if (_mm256_movemask_ps(_mm256_castsi256_ps(own)) != 0xFF) break;
    const __m256 per_earned = _mm256_i32gather_ps(per_earned_of, serial, 4);
    const __m256 per_adult = _mm256_i32gather_ps(per_adult_of, serial, 4);
    const __m256 kept = _mm256_i32gather_ps(kept_of, serial, 4);
    const __m256 saved = _mm256_loadu_ps(savings + r);
    const __m256 income = _mm256_loadu_ps(a.income + r);
    const __m256 after = _mm256_add_ps(
        _mm256_add_ps(_mm256_mul_ps(_mm256_add_ps(saved, received), kept), _mm256_mul_ps(per_earned, income)),
        per_adult);
    const __m256i age =
        _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a.age + r)));
    const __m256 adult = _mm256_castsi256_ps(_mm256_cmpgt_epi32(age, adult_below));
    const __m256 keeps = _mm256_and_ps(_mm256_and_ps(adult, _mm256_cmp_ps(after, cent, _CMP_GE_OQ)), one);
    _mm256_storeu_ps(savings + r, _mm256_mul_ps(_mm256_max_ps(after, zero), keeps));
  }
  return r;
}
#endif

}  // namespace

HouseholdTally pool_household_budgets(const Incomes& in, const BudgetStep& step, const EquivalenceScale& scale,
                                      std::span<const std::uint32_t> household, std::size_t city,
                                      const HouseholdNumbers& numbers, std::uint32_t serial_limit, float* savings,
                                      float* income, bool vectorised) {
  // Plain references: every use of a thread_local itself goes through its
  // initialisation guard, which keeps the loops below from being optimised.
  thread_local Pools tls_pools;
  thread_local std::unordered_map<std::uint32_t, std::uint32_t> tls_others;
  Pools& pools = tls_pools;
  std::unordered_map<std::uint32_t, std::uint32_t>& others = tls_others;
  const auto n = static_cast<std::uint32_t>(household.size());
  adult_incomes(in, step.adult_months, income, 0, n);
  const bool use_avx2 = vectorised && cpu_has_avx2();

  // Slots: serial for the city's own households (0 is kNoHousehold's), then
  // one per other household in the order first met.
  const HouseholdNumbers local = numbers;  // by value: stores below cannot alias it
  others.clear();
  std::uint32_t slots = std::max(serial_limit, 1u);
  pools.assign(slots);
  const std::uint32_t limit = slots;
  // The fast path inline; households of other cities (rare) through a call.
  const auto other_slot = [&](std::uint32_t h) __attribute__((noinline)) -> std::uint32_t {
    if (local.city_of(h) == city) throw std::logic_error("a household serial beyond the city's count");
    if (h == kNoHousehold) return 0;
    const auto [it, added] = others.try_emplace(h, slots);
    if (added) {
      ++slots;
      pools.add_slot();
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
    const std::uint32_t k = slot_of(household[r]);
    pools.rent[k] += rent;
    pools.earned[k] += income[r];
    pools.savings[k] += savings[r];
    pools.members[k] += 1u + (kChild - 1u) * static_cast<std::uint32_t>(!adult);
  }

  const Settled settled = settle(pools.earned.data(), pools.rent.data(), pools.savings.data(), pools.members.data(),
                                 slots, living, months, received, scale);
  tally.households += settled.households;
  tally.persons += settled.persons;
  tally.short_of_costs += settled.short_of_costs;

  const Apply apply{income, in.age.data(), step.adult_months, received, &pools};
  for (std::uint32_t r = 0; r < n;) {
#if defined(__x86_64__)
    if (use_avx2) {
      r = apply_avx2(apply, household.data(), static_cast<std::uint32_t>(city), local.serial_bits(), limit, savings,
                     r, n);
      if (r + 8 <= n) {
        // A block with a row of another household kind: these eight plainly.
        for (const std::uint32_t stop = r + 8; r < stop; ++r)
          if (household[r] != kNoHousehold) savings[r] = apply.row(slot_of(household[r]), savings[r], r);
        continue;
      }
    }
#endif
    for (; r < n; ++r)
      if (household[r] != kNoHousehold) savings[r] = apply.row(slot_of(household[r]), savings[r], r);
  }
  return tally;
}

}  // namespace mobsim::models
