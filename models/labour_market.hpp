#pragma once
// The labour market's formulas, as plain functions (tested against
// hand-computed cases in tests/models/labour_market_test.cpp).
#include <algorithm>
#include <cmath>

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
