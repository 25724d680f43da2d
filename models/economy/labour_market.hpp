#pragma once
// The labour market's formulas, as plain functions (tested against
// hand-computed cases in tests/models/economy/labour_market_test.cpp).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>

namespace mobsim::models {

// Hires in a step from the Cobb-Douglas matching function
//   H = min(U, V, m * months * U^a * V^(1-a)).
inline double matching_hires(double seekers, double vacancies, double efficiency_per_month, double elasticity,
                             double months) {
  if (seekers <= 0 || vacancies <= 0) return 0.0;
  const double matches =
      efficiency_per_month * months * std::pow(seekers, elasticity) * std::pow(vacancies, 1.0 - elasticity);
  return std::min({seekers, vacancies, matches});
}

// Vacancies at which expected hires equal `separations` (a stationary start):
// the inverse of matching_hires in V.
inline double stationary_vacancies(double separations, double seekers, double efficiency_per_month, double elasticity,
                                   double months) {
  if (seekers <= 0) return separations;
  return std::pow(separations / (efficiency_per_month * months * std::pow(seekers, elasticity)),
                  1.0 / (1.0 - elasticity));
}

// Wage curve: wages relative to the start, (u / u0)^(-elasticity), kept
// within [0.5, 2] (and 1 where either rate is zero).
inline double wage_curve_factor(double unemployment, double reference, double elasticity) {
  if (unemployment <= 0 || reference <= 0) return 1.0;
  return std::clamp(std::pow(unemployment / reference, -elasticity), 0.5, 2.0);
}

}  // namespace mobsim::models

// ---- the labour-force survey: the one pass over every agent each step ----

namespace mobsim::models {

// The columns of one city's agents the survey reads and writes.
struct LabourColumns {
  const std::uint64_t* id;
  const std::uint16_t* age_months;
  const std::uint8_t* skill;
  const std::uint16_t* next_separation;  // step of a worker's next separation opportunity
  std::uint8_t* employment;
  std::uint8_t* job;
};

struct LabourSurveyRules {
  int retirement_months;
  int entry_months;       // age of entry into the labour force
  int step_months;
  std::uint32_t step;
  std::size_t job_codes;  // job codes in use: 1 + sectors x skill levels
};

// Rows [begin, end): clears the job of anyone not employed (other models
// may end employment, e.g. a move leaves the job behind), retires workers
// of retirement age, counts employed workers between separation
// opportunities ("settled": nothing to draw for them this step) by job code
// into by_job[0 .. job_codes) and by skill into labour_force[0 .. 3), and
// lists in `rows` and `ids` everyone else in the labour force and those
// coming of age, in row order. Returns how many were listed. `rows` and
// `ids` need room for end - begin entries.
std::size_t survey_labour_force_plain(const LabourColumns& c, const LabourSurveyRules& rules, std::uint32_t begin,
                                      std::uint32_t end, std::int64_t* by_job, std::int64_t* labour_force,
                                      std::uint32_t* rows, std::uint64_t* ids);

// The same results, 32 agents at a time where the processor has AVX2.
std::size_t survey_labour_force(const LabourColumns& c, const LabourSurveyRules& rules, std::uint32_t begin,
                                std::uint32_t end, std::int64_t* by_job, std::int64_t* labour_force,
                                std::uint32_t* rows, std::uint64_t* ids);

}  // namespace mobsim::models
