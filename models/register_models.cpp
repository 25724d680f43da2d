#include "register_models.hpp"

namespace mobsim::models {

void register_all(ModelRegistry& registry) {
  // Slots run in this order within each phase of the step.
  registry.add_slot({"population", "How the initial agents are built from the city data", false});
  // Policy instruments: what is in force is set first in each step.
  registry.add_slot({"free_movement", "Free-movement blocs and changes to them", true});
  registry.add_slot({"mobility_shocks", "Windows with fewer international moves and sector demand shocks", true});
  registry.add_slot({"skills_recognition", "Programmes that recognise foreign qualifications", true});
  registry.add_slot({"undocumented_access", "Undocumented residents' access to work and services; city ID cards", true});
  registry.add_slot({"housing_programmes", "Dwellings built by cities and public shares of construction", true});
  registry.add_slot({"job_programmes", "Jobs created for target groups", true});
  registry.add_slot({"regularisation", "Regularisations of irregular residents", true});
  registry.add_slot({"return_support", "Return incentives and reintegration", true});
  // Recruits before migration decisions (which leave participants alone).
  registry.add_slot({"circular_migration", "Circular migration schemes", true});
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
  // Admits the applicants of this step's migration decisions.
  registry.add_slot({"legal_pathways", "Visa quotas per corridor or region pair", true});

  registry.add(census_population());
  registry.add(free_movement_blocs());
  registry.add(mobility_shocks());
  registry.add(skills_recognition());
  registry.add(undocumented_access());
  registry.add(housing_programmes());
  registry.add(job_programmes());
  registry.add(regularisations());
  registry.add(return_support());
  registry.add(circular_schemes());
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
  registry.add(legal_pathways());
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
