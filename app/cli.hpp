#pragma once
// The command line: `mobsim run`, `validate`, `plan`, `compare`, `docs`.
// Returns the process exit code (app/exit_codes.hpp, docs/EXIT_CODES.md).
#include <ostream>

#include "model.hpp"

namespace mobsim {

int run_cli(int argc, const char* const* argv, const ModelRegistry& registry, std::ostream& out, std::ostream& err);

}  // namespace mobsim
