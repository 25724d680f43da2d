#pragma once
// What the policy instruments (models/policy_*.cpp) share: time windows,
// target groups of people and places named by city, country or continent.
// Each instrument is a collection of named entries in the scenario, e.g.
//   [circular_schemes.freetown_milan_fashion]
//   origin = "Freetown"
//   start = "2026-01"
// so that a scenario states only the policies it adds to its base.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "clock.hpp"
#include "geography.hpp"
#include "model.hpp"
#include "scenario.hpp"

namespace mobsim::models {

// The source of a policy's terms: the scenario that states them.
inline const std::string kFromScenario = "scenario";

// A policy is in force during the months [start, end) of the calendar: for
// the steps that begin in one of those months. Its effects therefore show
// in the output from the time point after `start` (the state at the end of
// the first step in force) to the time point `end`.
struct Window {
  int start_month = 0;  // months from the start of the run
  int end_month = 0;
  bool contains(const Clock& clock, std::uint32_t step) const {
    const int m = clock.month_of_step(static_cast<int>(step));
    return m >= start_month && m < end_month;
  }
};
Window window_of(const CollectionEntry& entry, const Clock& clock);
// Declarations of `start` (required) and `end` (default: never ends).
std::vector<ParamDecl> window_fields(const std::string& what);
// start must come before end (an error); a window in which no step of the
// run begins is a warning (the policy never acts).
ScenarioCheck window_check(const std::string& collection);
// A policy acting once, at a month `field`: a warning when no step of the run
// begins in that month's step.
ScenarioCheck date_check(const std::string& collection, const std::string& field);
// A quota in persons per year, converted to agents by rounding down: a
// warning when it rounds to zero at the run's scale.
ScenarioCheck quota_scale_check(const std::string& collection, const std::string& field);

// The people a programme is open to.
struct TargetGroup {
  int min_age_months = 0;
  int max_age_months = 0;  // exclusive: the last year of age counts
  int sex = -1;            // -1 any, else a Sex code
  std::array<bool, 3> skill{true, true, true};
  bool matches(std::uint16_t age_months, std::uint8_t sex_code, std::uint8_t skill_code) const {
    return age_months >= min_age_months && age_months < max_age_months && (sex < 0 || sex == sex_code) &&
           skill[skill_code];
  }
};
TargetGroup target_group_of(const CollectionEntry& entry);
// min_age_years, max_age_years, sex, skill_levels.
std::vector<ParamDecl> target_group_fields(std::int64_t min_age_years, std::int64_t max_age_years,
                                           const std::string& source);
// Ages in order; skill level names known.
ScenarioCheck target_group_check(const std::string& collection);

// Cities of the run whose name, country or continent is one of `names`.
std::vector<bool> cities_named(const Geography& geography, const std::vector<std::string>& names);
// Every name in `collection`.<entry>.`field` is a city, country or continent.
ScenarioCheck place_names_check(const std::string& collection, const std::string& field);

// A policy collection with entries needs models in these slots (a scenario
// without such policies runs without them).
ScenarioCheck needs_slots_when_used(const std::string& collection, const std::vector<std::string>& slots);

// Entry names become output group names (/schemes/NAME): no '/'.
ScenarioCheck output_name_check(const std::string& collection);

// Index of a city of the run by name (policies may name cities a smaller run
// leaves out: they then have no effect).
std::optional<std::size_t> city_of_run(const Geography& geography, const std::string& name);

}  // namespace mobsim::models
