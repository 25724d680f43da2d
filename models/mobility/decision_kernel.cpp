// Who decides this step, in two forms with identical results: plain C++,
// and AVX2 over blocks of 32 agents (a bit mask per block).
#include "decision_kernel.hpp"
#include "avx2.hpp"

#include <algorithm>

#include "parallel.hpp"


namespace mobsim::models {

std::size_t list_deciding_plain(const DecisionColumns& c, std::uint32_t step, int min_age_months, std::uint32_t begin,
                                std::uint32_t end, std::uint32_t* rows, std::uint64_t* ids) {
  std::size_t m = 0;
  for (std::uint32_t r = begin; r < end; ++r) {
    rows[m] = r;
    ids[m] = c.id[r];
    const bool due =
        ((c.next_decision[r] & kScheduledStep) <= step) & ((c.next_decision[r] != 0) | (c.age_months[r] >= min_age_months));
    m += static_cast<std::size_t>(due | (c.transit[r] != 0) | (c.return_due[r] != 0));
  }
  return m;
}

#if defined(__x86_64__)
namespace {

// 16 agents: all ones in the 16-bit lanes of those whose check is due
// (scheduled step <= now, and next != 0 or age > min age - 1) or who are in
// transit. Ages fit in signed 16 bits.
__attribute__((target("avx2"))) inline __m256i deciding16(const DecisionColumns& c, std::uint32_t r, __m256i now,
                                                          __m256i age_below) {
  const __m256i next = avx2::load(c.next_decision + r);
  const __m256i unscheduled_child = _mm256_andnot_si256(_mm256_cmpgt_epi16(avx2::load(c.age_months + r), age_below),
                                                        _mm256_cmpeq_epi16(next, _mm256_setzero_si256()));
  const __m256i scheduled = _mm256_and_si256(next, _mm256_set1_epi16(kScheduledStep));
  const __m256i due =
      _mm256_andnot_si256(unscheduled_child, _mm256_cmpeq_epi16(_mm256_min_epu16(scheduled, now), scheduled));
  const __m256i not_in_transit = _mm256_cmpeq_epi16(avx2::load(c.transit + r), _mm256_setzero_si256());
  return _mm256_or_si256(due, _mm256_xor_si256(not_in_transit, _mm256_set1_epi16(-1)));
}

__attribute__((target("avx2"))) std::size_t list_deciding_avx2(const DecisionColumns& c, std::uint32_t step,
                                                               int min_age_months, std::uint32_t& begin,
                                                               std::uint32_t end, std::uint32_t* rows,
                                                               std::uint64_t* ids) {
  const __m256i age_below = _mm256_set1_epi16(static_cast<std::int16_t>(min_age_months - 1));
  // Steps beyond 0x7FFF: every scheduled step is then reached.
  const __m256i now = _mm256_set1_epi16(static_cast<std::int16_t>(std::min<std::uint32_t>(step, kScheduledStep)));
  std::size_t m = 0;
  std::uint32_t r = begin;
  for (; r + 32 <= end; r += 32) {
    const std::uint32_t from_columns = avx2::bits16(deciding16(c, r, now, age_below), deciding16(c, r + 16, now, age_below));
    const std::uint32_t staying = avx2::equal_bits(avx2::load(c.return_due + r), 0);
    const std::uint32_t mask = from_columns | ~staying;
    m = append_rows(mask, r, c.id, rows, ids, m);
  }
  begin = r;
  return m;
}

}  // namespace
#endif

std::size_t list_deciding(const DecisionColumns& c, std::uint32_t step, int min_age_months, std::uint32_t begin,
                          std::uint32_t end, std::uint32_t* rows, std::uint64_t* ids) {
  std::size_t m = 0;
#if defined(__x86_64__)
  if (cpu_has_avx2()) m = list_deciding_avx2(c, step, min_age_months, begin, end, rows, ids);
#endif
  return m + list_deciding_plain(c, step, min_age_months, begin, end, rows + m, ids + m);
}

}  // namespace mobsim::models
