// Senders and adults, in two forms with identical results: plain C++, and
// AVX2 over blocks of 32 agents (a bit mask per block).
#include "remittances_kernel.hpp"
#include "avx2.hpp"

#include "agents.hpp"


namespace mobsim::models {

SenderSurvey survey_senders_plain(const SenderColumns& c, std::uint16_t own, std::uint16_t own_hinterland,
                                  int adult_months, std::uint32_t begin, std::uint32_t end, std::uint32_t* rows) {
  SenderSurvey out;
  for (std::uint32_t r = begin; r < end; ++r) {
    rows[out.senders] = r;
    out.senders += static_cast<std::size_t>((c.employment[r] == code(Employment::employed)) & (c.origin[r] != own) &
                                            (c.origin[r] != own_hinterland));
    out.adults += c.age_months[r] >= adult_months;
  }
  return out;
}

#if defined(__x86_64__)
namespace {

__attribute__((target("avx2"))) SenderSurvey survey_senders_avx2(const SenderColumns& c, std::uint16_t own,
                                                                 std::uint16_t own_hinterland, int adult_months,
                                                                 std::uint32_t& begin, std::uint32_t end,
                                                                 std::uint32_t* rows) {
  const __m256i employed = _mm256_set1_epi8(static_cast<char>(code(Employment::employed)));
  const __m256i here = _mm256_set1_epi16(static_cast<std::int16_t>(own));
  const __m256i hinterland = _mm256_set1_epi16(static_cast<std::int16_t>(own_hinterland));
  const __m256i adult_below = _mm256_set1_epi16(static_cast<std::int16_t>(adult_months - 1));  // ages < 32768
  SenderSurvey out;
  std::uint32_t r = begin;
  for (; r + 32 <= end; r += 32) {
    const __m256i origin_low = avx2::load(c.origin + r), origin_high = avx2::load(c.origin + r + 16);
    const std::uint32_t local =
        avx2::bits16(_mm256_or_si256(_mm256_cmpeq_epi16(origin_low, here), _mm256_cmpeq_epi16(origin_low, hinterland)),
             _mm256_or_si256(_mm256_cmpeq_epi16(origin_high, here), _mm256_cmpeq_epi16(origin_high, hinterland)));
    const auto working = avx2::bits(_mm256_cmpeq_epi8(avx2::load(c.employment + r), employed));
    for (std::uint32_t senders = working & ~local; senders != 0; senders &= senders - 1)
      rows[out.senders++] = r + static_cast<std::uint32_t>(__builtin_ctz(senders));
    out.adults += __builtin_popcount(avx2::bits16(_mm256_cmpgt_epi16(avx2::load(c.age_months + r), adult_below),
                                          _mm256_cmpgt_epi16(avx2::load(c.age_months + r + 16), adult_below)));
  }
  begin = r;
  return out;
}

}  // namespace
#endif

SenderSurvey survey_senders(const SenderColumns& c, std::uint16_t own, std::uint16_t own_hinterland, int adult_months,
                            std::uint32_t begin, std::uint32_t end, std::uint32_t* rows) {
  SenderSurvey out;
#if defined(__x86_64__)
  if (cpu_has_avx2()) out = survey_senders_avx2(c, own, own_hinterland, adult_months, begin, end, rows);
#endif
  const SenderSurvey rest = survey_senders_plain(c, own, own_hinterland, adult_months, begin, end, rows + out.senders);
  return {out.senders + rest.senders, out.adults + rest.adults};
}

}  // namespace mobsim::models
