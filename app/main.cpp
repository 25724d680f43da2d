// The mobsim executable: the engine's command line with the built-in models.
#include <iostream>

#include "cli.hpp"
#include "register_models.hpp"

int main(int argc, char** argv) {
  return mobsim::run_cli(argc, argv, mobsim::models::builtin_registry(), std::cout, std::cerr);
}
