#pragma once
// Parameters the engine itself reads: the run, the world, and the core
// fields of every city.
#include <vector>

#include "param.hpp"
#include "scenario_loader.hpp"

namespace mobsim {

void declare_engine_params(ParamTable& table);
std::vector<ScenarioCheck> engine_checks();

// A city's residents at run.start: its population figure, dated 1 July of
// population_year, carried to the start month at population_growth_per_year.
double years_from_reference(const CollectionEntry& city, const ScenarioSpec& spec);
std::int64_t population_at_start(const CollectionEntry& city, const ScenarioSpec& spec);

// Number of agents representing a city of `population` persons at the scale
// `people_per_agent` (rounded to nearest).
std::int64_t agents_for(std::int64_t population, std::int64_t people_per_agent);

}  // namespace mobsim
