#pragma once
// `mobsim run SCENARIO --draws DRAWS.csv`: the scenario over calibrated
// parameter draws (mobsim calibrate's draws.csv: the parameter keys as the
// header, one draw a row), run.replicates replicates each, in one output.
// Replicate i of the output is replicate i mod R of draw i / R, with the
// replicate seed of index i; `/draw` (replicate) says which draw each
// replicate ran and `/draws/KEY` (draw) its values (docs/OUTPUT.md).
#include <filesystem>
#include <string>
#include <vector>

#include "param.hpp"

namespace mobsim {

struct Draws {
  std::string file;
  std::vector<const ParamDecl*> parameters;  // the header's, in its order
  std::vector<std::vector<double>> values;   // [draw][parameter]

  std::size_t size() const { return values.size(); }
  // The --set overrides of draw d ("key=value", values read back exactly).
  std::vector<std::string> overrides(std::size_t d) const;
};

// Reads and checks a draws file: every header field a real global
// parameter of `table` (the closest name suggested), every value a number
// inside the parameter's valid range, every row complete; throws
// ScenarioError with file:line:column for every problem.
Draws load_draws(const std::string& path, const ParamTable& table);

// Adds /draw and /draws to a finished output file.
void write_draws(const std::filesystem::path& output, const Draws& draws, std::size_t replicates_per_draw);

}  // namespace mobsim
