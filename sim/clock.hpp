#pragma once
// Simulated calendar. Time index t = 0 is the initial state at `start`; the
// state after step t is dated start + t * step_months. The model resolves
// months, not days: each month is 1/12 of a year.
#include <string>

#include "scenario.hpp"

namespace mobsim {

struct Clock {
  int start_year = 2025;
  int start_month = 1;  // 1..12
  int step_months = 1;
  int steps = 0;

  static Clock from(const ScenarioSpec& spec);

  double years_per_step() const { return step_months / 12.0; }
  int months_since_start(int t) const { return t * step_months; }
  int time_points() const { return steps + 1; }
  // "YYYY-MM" of time index t.
  std::string label(int t) const;
  // CF time units of the output's time coordinate.
  std::string cf_units() const;
};

}  // namespace mobsim
