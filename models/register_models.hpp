#pragma once
#include "model.hpp"

namespace mobsim::models {

// Registers every built-in model of models/model_list.hpp, in its order.
void register_all(ModelRegistry& registry);
// A registry holding every built-in model (built once).
const ModelRegistry& builtin_registry();

// The ModelInfo of each built-in model (one per line of model_list.hpp).
#define MOBSIM_MODEL(make_info) ModelInfo make_info();
#include "model_list.hpp"
#undef MOBSIM_MODEL

}  // namespace mobsim::models
