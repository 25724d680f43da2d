// The budget update in two forms with identical results: plain C++, and
// AVX2 with gathers for the wage and rent lookups (GCC 12 will not turn the
// table lookups into gathers itself). Each lane does the plain form's
// operations in the same order and precision, and the build forbids FMA
// contraction, so the results are the same bit for bit.
#include "household_budget.hpp"
#include "avx2.hpp"

#include <algorithm>


namespace mobsim::models {

void update_budgets_plain(const Incomes& in, const BudgetStep& step, float* savings, float* income,
                          std::uint32_t begin, std::uint32_t end) {
  for (std::uint32_t r = begin; r < end; ++r) {
    const float adult = in.age[r] >= step.adult_months;
    const float earned = in.monthly(r);
    const float balance = savings[r] + step.received + (earned - step.living - in.rent(r)) * step.step_months;
    if (income) income[r] = adult * earned;
    savings[r] = adult * std::max(0.0f, balance);
  }
}

void adult_incomes_plain(const Incomes& in, int adult_months, float* income, std::uint32_t begin, std::uint32_t end) {
  for (std::uint32_t r = begin; r < end; ++r) {
    const float adult = in.age[r] >= adult_months;
    income[r - begin] = adult * in.monthly(r);
  }
}

#if defined(__x86_64__)
namespace {

__attribute__((target("avx2"))) inline __m256i load8_u8(const std::uint8_t* p) {
  return _mm256_cvtepu8_epi32(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(p)));
}

// 1.0f where the 32-bit lanes of a and b are equal, else 0.0f.
__attribute__((target("avx2"))) inline __m256 equal_as_one(__m256i a, __m256i b) {
  return _mm256_and_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(a, b)), _mm256_set1_ps(1.0f));
}

// Incomes::monthly for eight rows, and whether each is an adult (1.0f / 0.0f).
struct Earnings8 {
  __m256i employed, unemployed, inactive, irregular, asylum_seeker, adult_below, pension_below, contributed_by;
  __m256 one, benefit, pension, allowance, fallback;
  // The wage table in vectors of eight (codes from 8 x wage_vectors on earn 0):
  // a permutation per vector and a blend instead of a gather, which costs
  // several times more on some processors (AMD Zen among them).
  __m256 wages[8];
  int wage_vectors = 0;
  bool jobs, arrivals;

  __attribute__((target("avx2"))) Earnings8(const Incomes& in, int adult_months)
      : employed(_mm256_set1_epi32(code(Employment::employed))),
        unemployed(_mm256_set1_epi32(code(Employment::unemployed))),
        inactive(_mm256_set1_epi32(code(Employment::inactive))),
        irregular(_mm256_set1_epi32(code(LegalStatus::irregular))),
        asylum_seeker(_mm256_set1_epi32(code(LegalStatus::asylum_seeker))),
        // age >= a  <=>  age > a - 1 (ages are small non-negative integers).
        adult_below(_mm256_set1_epi32(adult_months - 1)),
        pension_below(_mm256_set1_epi32(in.pension_age_months - 1)),
        contributed_by(_mm256_set1_epi32(in.contributed_by_arrival_step)),
        one(_mm256_set1_ps(1.0f)),
        benefit(_mm256_set1_ps(in.benefit)),
        pension(_mm256_set1_ps(in.pension)),
        allowance(_mm256_set1_ps(in.asylum_allowance)),
        fallback(_mm256_set1_ps(in.fallback_wage)),
        jobs(!in.job.empty()),
        arrivals(!in.arrival.empty()) {
    static_assert(std::tuple_size_v<decltype(in.wage_by_job)> == 64);
    int used = 0;  // codes up to the last with a wage
    for (int k = 0; k < 64; ++k)
      if (in.wage_by_job[static_cast<std::size_t>(k)] != 0.0f) used = k + 1;
    wage_vectors = std::max(1, (used + 7) / 8);
    for (int v = 0; v < wage_vectors; ++v) wages[v] = _mm256_loadu_ps(in.wage_by_job.data() + 8 * v);
  }

  // wage_by_job[job] lane by lane (0 beyond the table).
  __attribute__((target("avx2"))) __m256 wage_of(__m256i job) const {
    __m256 w = _mm256_permutevar8x32_ps(wages[0], job);
    for (int v = 1; v < wage_vectors; ++v) {
      const __m256 from_v = _mm256_castsi256_ps(_mm256_cmpgt_epi32(job, _mm256_set1_epi32(8 * v - 1)));
      w = _mm256_blendv_ps(w, _mm256_permutevar8x32_ps(wages[v], job), from_v);
    }
    return _mm256_andnot_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(job, _mm256_set1_epi32(8 * wage_vectors - 1))), w);
  }

  __attribute__((target("avx2"))) __m256 earned(const Incomes& in, std::uint32_t r, __m256& adult) const {
    const __m256i e = load8_u8(in.employment.data() + r);
    const __m256i age =
        _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in.age.data() + r)));
    const __m256 wage = jobs ? wage_of(load8_u8(in.job.data() + r))
                             : _mm256_mul_ps(equal_as_one(e, employed), fallback);
    const __m256i legal = load8_u8(in.legal.data() + r);
    const __m256 asylum = equal_as_one(legal, asylum_seeker);
    __m256 entitled = _mm256_sub_ps(_mm256_sub_ps(one, equal_as_one(legal, irregular)), asylum);
    if (arrivals) {
      // arrival == 0 or arrival <= contributed_by (1.0f), else 0.0f.
      const __m256i arrival =
          _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in.arrival.data() + r)));
      const __m256i late = _mm256_andnot_si256(_mm256_cmpeq_epi32(arrival, _mm256_setzero_si256()),
                                               _mm256_cmpgt_epi32(arrival, contributed_by));
      entitled = _mm256_andnot_ps(_mm256_castsi256_ps(late), entitled);
    }
    const __m256 benefits = _mm256_mul_ps(_mm256_mul_ps(equal_as_one(e, unemployed), entitled), benefit);
    const __m256 reception =
        _mm256_mul_ps(_mm256_mul_ps(asylum, _mm256_sub_ps(one, equal_as_one(e, employed))), allowance);
    const __m256 retired = _mm256_and_ps(
        _mm256_castsi256_ps(_mm256_and_si256(_mm256_cmpeq_epi32(e, inactive), _mm256_cmpgt_epi32(age, pension_below))),
        one);
    adult = _mm256_and_ps(_mm256_castsi256_ps(_mm256_cmpgt_epi32(age, adult_below)), one);
    return _mm256_add_ps(_mm256_add_ps(_mm256_add_ps(wage, benefits), reception), _mm256_mul_ps(retired, pension));
  }
};

__attribute__((target("avx2"))) std::uint32_t update_budgets_avx2(const Incomes& in, const BudgetStep& step,
                                                                  float* savings, float* income, std::uint32_t begin,
                                                                  std::uint32_t end) {
  const Earnings8 earnings(in, step.adult_months);
  const __m256 zero = _mm256_setzero_ps();
  const __m256 living = _mm256_set1_ps(step.living), received = _mm256_set1_ps(step.received);
  const __m256 months = _mm256_set1_ps(step.step_months);
  const bool tenures = !in.tenure.empty();
  std::uint32_t r = begin;
  for (; r + 8 <= end; r += 8) {
    __m256 adult;
    const __m256 earned = earnings.earned(in, r, adult);
    const __m256 rent = tenures ? _mm256_i32gather_ps(in.rent_by_tenure.data(), load8_u8(in.tenure.data() + r), 4) : zero;
    const __m256 net = _mm256_mul_ps(_mm256_sub_ps(_mm256_sub_ps(earned, living), rent), months);
    const __m256 balance = _mm256_add_ps(_mm256_add_ps(_mm256_loadu_ps(savings + r), received), net);
    if (income) _mm256_storeu_ps(income + r, _mm256_mul_ps(adult, earned));
    // max(balance, 0) gives 0 for NaN and -0 as std::max(0.0f, balance) does.
    _mm256_storeu_ps(savings + r, _mm256_mul_ps(adult, _mm256_max_ps(balance, zero)));
  }
  return r;
}

__attribute__((target("avx2"))) std::uint32_t adult_incomes_avx2(const Incomes& in, int adult_months, float* income,
                                                                 std::uint32_t begin, std::uint32_t end) {
  const Earnings8 earnings(in, adult_months);
  std::uint32_t r = begin;
  for (; r + 8 <= end; r += 8) {
    __m256 adult;
    const __m256 earned = earnings.earned(in, r, adult);
    _mm256_storeu_ps(income + (r - begin), _mm256_mul_ps(adult, earned));
  }
  return r;
}

}  // namespace
#endif

void update_budgets(const Incomes& in, const BudgetStep& step, float* savings, float* income, std::uint32_t begin,
                    std::uint32_t end) {
#if defined(__x86_64__)
  if (cpu_has_avx2()) begin = update_budgets_avx2(in, step, savings, income, begin, end);
#endif
  update_budgets_plain(in, step, savings, income, begin, end);
}

void adult_incomes(const Incomes& in, int adult_months, float* income, std::uint32_t begin, std::uint32_t end) {
#if defined(__x86_64__)
  if (cpu_has_avx2()) {
    const std::uint32_t done = adult_incomes_avx2(in, adult_months, income, begin, end);
    income += done - begin;
    begin = done;
  }
#endif
  adult_incomes_plain(in, adult_months, income, begin, end);
}

}  // namespace mobsim::models
