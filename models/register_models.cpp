#include "register_models.hpp"

namespace mobsim::models {

void register_all(ModelRegistry& registry) {
  // Slots run in this order within each phase of the step.
  registry.add_slot({"population", "How the initial agents are built from the city data", false});
  registry.add_slot({"demography", "Ageing, deaths and births", true});
  registry.add_slot({"hinterland", "Arrivals from each city's rural hinterland (internal migration)", true});
  registry.add_slot({"migration", "Moves between the simulated cities", true});

  registry.add(census_population());
  registry.add(crude_rate_demography());
  registry.add(constant_rate_hinterland());
  registry.add(gravity_migration());
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
