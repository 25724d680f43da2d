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
  // Months from the start to a "YYYY-MM" month (negative before the start).
  int months_until(const std::string& month) const;
  // Step t (t >= 1) runs during the months [month_of_step(t), month_of_step(t)
  // + step_months), counted from the start; its state is dated t.
  int month_of_step(int t) const { return (t - 1) * step_months; }
  // Calendar year and month (1..12) in which step t begins.
  int year_of_step(int t) const { return start_year + (start_month - 1 + month_of_step(t)) / 12; }
  int calendar_month_of_step(int t) const { return (start_month - 1 + month_of_step(t)) % 12 + 1; }
  // CF time units of the output's time coordinate.
  std::string cf_units() const;
};

}  // namespace mobsim
