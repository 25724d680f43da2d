#include "clock.hpp"

#include <cstdio>
#include <string>

namespace mobsim {

Clock Clock::from(const ScenarioSpec& spec) {
  Clock clock;
  const std::string& start = spec.text("run.start");
  clock.start_year = std::stoi(start.substr(0, 4));
  clock.start_month = std::stoi(start.substr(5, 2));
  clock.step_months = static_cast<int>(spec.integer("run.step_months"));
  clock.steps = static_cast<int>(spec.integer("run.duration_months") / clock.step_months);
  return clock;
}

std::string Clock::label(int t) const {
  const int months = (start_month - 1) + months_since_start(t);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", start_year + months / 12, months % 12 + 1);
  return buf;
}

int Clock::months_until(const std::string& month) const {
  const int year = std::stoi(month.substr(0, 4));
  const int m = std::stoi(month.substr(5, 2));
  return (year - start_year) * 12 + (m - start_month);
}

std::string Clock::cf_units() const {
  char buf[48];
  std::snprintf(buf, sizeof buf, "months since %04d-%02d-01", start_year, start_month);
  return buf;
}

}  // namespace mobsim
