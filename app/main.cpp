// The mobsim executable: the engine's command line with the built-in models.
#include <iostream>

#include "cli.hpp"
#include "register_models.hpp"

int main(int argc, char** argv) {
  mobsim::ModelRegistry registry;
  mobsim::models::register_all(registry);
  return mobsim::run_cli(argc, argv, registry, std::cout, std::cerr);
}
