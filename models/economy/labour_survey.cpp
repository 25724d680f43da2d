// The labour-force survey in two forms with identical results (counts and
// lists are integers): plain C++, and AVX2 over blocks of 32 agents, whose
// states are mixed at random so that a branch per agent would often be
// mispredicted. The AVX2 form counts by comparing a block's job codes with
// each code in use, and lists the agents taking part from a bit mask.
#include <algorithm>

#include "agents.hpp"
#include "avx2.hpp"
#include "labour_market.hpp"
#include "parallel.hpp"
#include "shared_state.hpp"


namespace mobsim::models {

namespace {

// One agent; returns whether it takes part (is listed).
inline bool survey_one(const LabourColumns& c, const LabourSurveyRules& rules, std::uint32_t r, std::int64_t* by_job,
                       std::int64_t* labour_force) {
  const std::uint8_t e = c.employment[r];
  if ((e != code(Employment::employed)) & (c.job[r] != kNoJob)) c.job[r] = kNoJob;  // rare: no store otherwise
  const int age = c.age_months[r];
  const bool retiring = (e != code(Employment::inactive)) & (age >= rules.retirement_months);
  if (retiring) {
    c.employment[r] = code(Employment::inactive);
    c.job[r] = kNoJob;
  }
  const bool entering = (e == code(Employment::inactive)) & (age >= rules.entry_months) &
                        (age < rules.entry_months + rules.step_months);
  const bool working = (e == code(Employment::employed)) & !retiring;
  const bool settled = working & (c.next_separation[r] > rules.step);
  by_job[c.job[r]] += settled;
  labour_force[c.skill[r]] += settled;
  return (((e != code(Employment::inactive)) & !retiring) | entering) & !settled;
}

}  // namespace

std::size_t survey_labour_force_plain(const LabourColumns& c, const LabourSurveyRules& rules, std::uint32_t begin,
                                      std::uint32_t end, std::int64_t* by_job, std::int64_t* labour_force,
                                      std::uint32_t* rows, std::uint64_t* ids) {
  std::size_t m = 0;
  for (std::uint32_t r = begin; r < end; ++r) {
    rows[m] = r;
    ids[m] = c.id[r];
    m += survey_one(c, rules, r, by_job, labour_force);
  }
  return m;
}

#if defined(__x86_64__)
namespace {

__attribute__((target("avx2"))) inline std::int64_t count(__m256i byte_mask) {
  return __builtin_popcount(avx2::bits(byte_mask));
}

__attribute__((target("avx2"))) std::size_t survey_avx2(const LabourColumns& c, const LabourSurveyRules& rules,
                                                        std::uint32_t& begin, std::uint32_t end, std::int64_t* by_job,
                                                        std::int64_t* labour_force, std::uint32_t* rows,
                                                        std::uint64_t* ids) {
  // Ages and steps fit in signed 16 bits (ages below 130 years, steps below
  // 32768); x >= a is tested as x > a - 1.
  const __m256i retire_below = _mm256_set1_epi16(static_cast<std::int16_t>(rules.retirement_months - 1));
  const __m256i entry_below = _mm256_set1_epi16(static_cast<std::int16_t>(rules.entry_months - 1));
  const __m256i entry_end_below =
      _mm256_set1_epi16(static_cast<std::int16_t>(rules.entry_months + rules.step_months - 1));
  const __m256i after_step = _mm256_set1_epi16(static_cast<std::int16_t>(rules.step + 1));
  const __m256i zero = _mm256_setzero_si256(), ones = _mm256_set1_epi8(-1);
  const __m256i inactive = _mm256_set1_epi8(code(Employment::inactive));
  const __m256i employed = _mm256_set1_epi8(code(Employment::employed));
  std::size_t m = 0;
  std::uint32_t r = begin;
  for (; r + 32 <= end; r += 32) {
    const __m256i e = avx2::load(c.employment + r);
    const __m256i job = avx2::load(c.job + r);
    const __m256i age_low = avx2::load(c.age_months + r), age_high = avx2::load(c.age_months + r + 16);
    const __m256i next_low = avx2::load(c.next_separation + r), next_high = avx2::load(c.next_separation + r + 16);
    const __m256i is_inactive = _mm256_cmpeq_epi8(e, inactive);
    const __m256i is_employed = _mm256_cmpeq_epi8(e, employed);
    const __m256i retirement_age = avx2::pack16(_mm256_cmpgt_epi16(age_low, retire_below),
                                              _mm256_cmpgt_epi16(age_high, retire_below));
    const __m256i stale_job = _mm256_andnot_si256(is_employed, _mm256_xor_si256(_mm256_cmpeq_epi8(job, zero), ones));
    const __m256i retiring = _mm256_andnot_si256(is_inactive, retirement_age);
    if (!_mm256_testz_si256(_mm256_or_si256(stale_job, retiring), _mm256_or_si256(stale_job, retiring))) {
      // Rare: a job to clear or a worker retiring in this block.
      for (std::uint32_t q = r; q < r + 32; ++q) {
        rows[m] = q;
        ids[m] = c.id[q];
        m += survey_one(c, rules, q, by_job, labour_force);
      }
      continue;
    }
    // Unsigned next >= step + 1.
    const __m256i later =
        avx2::pack16(_mm256_cmpeq_epi16(_mm256_max_epu16(next_low, after_step), next_low),
                   _mm256_cmpeq_epi16(_mm256_max_epu16(next_high, after_step), next_high));
    const __m256i coming_of_age = avx2::pack16(
        _mm256_andnot_si256(_mm256_cmpgt_epi16(age_low, entry_end_below), _mm256_cmpgt_epi16(age_low, entry_below)),
        _mm256_andnot_si256(_mm256_cmpgt_epi16(age_high, entry_end_below), _mm256_cmpgt_epi16(age_high, entry_below)));
    const __m256i settled = _mm256_and_si256(is_employed, later);
    // Listed: in the labour force (or coming of age) and not settled.
    const __m256i takes = _mm256_andnot_si256(
        settled, _mm256_or_si256(_mm256_xor_si256(is_inactive, ones), _mm256_and_si256(is_inactive, coming_of_age)));
    const __m256i settled_job = _mm256_and_si256(job, settled);  // 0 where not settled
    for (std::size_t v = 1; v < rules.job_codes; ++v)
      by_job[v] += count(_mm256_cmpeq_epi8(settled_job, _mm256_set1_epi8(static_cast<char>(v))));
    by_job[0] += count(_mm256_and_si256(settled, _mm256_cmpeq_epi8(job, zero)));
    const __m256i skill = avx2::load(c.skill + r);
    for (int s = 0; s < kSkillLevels; ++s)
      labour_force[s] += count(_mm256_and_si256(settled, _mm256_cmpeq_epi8(skill, _mm256_set1_epi8(static_cast<char>(s)))));
    m = append_rows(avx2::bits(takes), r, c.id, rows, ids, m);
  }
  begin = r;
  return m;
}

}  // namespace
#endif

std::size_t survey_labour_force(const LabourColumns& c, const LabourSurveyRules& rules, std::uint32_t begin,
                                std::uint32_t end, std::int64_t* by_job, std::int64_t* labour_force,
                                std::uint32_t* rows, std::uint64_t* ids) {
  std::size_t m = 0;
#if defined(__x86_64__)
  if (cpu_has_avx2()) m = survey_avx2(c, rules, begin, end, by_job, labour_force, rows, ids);
#endif
  return m + survey_labour_force_plain(c, rules, begin, end, by_job, labour_force, rows + m, ids + m);
}

}  // namespace mobsim::models
