// Residents by place of birth in two forms with identical counts: plain
// C++, and AVX2 over blocks of 32 agents.
#include "diaspora_kernel.hpp"
#include "avx2.hpp"

#include <algorithm>


namespace mobsim::models {

namespace {
inline bool settled(const BirthplaceColumns& c, const SettledRule& rule, std::uint32_t r) {
  const std::int64_t arrived = c.arrival == nullptr ? 0 : c.arrival[r];
  return (arrived == 0) | (rule.step - arrived >= rule.settled_steps);
}
}  // namespace

void count_by_birthplace_plain(const BirthplaceColumns& c, const SettledRule& rule, std::uint32_t begin,
                               std::uint32_t end, std::int64_t* counts) {
  for (std::uint32_t r = begin; r < end; ++r) counts[2 * std::size_t{c.origin[r]} + settled(c, rule, r)] += 1;
}

#if defined(__x86_64__)
namespace {

// 16 agents: all ones where arrival is 0 or (when `early_counts`) at most `latest`.
__attribute__((target("avx2"))) inline __m256i settled16(const std::uint16_t* arrival_at, __m256i latest,
                                                         bool early_counts) {
  const __m256i arrival = avx2::load(arrival_at);
  const __m256i zero = _mm256_setzero_si256();
  const __m256i early = _mm256_cmpeq_epi16(_mm256_min_epu16(arrival, latest), arrival);
  return _mm256_or_si256(_mm256_cmpeq_epi16(arrival, zero), early_counts ? early : zero);
}

__attribute__((target("avx2"))) std::uint32_t count_avx2(const BirthplaceColumns& c, const SettledRule& rule,
                                                         std::uint16_t own, std::uint16_t own_hinterland,
                                                         std::uint32_t begin, std::uint32_t end, std::int64_t* counts) {
  // Settled: arrival 0, or arrival <= step - settled_steps (when that is not
  // negative; every arrival when it exceeds 0xFFFF).
  const std::int64_t limit = rule.step - rule.settled_steps;
  const bool any_arrival_settles = limit >= 0xFFFF;
  const __m256i latest = _mm256_set1_epi16(static_cast<std::int16_t>(std::clamp<std::int64_t>(limit, 0, 0xFFFF)));
  const __m256i here = _mm256_set1_epi16(static_cast<std::int16_t>(own));
  const __m256i hinterland = _mm256_set1_epi16(static_cast<std::int16_t>(own_hinterland));
  std::int64_t own_settled = 0, own_total = 0, hinterland_settled = 0, hinterland_total = 0;
  std::uint32_t r = begin;
  for (; r + 32 <= end; r += 32) {
    const __m256i origin_low = avx2::load(c.origin + r), origin_high = avx2::load(c.origin + r + 16);
    const std::uint32_t at_home = avx2::bits16(_mm256_cmpeq_epi16(origin_low, here), _mm256_cmpeq_epi16(origin_high, here));
    const std::uint32_t from_hinterland =
        avx2::bits16(_mm256_cmpeq_epi16(origin_low, hinterland), _mm256_cmpeq_epi16(origin_high, hinterland));
    const std::uint32_t is_settled = c.arrival == nullptr || any_arrival_settles
                                         ? 0xFFFFFFFFu
                                         : avx2::bits16(settled16(c.arrival + r, latest, limit >= 0),
                                                settled16(c.arrival + r + 16, latest, limit >= 0));
    own_total += __builtin_popcount(at_home);
    own_settled += __builtin_popcount(at_home & is_settled);
    hinterland_total += __builtin_popcount(from_hinterland);
    hinterland_settled += __builtin_popcount(from_hinterland & is_settled);
    for (std::uint32_t others = ~(at_home | from_hinterland); others != 0; others &= others - 1) {
      const auto i = static_cast<std::uint32_t>(__builtin_ctz(others));
      counts[2 * std::size_t{c.origin[r + i]} + ((is_settled >> i) & 1u)] += 1;
    }
  }
  counts[2 * std::size_t{own} + 1] += own_settled;
  counts[2 * std::size_t{own}] += own_total - own_settled;
  counts[2 * std::size_t{own_hinterland} + 1] += hinterland_settled;
  counts[2 * std::size_t{own_hinterland}] += hinterland_total - hinterland_settled;
  return r;
}

}  // namespace
#endif

void count_by_birthplace(const BirthplaceColumns& c, const SettledRule& rule, std::uint16_t own,
                         std::uint16_t own_hinterland, std::uint32_t begin, std::uint32_t end, std::int64_t* counts) {
#if defined(__x86_64__)
  if (cpu_has_avx2()) begin = count_avx2(c, rule, own, own_hinterland, begin, end, counts);
#endif
  count_by_birthplace_plain(c, rule, begin, end, counts);
}

}  // namespace mobsim::models
