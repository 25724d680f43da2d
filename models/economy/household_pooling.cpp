// The households of a city are summed in one array of entries indexed by
// their serial (those the city formed itself; a hash map gives the others
// slots after them), so that no pass branches on where one household ends
// and the next begins: every row adds into its household's entry and later
// reads its outcome from it. An entry is 16 bytes, its four sums side by
// side, so that a row touches one cache line however far its household's
// other members are (rows drift out of household order as people are born,
// arrive and leave). The households' outcomes are computed eight at a time.
// Sums are taken in row order, one city per thread, so the results do not
// depend on the number of threads.
#include "household_pooling.hpp"
#include "avx2.hpp"
#include "shared_state.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <unordered_map>
#include <vector>

namespace mobsim::models {

namespace {

// Members are counted in a float as adults + kChildCode x children: exact
// while the sum stays below 2^24 (fewer than 1024 adults and 16384 children
// in one household).
constexpr float kChildCode = 1024.0f;
constexpr float kCent = 0.01f;
constexpr float kTiny = 1e-30f;  // a divisor's floor where the quotient is then not used
constexpr std::uint32_t kAhead = 16;  // rows ahead whose household entries are fetched early
// Incomes are worked out for this many rows at a time, into a buffer that
// stays in the first-level cache, once for the sums and once for the
// members' savings (cheaper than storing a column of them and reading it back).
constexpr std::uint32_t kIncomeBlock = 1024;

// A household's sums over its members; settle() turns them, in place, into
// its outcome: earned becomes the surplus per EUR earned (by its adults),
// rent the surplus per adult (where no adult earns), savings the share of
// savings kept (received remittances included).
struct alignas(16) Pool {
  float earned = 0, rent = 0, savings = 0, members = 0;
};
static_assert(sizeof(Pool) == 16);

// The four sums side by side: one load, one addition and one store (each
// lane an ordinary float addition, so the sums are those of four scalars).
inline void add_member(Pool& p, float earned, float rent, float savings, float members) {
#if defined(__x86_64__)
  _mm_store_ps(&p.earned, _mm_add_ps(_mm_load_ps(&p.earned), _mm_setr_ps(earned, rent, savings, members)));
#else
  p.earned += earned;
  p.rent += rent;
  p.savings += savings;
  p.members += members;
#endif
}

struct Settled {
  std::uint32_t households = 0, persons = 0, short_of_costs = 0, below_living_cost = 0;
};

struct SettleTerms {
  float living, months, received;
  EquivalenceScale scale;
};

// One household, selections by arithmetic (the AVX2 form below does the
// same operations in the same order, lane by lane).
inline void settle_one(Pool& p, const SettleTerms& t, Settled& s) {
  const float m = p.members;
  const float children = std::floor(m * (1.0f / kChildCode));
  const float a = m - kChildCode * children;
  const float any_adult = static_cast<float>(a > 0.0f);
  const float e = p.earned;
  const float needs = t.living * t.scale.of(a, children);
  const float net = (e - needs - p.rent) * t.months;
  const float held = p.savings + t.received * a;
  // Every quotient is finite (divisors floored), so a 0 mask yields 0.
  const auto surplus = static_cast<float>(net >= 0.0f), earners = static_cast<float>(e > 0.0f);
  const float per_earned = net / std::max(e, kTiny);
  const float per_adult = net / std::max(a, 1.0f);
  const float shortfall_kept = std::max(0.0f, (held + net) / std::max(held, kTiny));
  p.earned = surplus * earners * per_earned;
  p.rent = surplus * (1.0f - earners) * any_adult * per_adult;
  p.savings = surplus + (1.0f - surplus) * shortfall_kept;
  s.households += m > 0.0f;
  s.persons += static_cast<std::uint32_t>(m > 0.0f) * static_cast<std::uint32_t>(a + children);
  s.short_of_costs += (m > 0.0f) & (net < 0.0f);
  s.below_living_cost += static_cast<std::uint32_t>((m > 0.0f) & (e < needs)) * static_cast<std::uint32_t>(a + children);
}

// The last pass: each adult's savings from its household's outcome. Below a
// cent is nothing: repeated shortfalls would otherwise shrink savings into
// subnormal floats, whose arithmetic is many times slower. max(0, x) gives 0
// for NaN and -0, as the vector maximum does.
struct Apply {
  const float* income;  // of the rows from `first` on
  std::uint32_t first;
  const std::uint16_t* age;
  int adult_months;
  float received;
  const Pool* pools;
  float row(std::uint32_t slot, float saved, std::uint32_t r) const {
    const Pool& p = pools[slot];
    const float after = (saved + received) * p.savings + p.earned * income[r - first] + p.rent;
    const auto keeps = static_cast<float>((age[r] >= adult_months) & (after >= kCent));
    return std::max(0.0f, after) * keeps;
  }
};

#if defined(__x86_64__)
// Four vectors of eight entries' fields from the entries (lane i of each
// holds entry i's field): q[0..3] are the entries 0-3 in their low halves
// and 4-7 in their high halves, one entry per vector.
struct Fields8 {
  __m256 earned, rent, savings, members;
};
__attribute__((target("avx2"))) inline Fields8 transpose_in(__m256 r0, __m256 r1, __m256 r2, __m256 r3) {
  const __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpacklo_ps(r2, r3);
  const __m256 t2 = _mm256_unpackhi_ps(r0, r1), t3 = _mm256_unpackhi_ps(r2, r3);
  return {_mm256_shuffle_ps(t0, t1, _MM_SHUFFLE(1, 0, 1, 0)), _mm256_shuffle_ps(t0, t1, _MM_SHUFFLE(3, 2, 3, 2)),
          _mm256_shuffle_ps(t2, t3, _MM_SHUFFLE(1, 0, 1, 0)), _mm256_shuffle_ps(t2, t3, _MM_SHUFFLE(3, 2, 3, 2))};
}

// Entries [1, count) eight at a time; returns the first entry not done.
__attribute__((target("avx2"))) std::uint32_t settle_avx2(Pool* pools, std::uint32_t count, const SettleTerms& t,
                                                          Settled& s) {
  const __m256 living = _mm256_set1_ps(t.living), months = _mm256_set1_ps(t.months);
  const __m256 received = _mm256_set1_ps(t.received);
  const __m256 additional_adult = _mm256_set1_ps(t.scale.additional_adult), child = _mm256_set1_ps(t.scale.child);
  const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1.0f), tiny = _mm256_set1_ps(kTiny);
  const __m256 code = _mm256_set1_ps(kChildCode), per_code = _mm256_set1_ps(1.0f / kChildCode);
  __m256i persons = _mm256_setzero_si256(), below = _mm256_setzero_si256();
  std::uint32_t k = 1;
  for (; k + 8 <= count; k += 8) {
    float* base = &pools[k].earned;
    const __m256 q0 = _mm256_loadu_ps(base), q1 = _mm256_loadu_ps(base + 8);
    const __m256 q2 = _mm256_loadu_ps(base + 16), q3 = _mm256_loadu_ps(base + 24);
    const Fields8 f = transpose_in(_mm256_permute2f128_ps(q0, q2, 0x20), _mm256_permute2f128_ps(q0, q2, 0x31),
                                   _mm256_permute2f128_ps(q1, q3, 0x20), _mm256_permute2f128_ps(q1, q3, 0x31));
    const __m256 m = f.members;
    const __m256 children = _mm256_floor_ps(_mm256_mul_ps(m, per_code));
    const __m256 a = _mm256_sub_ps(m, _mm256_mul_ps(code, children));
    const __m256 any_adult = _mm256_and_ps(_mm256_cmp_ps(a, zero, _CMP_GT_OQ), one);
    // EquivalenceScale::of: any_adult x (1 + additional x (a - 1)) + child x children.
    const __m256 scale = _mm256_add_ps(
        _mm256_mul_ps(any_adult, _mm256_add_ps(one, _mm256_mul_ps(additional_adult, _mm256_sub_ps(a, one)))),
        _mm256_mul_ps(child, children));
    const __m256 e = f.earned;
    const __m256 needs = _mm256_mul_ps(living, scale);
    const __m256 net = _mm256_mul_ps(_mm256_sub_ps(_mm256_sub_ps(e, needs), f.rent), months);
    const __m256 held = _mm256_add_ps(f.savings, _mm256_mul_ps(received, a));
    const __m256 surplus_mask = _mm256_cmp_ps(net, zero, _CMP_GE_OQ);
    const __m256 surplus = _mm256_and_ps(surplus_mask, one);
    const __m256 earners = _mm256_and_ps(_mm256_cmp_ps(e, zero, _CMP_GT_OQ), one);
    const __m256 per_earned = _mm256_div_ps(net, _mm256_max_ps(e, tiny));
    const __m256 per_adult = _mm256_div_ps(net, _mm256_max_ps(a, one));
    const __m256 shortfall_kept =
        _mm256_max_ps(_mm256_div_ps(_mm256_add_ps(held, net), _mm256_max_ps(held, tiny)), zero);
    const __m256 out_earned = _mm256_mul_ps(_mm256_mul_ps(surplus, earners), per_earned);
    const __m256 out_rent =
        _mm256_mul_ps(_mm256_mul_ps(_mm256_mul_ps(surplus, _mm256_sub_ps(one, earners)), any_adult), per_adult);
    const __m256 out_kept = _mm256_add_ps(surplus, _mm256_mul_ps(_mm256_sub_ps(one, surplus), shortfall_kept));
    const __m256 present = _mm256_cmp_ps(m, zero, _CMP_GT_OQ);
    s.households += static_cast<std::uint32_t>(__builtin_popcount(_mm256_movemask_ps(present)));
    s.short_of_costs += static_cast<std::uint32_t>(
        __builtin_popcount(_mm256_movemask_ps(_mm256_andnot_ps(surplus_mask, present))));
    persons = _mm256_add_epi32(persons, _mm256_cvttps_epi32(_mm256_and_ps(present, _mm256_add_ps(a, children))));
    const __m256 poor = _mm256_and_ps(present, _mm256_cmp_ps(e, needs, _CMP_LT_OQ));
    below = _mm256_add_epi32(below, _mm256_cvttps_epi32(_mm256_and_ps(poor, _mm256_add_ps(a, children))));
    // Back to entries: the same shuffles undo the transposition.
    const Fields8 r = transpose_in(out_earned, out_rent, out_kept, m);
    _mm256_storeu_ps(base, _mm256_permute2f128_ps(r.earned, r.rent, 0x20));
    _mm256_storeu_ps(base + 8, _mm256_permute2f128_ps(r.savings, r.members, 0x20));
    _mm256_storeu_ps(base + 16, _mm256_permute2f128_ps(r.earned, r.rent, 0x31));
    _mm256_storeu_ps(base + 24, _mm256_permute2f128_ps(r.savings, r.members, 0x31));
  }
  alignas(32) std::uint32_t lanes[8];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), persons);
  for (const std::uint32_t p : lanes) s.persons += p;
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), below);
  for (const std::uint32_t p : lanes) s.below_living_cost += p;
  return k;
}

// The slots of the eight rows from r where all eight belong to households
// the city formed (serial = number - base below limit, not kNoHousehold);
// false, and nothing stored, where one does not. The entries of the rows
// kAhead further on are asked for early, for writing where Write.
struct OwnRange {
  std::uint32_t base, limit;
};
template <int Write>
__attribute__((target("avx2"))) inline bool own_slots8(const std::uint32_t* household, std::uint32_t r,
                                                       std::uint32_t end, OwnRange range, const Pool* pools,
                                                       std::uint32_t* slot) {
  const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(household + r));
  const __m256i serial = _mm256_sub_epi32(h, _mm256_set1_epi32(static_cast<int>(range.base)));
  const __m256i last = _mm256_set1_epi32(static_cast<int>(range.limit - 1));
  // In range (unsigned) and not kNoHousehold (0).
  const __m256i own = _mm256_andnot_si256(_mm256_cmpeq_epi32(h, _mm256_setzero_si256()),
                                          _mm256_cmpeq_epi32(_mm256_min_epu32(serial, last), serial));
  if (_mm256_movemask_ps(_mm256_castsi256_ps(own)) != 0xFF) return false;
  if (r + kAhead + 8 <= end)
    for (std::uint32_t i = r + kAhead; i < r + kAhead + 8; ++i)
      __builtin_prefetch(&pools[std::min(household[i] - range.base, range.limit - 1)], Write);
  _mm256_store_si256(reinterpret_cast<__m256i*>(slot), serial);
  return true;
}

// Eight rows at a time where all eight belong to households the city formed
// (slot = serial below `limit`); returns the first row not done. The same
// operations in the same order as Apply::row, lane by lane.
__attribute__((target("avx2"))) std::uint32_t apply_avx2(const Apply& terms, const std::uint32_t* household,
                                                         std::uint32_t base, std::uint32_t limit, float* savings,
                                                         std::uint32_t begin, std::uint32_t end) {
  // A copy, so that the loop keeps its fields in registers (the stores below may alias memory they are in).
  const Apply a = terms;
  const __m256i adult_below = _mm256_set1_epi32(a.adult_months - 1);
  const __m256 received = _mm256_set1_ps(a.received), cent = _mm256_set1_ps(kCent);
  const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(1.0f);
  alignas(32) std::uint32_t slot[8];
  std::uint32_t r = begin;
  for (; r + 8 <= end; r += 8) {
    if (!own_slots8<0>(household, r, end, OwnRange{base, limit}, a.pools, slot)) break;
    const auto entry = [&](int i) { return _mm_load_ps(&a.pools[slot[i]].earned); };
    const Fields8 f = transpose_in(_mm256_set_m128(entry(4), entry(0)), _mm256_set_m128(entry(5), entry(1)),
                                   _mm256_set_m128(entry(6), entry(2)), _mm256_set_m128(entry(7), entry(3)));
    const __m256 saved = _mm256_loadu_ps(savings + r);
    const __m256 income = _mm256_loadu_ps(a.income + (r - a.first));
    const __m256 after = _mm256_add_ps(
        _mm256_add_ps(_mm256_mul_ps(_mm256_add_ps(saved, received), f.savings), _mm256_mul_ps(f.earned, income)),
        f.rent);
    const __m256i age = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a.age + r)));
    const __m256 adult = _mm256_castsi256_ps(_mm256_cmpgt_epi32(age, adult_below));
    const __m256 keeps = _mm256_and_ps(_mm256_and_ps(adult, _mm256_cmp_ps(after, cent, _CMP_GE_OQ)), one);
    _mm256_storeu_ps(savings + r, _mm256_mul_ps(_mm256_max_ps(after, zero), keeps));
  }
  return r;
}

// The rows' terms of the first pass, eight at a time where all eight belong
// to households the city formed; returns the first row not done. Each row's
// four terms are those add_row computes, and they are added to the entries
// one row after the other in row order, as there (rows of one household are
// often side by side, so two lanes may add to the same entry).
struct Add {
  const float* income;  // of the rows from `first` on
  std::uint32_t first;
  const std::uint16_t* age;
  const std::uint8_t* tenure;  // null: no rents
  const float* rent_by_tenure;
  int adult_months;
  const float* savings;
};
__attribute__((target("avx2"))) std::uint32_t add_avx2(const Add& terms, Pool* pools, const std::uint32_t* household,
                                                       std::uint32_t base, std::uint32_t limit, std::uint32_t begin,
                                                       std::uint32_t end) {
  const Add a = terms;  // in registers, as in apply_avx2
  const __m256i adult_below = _mm256_set1_epi32(a.adult_months - 1);
  const __m256 one = _mm256_set1_ps(1.0f), child = _mm256_set1_ps(kChildCode);
  // The rents by tenure in one vector, looked up by a permutation (tenure codes are below 8).
  static_assert(kTenureCodes <= 8);
  alignas(32) float rents[8] = {};
  std::copy(a.rent_by_tenure, a.rent_by_tenure + kTenureCodes, rents);
  const __m256 rent_table = _mm256_load_ps(rents);
  alignas(32) std::uint32_t slot[8];
  std::uint32_t r = begin;
  for (; r + 8 <= end; r += 8) {
    if (!own_slots8<1>(household, r, end, OwnRange{base, limit}, pools, slot)) break;
    const __m256i age = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a.age + r)));
    const __m256 adult = _mm256_castsi256_ps(_mm256_cmpgt_epi32(age, adult_below));
    // 1 for an adult, kChildCode for a child, as in add_row.
    const __m256 members = _mm256_blendv_ps(child, one, adult);
    const __m256 rent =
        a.tenure ? _mm256_permutevar8x32_ps(
                       rent_table, _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(a.tenure + r))))
                 : _mm256_setzero_ps();
    const __m256 income = _mm256_loadu_ps(a.income + (r - a.first));
    const __m256 saved = _mm256_loadu_ps(a.savings + r);
    // Field vectors to one entry per row (the shuffles of settle_avx2).
    const Fields8 t = transpose_in(income, rent, saved, members);
    const __m256 e01 = _mm256_permute2f128_ps(t.earned, t.rent, 0x20), e23 = _mm256_permute2f128_ps(t.savings, t.members, 0x20);
    const __m256 e45 = _mm256_permute2f128_ps(t.earned, t.rent, 0x31), e67 = _mm256_permute2f128_ps(t.savings, t.members, 0x31);
    const auto add = [&](std::uint32_t k, __m128 terms) {
      float* entry = &pools[k].earned;
      _mm_store_ps(entry, _mm_add_ps(_mm_load_ps(entry), terms));
    };
    add(slot[0], _mm256_castps256_ps128(e01));
    add(slot[1], _mm256_extractf128_ps(e01, 1));
    add(slot[2], _mm256_castps256_ps128(e23));
    add(slot[3], _mm256_extractf128_ps(e23, 1));
    add(slot[4], _mm256_castps256_ps128(e45));
    add(slot[5], _mm256_extractf128_ps(e45, 1));
    add(slot[6], _mm256_castps256_ps128(e67));
    add(slot[7], _mm256_extractf128_ps(e67, 1));
  }
  return r;
}
#endif

}  // namespace

HouseholdTally pool_household_budgets(const Incomes& in, const BudgetStep& step, const EquivalenceScale& scale,
                                      std::span<const std::uint32_t> household, std::size_t city,
                                      const HouseholdNumbers& numbers, std::uint32_t serial_limit, float* savings,
                                      float* income_out, bool vectorised) {
  // Plain references: every use of a thread_local itself goes through its
  // initialisation guard, which keeps the loops below from being optimised.
  thread_local std::vector<Pool> tls_pools;
  thread_local std::unordered_map<std::uint32_t, std::uint32_t> tls_others;
  alignas(32) float income[kIncomeBlock];
  std::vector<Pool>& pools = tls_pools;
  std::unordered_map<std::uint32_t, std::uint32_t>& others = tls_others;
  const auto n = static_cast<std::uint32_t>(household.size());
  const bool use_avx2 = vectorised && cpu_has_avx2();

  // Slots: serial for the city's own households (0 is kNoHousehold's), then
  // one per other household in the order first met. A household of the
  // city has number base + serial, so one subtraction and one comparison
  // tell an own household's slot (another city's number falls outside).
  const HouseholdNumbers local = numbers;  // by value: stores below cannot alias it
  const std::uint32_t base = local.base_of(city);
  others.clear();
  std::uint32_t slots = std::max(serial_limit, 1u);
  pools.assign(slots, Pool{});
  const std::uint32_t limit = slots;
  // Households of other cities (rare) through a call.
  const auto other_slot = [&](std::uint32_t h) __attribute__((noinline)) -> std::uint32_t {
    if (local.city_of(h) == city) throw std::logic_error("a household serial beyond the city's count");
    const auto [it, added] = others.try_emplace(h, slots);
    if (added) {
      ++slots;
      pools.emplace_back();
    }
    return it->second;
  };
  // Of a row with a household (not kNoHousehold).
  const auto slot_of = [&](std::uint32_t h) -> std::uint32_t {
    const std::uint32_t serial = h - base;
    return serial < limit ? serial : other_slot(h);
  };

  const auto living = static_cast<float>(step.living), months = static_cast<float>(step.step_months);
  const auto received = static_cast<float>(step.received);
  HouseholdTally tally;
  // Locals, so that the loop does not reload them after each store.
  const std::uint16_t* age = in.age.data();
  const std::uint8_t* tenure = in.tenure.empty() ? nullptr : in.tenure.data();
  const auto rent_by_tenure = in.rent_by_tenure;
  const int adult_months = step.adult_months;
  Pool* pool = pools.data();
  std::uint32_t first = 0;  // the row of income[0]
  const auto add_row = [&](std::uint32_t r) {
    // Rows out of household order (the born, the arrived, and those moved
    // into the places of the departed) reach entries far apart: asked for
    // ahead, so that their cache misses overlap.
    if (r + kAhead < n) __builtin_prefetch(&pool[std::min(household[r + kAhead] - base, limit - 1)], 1);
    const bool adult = age[r] >= adult_months;
    const float rent = tenure ? rent_by_tenure[tenure[r]] : 0.0f;
    const std::uint32_t h = household[r];
    if (h == kNoHousehold) {
      // A household of one.
      const float needs = living * scale.of(adult ? 1.0f : 0.0f, adult ? 0.0f : 1.0f);
      const float net = income[r - first] - needs - rent;
      const float balance = savings[r] + (adult ? received : 0.0f) + net * months;
      tally.short_of_costs += net < 0;
      tally.below_living_cost += income[r - first] < needs;
      savings[r] = adult & (balance >= kCent) ? balance : 0.0f;
      return;
    }
    std::uint32_t k = h - base;
    if (k >= limit) [[unlikely]] {
      k = other_slot(h);
      pool = pools.data();  // the pools may have grown
    }
    // By arithmetic, not a branch on age (adults and children are mixed at
    // random); a child's income and savings are 0. Slot 0 is no household's.
    const float members = 1.0f + (kChildCode - 1.0f) * static_cast<float>(!adult);
    add_member(pool[k], income[r - first], rent, savings[r], members);
  };
  // Incomes of rows [first, first + kIncomeBlock) into the buffer (and,
  // in the first pass, out where asked for).
  const auto incomes_from = [&](std::uint32_t from, bool first_pass) {
    first = from;
    const std::uint32_t to = std::min(n, from + kIncomeBlock);
    if (vectorised)
      adult_incomes(in, step.adult_months, income, from, to);
    else
      adult_incomes_plain(in, step.adult_months, income, from, to);
    if (income_out && first_pass) std::copy(income, income + (to - from), income_out + from);
    return to;
  };
  for (std::uint32_t from = 0; from < n;) {
    const std::uint32_t to = incomes_from(from, true);
    std::uint32_t r = from;
#if defined(__x86_64__)
    if (use_avx2) {
      const Add terms{income, from, age, tenure, rent_by_tenure.data(), adult_months, savings};
      while (r < to) {
        r = add_avx2(terms, pool, household.data(), base, limit, r, to);
        // Eight rows with one of another household kind (or the last few): plainly.
        for (const std::uint32_t stop = std::min(to, r + 8); r < stop; ++r) add_row(r);
      }
    }
#endif
    for (; r < to; ++r) add_row(r);
    from = to;
  }

  const SettleTerms terms{living, months, received, scale};
  Settled settled;
  std::uint32_t k = 1;
#if defined(__x86_64__)
  if (use_avx2) k = settle_avx2(pools.data(), slots, terms, settled);
#endif
  for (; k < slots; ++k) settle_one(pools[k], terms, settled);
  tally.households += settled.households;
  tally.persons += settled.persons;
  tally.short_of_costs += settled.short_of_costs;
  tally.below_living_cost += settled.below_living_cost;

  const Apply apply{income, 0, in.age.data(), step.adult_months, received, pools.data()};
  for (std::uint32_t from = 0; from < n;) {
    const std::uint32_t to = incomes_from(from, false);
    Apply block = apply;
    block.first = from;
    for (std::uint32_t r = from; r < to;) {
#if defined(__x86_64__)
      if (use_avx2) {
        r = apply_avx2(block, household.data(), base, limit, savings, r, to);
        if (r + 8 <= to) {
          // A block with a row of another household kind: these eight plainly.
          for (const std::uint32_t stop = r + 8; r < stop; ++r)
            if (household[r] != kNoHousehold) savings[r] = block.row(slot_of(household[r]), savings[r], r);
          continue;
        }
      }
#endif
      for (; r < to; ++r)
        if (household[r] != kNoHousehold) savings[r] = block.row(slot_of(household[r]), savings[r], r);
    }
    from = to;
  }
  return tally;
}

}  // namespace mobsim::models
