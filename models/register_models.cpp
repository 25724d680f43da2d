#include "register_models.hpp"

namespace mobsim::models {

void register_all(ModelRegistry& registry) {
#define MOBSIM_MODEL(make_info) registry.add(make_info());
#include "model_list.hpp"
#undef MOBSIM_MODEL
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
