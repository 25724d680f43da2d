// Ageing and the due list in two forms with identical results: plain C++,
// and AVX2 over blocks of 32 agents (16-bit lanes), listing the due rows
// from a bit mask.
#include "demography_kernel.hpp"
#include "avx2.hpp"

#include <algorithm>

#include "parallel.hpp"


namespace mobsim::models {

namespace {
constexpr std::uint16_t kStepMask = 0x7FFF;  // the step part of a scheduled check
}

std::size_t age_and_list_due_plain(const AgeingColumns& c, std::uint32_t begin, std::uint32_t end,
                                   std::uint16_t months, std::uint16_t last_age, std::uint32_t step,
                                   std::uint32_t* rows, std::uint64_t* ids) {
  std::size_t m = 0;
  for (std::uint32_t r = begin; r < end; ++r) {
    c.age_months[r] = static_cast<std::uint16_t>(std::min<int>(c.age_months[r] + months, last_age));
    rows[m] = r;
    ids[m] = c.id[r];
    m += static_cast<std::size_t>((c.next_check[r] == 0) | ((c.next_check[r] & kStepMask) <= step));
  }
  return m;
}

#if defined(__x86_64__)
namespace {

__attribute__((target("avx2"))) std::size_t age_and_list_due_avx2(const AgeingColumns& c, std::uint32_t& begin,
                                                                  std::uint32_t end, std::uint16_t months,
                                                                  std::uint16_t last_age, std::uint32_t step,
                                                                  std::uint32_t* rows, std::uint64_t* ids) {
  const __m256i add = _mm256_set1_epi16(static_cast<std::int16_t>(months));
  const __m256i cap = _mm256_set1_epi16(static_cast<std::int16_t>(last_age));
  const __m256i mask = _mm256_set1_epi16(static_cast<std::int16_t>(kStepMask));
  // Steps beyond 0x7FFF: every masked step is then reached.
  const __m256i now = _mm256_set1_epi16(static_cast<std::int16_t>(std::min<std::uint32_t>(step, 0xFFFF)));
  const __m256i zero = _mm256_setzero_si256();
  auto due16 = [&](const std::uint16_t* p) __attribute__((target("avx2"))) {
    const __m256i next = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const __m256i scheduled = _mm256_and_si256(next, mask);
    // Unsigned scheduled <= now.
    return _mm256_or_si256(_mm256_cmpeq_epi16(next, zero),
                           _mm256_cmpeq_epi16(_mm256_min_epu16(scheduled, now), scheduled));
  };
  auto age16 = [&](std::uint16_t* p) __attribute__((target("avx2"))) {
    // Saturating add, then the cap: the plain form's min in int.
    const __m256i age = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), _mm256_min_epu16(_mm256_adds_epu16(age, add), cap));
  };
  std::size_t m = 0;
  std::uint32_t r = begin;
  for (; r + 32 <= end; r += 32) {
    age16(c.age_months + r);
    age16(c.age_months + r + 16);
    const __m256i due = avx2::pack16(due16(c.next_check + r), due16(c.next_check + r + 16));
    m = append_rows(avx2::bits(due), r, c.id, rows, ids, m);
  }
  begin = r;
  return m;
}

}  // namespace
#endif

std::size_t age_and_list_due(const AgeingColumns& c, std::uint32_t begin, std::uint32_t end, std::uint16_t months,
                             std::uint16_t last_age, std::uint32_t step, std::uint32_t* rows, std::uint64_t* ids) {
  std::size_t m = 0;
#if defined(__x86_64__)
  if (cpu_has_avx2()) m = age_and_list_due_avx2(c, begin, end, months, last_age, step, rows, ids);
#endif
  return m + age_and_list_due_plain(c, begin, end, months, last_age, step, rows + m, ids + m);
}

}  // namespace mobsim::models
