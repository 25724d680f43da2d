#include "provided_housing.hpp"

#include <algorithm>
#include <map>

#include "policy.hpp"

namespace mobsim::models {

namespace {

// The cities of the run that `names` (cities, countries or continents) name.
std::vector<std::string> city_names(const ScenarioSpec& spec, const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const auto& c : spec.entries("cities"))
    for (const auto& n : names)
      if (n == c.name || n == c.text("country") || n == c.text("continent")) {
        out.push_back(c.name);
        break;
      }
  return out;
}

}  // namespace

std::vector<HousingOffer> provided_housing_offers(const ScenarioSpec& spec) {
  std::vector<HousingOffer> offers;
  for (const auto& e : spec.entries("circular_schemes"))
    if (e.flag("housing_provided"))
      offers.push_back(HousingOffer{"circular_schemes." + toml_key(e.name), &e, {e.text("destination")},
                                    e.real("housing_cost_eur_per_month")});
  for (const auto& e : spec.entries("legal_pathways"))
    if (e.real("housing_provided_months") > 0)
      offers.push_back(HousingOffer{"legal_pathways." + toml_key(e.name), &e, city_names(spec, e.names("destinations")),
                                    e.real("housing_cost_eur_per_month")});
  return offers;
}

ParamDecl provided_housing_cost_param(const std::string& provided_with) {
  return real_param("housing_cost_eur_per_month", "EUR per month", 0.0, 0.0, 1.0e4,
                    "What a resident pays for the housing provided, per month (with " + provided_with +
                        "; one cost per city, shared by every policy that provides housing there)",
                    kFromScenario);
}

ScenarioCheck one_provided_housing_cost_per_city(const std::string& collection) {
  return [collection](const ScenarioSpec& spec, std::vector<Diagnostic>& diags) {
    std::map<std::string, const HousingOffer*> first_in;  // city -> the first offer housing people there
    for (const HousingOffer& offer : provided_housing_offers(spec)) {
      const bool mine = offer.path.rfind(collection + ".", 0) == 0;
      for (const auto& city : offer.cities) {
        const auto [it, added] = first_in.try_emplace(city, &offer);
        if (added || it->second->cost_eur_per_month == offer.cost_eur_per_month || !mine) continue;
        const Setting& cost = offer.entry->field("housing_cost_eur_per_month");
        diags.push_back(Diagnostic{cost.is_default ? offer.entry->where : cost.where,
                                   offer.path + ".housing_cost_eur_per_month",
                                   "differs from that of " + it->second->path + ", which also houses people in " + city +
                                       " (the model holds one cost of provided housing per city)",
                                   ""});
        break;  // one message per entry
      }
    }
  };
}

}  // namespace mobsim::models
