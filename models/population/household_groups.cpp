#include "household_groups.hpp"

#include "avx2.hpp"

namespace mobsim::models {

namespace {

// A bit per household number modulo 2^16, in 32-bit words.
constexpr std::uint32_t kFilterBits = 1u << 16;
inline bool maybe_wanted(const std::vector<std::uint32_t>& filter, std::uint32_t h) {
  return (filter[(h & (kFilterBits - 1)) >> 5] >> (h & 31)) & 1u;
}

#if defined(__x86_64__)
// Rows [0, returned) eight at a time: the rows whose bit is set are looked up.
__attribute__((target("avx2"))) std::uint32_t scan_avx2(
    std::span<const std::uint32_t> household, const std::vector<std::uint32_t>& filter,
    std::unordered_map<std::uint32_t, std::vector<std::uint32_t>>& members) {
  const auto n = static_cast<std::uint32_t>(household.size());
  const __m256i low = _mm256_set1_epi32(static_cast<int>(kFilterBits - 1)), bit_index = _mm256_set1_epi32(31);
  const __m256i one = _mm256_set1_epi32(1);
  const auto* words = reinterpret_cast<const int*>(filter.data());
  std::uint32_t r = 0;
  for (; r + 8 <= n; r += 8) {
    const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(household.data() + r));
    const __m256i word = _mm256_i32gather_epi32(words, _mm256_srli_epi32(_mm256_and_si256(h, low), 5), 4);
    const __m256i bit = _mm256_and_si256(_mm256_srlv_epi32(word, _mm256_and_si256(h, bit_index)), one);
    auto hits = static_cast<std::uint32_t>(_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(bit, one))));
    while (hits != 0) {
      const std::uint32_t row = r + static_cast<std::uint32_t>(__builtin_ctz(hits));
      hits &= hits - 1;
      const auto it = members.find(household[row]);
      if (it != members.end()) it->second.push_back(row);
    }
  }
  return r;
}
#endif

}  // namespace

std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> rows_of_households(
    std::span<const std::uint32_t> household, std::span<const std::uint32_t> wanted) {
  std::vector<std::uint32_t> filter(kFilterBits / 32, 0);
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> members;
  for (const std::uint32_t h : wanted)
    if (h != kNoHousehold) {
      members.try_emplace(h);
      filter[(h & (kFilterBits - 1)) >> 5] |= 1u << (h & 31);
    }
  if (members.empty()) return members;
  const auto n = static_cast<std::uint32_t>(household.size());
  std::uint32_t r = 0;
#if defined(__x86_64__)
  if (cpu_has_avx2()) r = scan_avx2(household, filter, members);
#endif
  for (; r < n; ++r) {
    const std::uint32_t h = household[r];
    if (!maybe_wanted(filter, h)) continue;
    const auto it = members.find(h);
    if (it != members.end()) it->second.push_back(r);
  }
  return members;
}

}  // namespace mobsim::models
