#pragma once
// `mobsim parameters` (the numeric parameters of a scenario's models with
// their values and ranges) and the analysis commands that run many
// scenarios and read them against observed targets: `mobsim sensitivity`
// and `mobsim calibrate`, carried out by the Python drivers in scripts/
// (scikit-learn and scipy are Python libraries), which this program starts
// with the same arguments (docs/CALIBRATION.md).
#include <ostream>
#include <string>
#include <vector>

#include "engine.hpp"

namespace mobsim {

struct ParametersArgs {
  std::string file;
  std::vector<std::string> sets;
  bool plausible_only = false;  // only those with a plausible range
  std::string format = "text";  // text | tsv
};
int cmd_parameters(const ParametersArgs& args, const ModelRegistry& registry, std::ostream& out);

// Replaces this process with `python3 scripts/<script> --mobsim <this
// program> ARGS...`; returns only on failure (exit code 2 with a message).
int exec_python_driver(const std::string& script, const std::vector<std::string>& args, std::ostream& err);

}  // namespace mobsim
