#pragma once
#include "model.hpp"

namespace mobsim::models {

// Registers every built-in model; a new mechanism is one file and one line here.
void register_all(ModelRegistry& registry);
// A registry holding every built-in model (built once).
const ModelRegistry& builtin_registry();

ModelInfo census_population();
ModelInfo crude_rate_demography();
ModelInfo labour_market();
ModelInfo housing_market();
ModelInfo legal_status_model();
ModelInfo household_budget();
ModelInfo remittances();
ModelInfo constant_rate_hinterland();
ModelInfo labour_linked_hinterland();
ModelInfo rest_of_world_immigration();
ModelInfo diaspora_networks();
ModelInfo gravity_migration();
ModelInfo behavioural_migration();
// Policy instruments (models/policy_*.cpp).
ModelInfo free_movement_blocs();
ModelInfo mobility_shocks();
ModelInfo skills_recognition();
ModelInfo undocumented_access();
ModelInfo housing_programmes();
ModelInfo job_programmes();
ModelInfo regularisations();
ModelInfo return_support();
ModelInfo circular_schemes();
ModelInfo legal_pathways();

}  // namespace mobsim::models
