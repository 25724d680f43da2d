#pragma once
// Housing an employer or a policy provides (Tenure::provided): circular
// schemes that house their participants for the whole stay, legal pathways
// whose employers house the admitted for their first months. Either way the
// provided housing is outside the city's housing market, and the budget
// charges its residents the city's one cost of provided housing (the field
// kProvidedHousingCostField, owned by the housing market), so every policy
// providing housing in a city must state the same cost.
#include <string>
#include <vector>

#include "declare.hpp"
#include "model.hpp"
#include "scenario.hpp"

namespace mobsim::models {

// One policy entry that provides housing in `cities` (city names).
struct HousingOffer {
  std::string path;  // "circular_schemes.NAME", for messages
  const CollectionEntry* entry = nullptr;
  std::vector<std::string> cities;
  double cost_eur_per_month = 0;
};

// Every entry providing housing, in a fixed order (circular schemes, then
// legal pathways, each in name order).
std::vector<HousingOffer> provided_housing_offers(const ScenarioSpec& spec);

// The declaration of `housing_cost_eur_per_month` for a policy whose entries
// provide housing when `provided_with` says so (e.g. "housing_provided").
ParamDecl provided_housing_cost_param(const std::string& provided_with);

// For the entries of `collection`: an error at housing_cost_eur_per_month
// where an entry's cost differs from that of an earlier offer (in the order
// above) that houses people in one of the same cities.
ScenarioCheck one_provided_housing_cost_per_city(const std::string& collection);

}  // namespace mobsim::models
