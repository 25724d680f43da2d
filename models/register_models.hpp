#pragma once
#include "model.hpp"

namespace mobsim::models {

// Registers every built-in model; a new mechanism is one file and one line here.
void register_all(ModelRegistry& registry);
// A registry holding every built-in model (built once).
const ModelRegistry& builtin_registry();

ModelInfo census_population();
ModelInfo crude_rate_demography();
ModelInfo constant_rate_hinterland();
ModelInfo gravity_migration();

}  // namespace mobsim::models
