#include "register_models.hpp"

namespace mobsim::models {

void register_all(ModelRegistry& registry) {
  // Slots run in this order within each phase of the step.
  registry.add_slot({"population", "How the initial agents are built from the city data", false});
  registry.add_slot({"demography", "Ageing, deaths and births", true});
  registry.add_slot({"labour", "Jobs, hiring, separations and wages", true});
  registry.add_slot({"housing", "Housing stock, rents and where people live", true});
  registry.add_slot({"legal_status", "Permits, asylum decisions, naturalisation and legal access", true});
  registry.add_slot({"budget", "Income, living costs and savings", true});
  registry.add_slot({"remittances", "Money migrants send home", true});
  registry.add_slot({"hinterland", "Arrivals from each city's rural hinterland (internal migration)", true});
  registry.add_slot({"international", "Arrivals from countries outside the simulated cities", true});
  registry.add_slot({"networks", "Diaspora stocks", true});
  registry.add_slot({"migration", "Moves between the simulated cities", true});

  registry.add(census_population());
  registry.add(crude_rate_demography());
  registry.add(labour_market());
  registry.add(housing_market());
  registry.add(legal_status_model());
  registry.add(household_budget());
  registry.add(remittances());
  registry.add(constant_rate_hinterland());
  registry.add(labour_linked_hinterland());
  registry.add(rest_of_world_immigration());
  registry.add(diaspora_networks());
  registry.add(gravity_migration());
  registry.add(behavioural_migration());
}

const ModelRegistry& builtin_registry() {
  static const ModelRegistry registry = [] {
    ModelRegistry r;
    register_all(r);
    return r;
  }();
  return registry;
}

}  // namespace mobsim::models
