#pragma once
// The command line: `mobsim run`, `mobsim validate`, `mobsim docs`. Returns
// the process exit code: 0 success, 2 bad input (scenario or usage; nothing
// is run and no output is written), 1 any other failure.
#include <ostream>

#include "model.hpp"

namespace mobsim {

int run_cli(int argc, const char* const* argv, const ModelRegistry& registry, std::ostream& out, std::ostream& err);

}  // namespace mobsim
