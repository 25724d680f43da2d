#include "shared_state.hpp"

namespace mobsim::models {

Sectors::Sectors(const ScenarioSpec& spec) {
  for (const auto& e : spec.entries("sectors")) {
    names.push_back(e.name);
    wage_index.push_back(e.real("wage_index"));
    separation_rate_per_year.push_back(e.real("separation_rate_per_year"));
    relative_demand_growth_per_year.push_back(e.real("relative_demand_growth_per_year"));
    informal.push_back(e.flag("informal"));
    if (informal.back()) informal_sector = static_cast<int>(names.size() - 1);
  }
}

int Sectors::index(const std::string& name) const {
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<int>(i);
  return -1;
}

}  // namespace mobsim::models
