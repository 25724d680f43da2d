// Who may change legal status, in two forms with identical results: plain
// C++, and AVX2 over blocks of 32 agents (a bit mask per block).
#include "legal_status_kernel.hpp"
#include "avx2.hpp"

#include "agents.hpp"
#include "parallel.hpp"


namespace mobsim::models {

std::size_t list_non_citizens_plain(const std::uint64_t* id, const std::uint8_t* legal_status,
                                    const std::uint8_t* return_due, std::uint32_t begin, std::uint32_t end,
                                    std::uint32_t* rows, std::uint64_t* ids) {
  std::size_t m = 0;
  for (std::uint32_t r = begin; r < end; ++r) {
    rows[m] = r;
    ids[m] = id[r];
    m += static_cast<std::size_t>((legal_status[r] != code(LegalStatus::citizen)) & (return_due[r] == 0));
  }
  return m;
}

#if defined(__x86_64__)
namespace {

__attribute__((target("avx2"))) std::size_t list_non_citizens_avx2(const std::uint64_t* id,
                                                                   const std::uint8_t* legal_status,
                                                                   const std::uint8_t* return_due,
                                                                   std::uint32_t& begin, std::uint32_t end,
                                                                   std::uint32_t* rows, std::uint64_t* ids) {
  const __m256i citizen = _mm256_set1_epi8(static_cast<char>(code(LegalStatus::citizen)));
  const __m256i zero = _mm256_setzero_si256();
  std::size_t m = 0;
  std::uint32_t r = begin;
  for (; r + 32 <= end; r += 32) {
    const __m256i status = avx2::load(legal_status + r);
    const __m256i due = avx2::load(return_due + r);
    // Citizens or due to leave: not listed.
    const __m256i skipped = _mm256_or_si256(_mm256_cmpeq_epi8(status, citizen),
                                            _mm256_xor_si256(_mm256_cmpeq_epi8(due, zero), _mm256_set1_epi8(-1)));
    m = append_rows(~avx2::bits(skipped), r, id, rows, ids, m);
  }
  begin = r;
  return m;
}

}  // namespace
#endif

std::size_t list_non_citizens(const std::uint64_t* id, const std::uint8_t* legal_status,
                              const std::uint8_t* return_due, std::uint32_t begin, std::uint32_t end,
                              std::uint32_t* rows, std::uint64_t* ids) {
  std::size_t m = 0;
#if defined(__x86_64__)
  if (cpu_has_avx2()) m = list_non_citizens_avx2(id, legal_status, return_due, begin, end, rows, ids);
#endif
  return m + list_non_citizens_plain(id, legal_status, return_due, begin, end, rows + m, ids + m);
}

}  // namespace mobsim::models
