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

std::uint32_t next_recipient_row_plain(const std::uint32_t* household, std::uint32_t base, std::uint32_t largest,
                                       const std::uint64_t* recipients, std::uint32_t begin, std::uint32_t end) {
  for (std::uint32_t r = begin; r < end; ++r) {
    const std::uint32_t serial = household[r] - base;
    if (serial <= largest && ((recipients[serial / 64] >> (serial % 64)) & 1u)) return r;
  }
  return end;
}

#if defined(__x86_64__)
namespace {

// Blocks of eight from begin; returns the first row found, or the first row
// of the block the plain form finishes (advanced in `begin`) with end.
__attribute__((target("avx2"))) std::uint32_t next_recipient_avx2(const std::uint32_t* household, std::uint32_t base,
                                                                  std::uint32_t largest,
                                                                  const std::uint64_t* recipients,
                                                                  std::uint32_t& begin, std::uint32_t end) {
  // The bits as 32-bit words (little-endian): bit s is bit s % 32 of word s / 32.
  const auto* words = reinterpret_cast<const int*>(recipients);
  const __m256i base_v = _mm256_set1_epi32(static_cast<int>(base));
  const __m256i last = _mm256_set1_epi32(static_cast<int>(largest));
  const __m256i low5 = _mm256_set1_epi32(31), one = _mm256_set1_epi32(1);
  std::uint32_t r = begin;
  for (; r + 8 <= end; r += 8) {
    const __m256i serial =
        _mm256_sub_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(household + r)), base_v);
    const __m256i in_range = _mm256_cmpeq_epi32(_mm256_min_epu32(serial, last), serial);
    // Lanes out of range read word 0 (masked gather) and are dropped.
    const __m256i word = _mm256_mask_i32gather_epi32(_mm256_setzero_si256(), words, _mm256_srli_epi32(serial, 5),
                                                     in_range, 4);
    const __m256i bit = _mm256_and_si256(_mm256_srlv_epi32(word, _mm256_and_si256(serial, low5)), one);
    const auto found = static_cast<std::uint32_t>(
        _mm256_movemask_ps(_mm256_castsi256_ps(_mm256_and_si256(in_range, _mm256_cmpeq_epi32(bit, one)))));
    if (found != 0) return r + static_cast<std::uint32_t>(__builtin_ctz(found));
  }
  begin = r;
  return end;
}

}  // namespace
#endif

std::uint32_t next_recipient_row(const std::uint32_t* household, std::uint32_t base, std::uint32_t largest,
                                 const std::uint64_t* recipients, std::uint32_t begin, std::uint32_t end) {
#if defined(__x86_64__)
  if (cpu_has_avx2()) {
    const std::uint32_t found = next_recipient_avx2(household, base, largest, recipients, begin, end);
    if (found != end) return found;
  }
#endif
  return next_recipient_row_plain(household, base, largest, recipients, begin, end);
}

}  // namespace mobsim::models
