// The housing survey in two forms with identical results (counts and lists
// are integers, and every test is exact in float, see float_ceiling):
// plain C++, and AVX2 over blocks of 32 agents, where each test becomes a
// 32-bit mask, one bit per agent, and the masks are combined as integers.
#include <algorithm>

#include "agents.hpp"
#include "avx2.hpp"
#include "housing_market.hpp"
#include "parallel.hpp"
#include "shared_state.hpp"


namespace mobsim::models {

std::size_t survey_tenure_plain(const TenureColumns& c, const TenureTests& tests, std::uint32_t begin,
                                std::uint32_t end, std::int64_t* residents, std::uint32_t* rows, std::uint64_t* ids) {
  std::size_t m = 0;
  for (std::uint32_t r = begin; r < end; ++r) {
    const std::uint8_t t = c.tenure[r];
    residents[t] += 1;
    const bool adult = c.age_months[r] >= tests.adult_months;
    const bool behind = (t == code(Tenure::formal_private)) & adult &
                        (c.employment[r] != code(Employment::inactive)) & (c.income[r - c.income_first] < tests.rent) &
                        (c.savings[r] < tests.rent);
    const bool affordable = (c.income[r - c.income_first] >= tests.affordable) & (c.savings[r] >= tests.deposit);
    rows[m] = r;
    ids[m] = c.id[r];
    m += static_cast<std::size_t>((t == code(Tenure::unhoused)) | (t == code(Tenure::homeless)) | behind |
                                  ((t == code(Tenure::informal)) & adult & affordable) |
                                  (t == code(Tenure::reception)));
  }
  return m;
}

#if defined(__x86_64__)
namespace {

__attribute__((target("avx2"))) std::size_t survey_avx2(const TenureColumns& c, const TenureTests& tests,
                                                        std::uint32_t& begin, std::uint32_t end,
                                                        std::int64_t* residents, std::uint32_t* rows,
                                                        std::uint64_t* ids) {
  const __m256i adult_below = _mm256_set1_epi16(static_cast<std::int16_t>(tests.adult_months - 1));
  const __m256 rent = _mm256_set1_ps(tests.rent), affordable = _mm256_set1_ps(tests.affordable);
  const __m256 deposit = _mm256_set1_ps(tests.deposit);
  std::size_t m = 0;
  std::uint32_t r = begin;
  for (; r + 32 <= end; r += 32) {
    const __m256i tenure = avx2::load(c.tenure + r);
    std::uint32_t by_tenure[kTenureCodes];
    for (int t = 0; t < static_cast<int>(kTenureCodes); ++t) {
      by_tenure[t] = avx2::equal_bits(tenure, t);
      residents[t] += __builtin_popcount(by_tenure[t]);
    }
    const std::uint32_t active =
        ~avx2::equal_bits(avx2::load(c.employment + r), code(Employment::inactive));
    // Ages (16-bit lanes, below 32768) packed to bytes in row order.
    const std::uint32_t adult = avx2::bits16(_mm256_cmpgt_epi16(avx2::load(c.age_months + r), adult_below),
                                             _mm256_cmpgt_epi16(avx2::load(c.age_months + r + 16), adult_below));
    std::uint32_t poor = 0, can_afford = 0;  // can pay neither from income nor savings; can afford formal housing
    for (int g = 0; g < 4; ++g) {
      const __m256 income = _mm256_loadu_ps(c.income + (r - c.income_first) + 8 * g);
      const __m256 savings = _mm256_loadu_ps(c.savings + r + 8 * g);
      const auto below = _mm256_and_ps(_mm256_cmp_ps(income, rent, _CMP_LT_OQ), _mm256_cmp_ps(savings, rent, _CMP_LT_OQ));
      const auto enough =
          _mm256_and_ps(_mm256_cmp_ps(income, affordable, _CMP_GE_OQ), _mm256_cmp_ps(savings, deposit, _CMP_GE_OQ));
      poor |= static_cast<std::uint32_t>(_mm256_movemask_ps(below)) << (8 * g);
      can_afford |= static_cast<std::uint32_t>(_mm256_movemask_ps(enough)) << (8 * g);
    }
    const std::uint32_t behind = by_tenure[code(Tenure::formal_private)] & adult & active & poor;
    const std::uint32_t listed = by_tenure[code(Tenure::unhoused)] | by_tenure[code(Tenure::homeless)] | behind |
                                 (by_tenure[code(Tenure::informal)] & adult & can_afford) |
                                 by_tenure[code(Tenure::reception)];
    m = append_rows(listed, r, c.id, rows, ids, m);
  }
  begin = r;
  return m;
}

}  // namespace
#endif

std::size_t survey_tenure(const TenureColumns& c, const TenureTests& tests, std::uint32_t begin, std::uint32_t end,
                          std::int64_t* residents, std::uint32_t* rows, std::uint64_t* ids) {
  std::size_t m = 0;
#if defined(__x86_64__)
  if (cpu_has_avx2()) m = survey_avx2(c, tests, begin, end, residents, rows, ids);
#endif
  return m + survey_tenure_plain(c, tests, begin, end, residents, rows + m, ids + m);
}

}  // namespace mobsim::models
