#include "counting.hpp"

#include "avx2.hpp"
#include "parallel.hpp"


namespace mobsim {

void count_codes_plain(const std::uint8_t* codes, std::uint32_t begin, std::uint32_t end, std::size_t code_count,
                       std::int64_t* counts) {
  // Four interleaved lanes: consecutive rows with the same code do not wait
  // on each other's increment.
  constexpr std::size_t kMaxCodes = 256;
  std::int64_t lanes[4][kMaxCodes] = {};
  for (std::uint32_t r = begin; r < end; ++r) lanes[r & 3][codes[r]] += 1;
  for (std::size_t v = 0; v < code_count && v < kMaxCodes; ++v)
    counts[v] += lanes[0][v] + lanes[1][v] + lanes[2][v] + lanes[3][v];
}

std::size_t list_rows_equal_plain(const std::uint8_t* codes, std::uint8_t value, const std::uint64_t* agent_ids,
                                  std::uint32_t begin, std::uint32_t end, std::uint32_t* rows, std::uint64_t* ids) {
  std::size_t m = 0;
  for (std::uint32_t r = begin; r < end; ++r) {
    rows[m] = r;
    ids[m] = agent_ids[r];
    m += static_cast<std::size_t>(codes[r] == value);
  }
  return m;
}

#if defined(__x86_64__)
namespace {

__attribute__((target("avx2"))) std::size_t list_rows_equal_avx2(const std::uint8_t* codes, std::uint8_t value,
                                                                 const std::uint64_t* agent_ids, std::uint32_t& begin,
                                                                 std::uint32_t end, std::uint32_t* rows,
                                                                 std::uint64_t* ids) {
  const __m256i wanted = _mm256_set1_epi8(static_cast<char>(value));
  std::size_t m = 0;
  std::uint32_t r = begin;
  for (; r + 32 <= end; r += 32) {
    const __m256i block = avx2::load(codes + r);
    m = append_rows(avx2::bits(_mm256_cmpeq_epi8(block, wanted)), r, agent_ids,
                    rows, ids, m);
  }
  begin = r;
  return m;
}

__attribute__((target("avx2"))) std::uint32_t count_codes_avx2(const std::uint8_t* codes, std::uint32_t begin,
                                                               std::uint32_t end, std::size_t code_count,
                                                               std::int64_t* counts) {
  std::uint32_t r = begin;
  for (; r + 32 <= end; r += 32) {
    const __m256i block = avx2::load(codes + r);
    for (std::size_t v = 0; v < code_count; ++v) counts[v] += __builtin_popcount(avx2::equal_bits(block, static_cast<int>(v)));
  }
  return r;
}

}  // namespace
#endif

void count_codes(const std::uint8_t* codes, std::uint32_t begin, std::uint32_t end, std::size_t code_count,
                 std::int64_t* counts) {
#if defined(__x86_64__)
  // Each code costs a pass over the block: worth it for the few codes of
  // the columns counted here.
  if (cpu_has_avx2() && code_count <= 64) begin = count_codes_avx2(codes, begin, end, code_count, counts);
#endif
  count_codes_plain(codes, begin, end, code_count, counts);
}

std::size_t list_rows_equal(const std::uint8_t* codes, std::uint8_t value, const std::uint64_t* agent_ids,
                            std::uint32_t begin, std::uint32_t end, std::uint32_t* rows, std::uint64_t* ids) {
  std::size_t m = 0;
#if defined(__x86_64__)
  if (cpu_has_avx2()) m = list_rows_equal_avx2(codes, value, agent_ids, begin, end, rows, ids);
#endif
  return m + list_rows_equal_plain(codes, value, agent_ids, begin, end, rows + m, ids + m);
}

}  // namespace mobsim
