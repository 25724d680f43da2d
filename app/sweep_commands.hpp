#pragma once
// `mobsim sweep` (expand and check a sweep, print its points) and `mobsim
// gather` (collect the points' outputs into one file): docs/SWEEPS.md.
// `mobsim run --sweep SWEEP --task K` runs point K (app/cli.cpp).
#include <optional>
#include <ostream>
#include <string>

#include "engine.hpp"
#include "sweep.hpp"

namespace mobsim {

struct SweepArgs {
  std::string file;
  std::string format = "text";  // text | csv
  bool count = false;           // print only the number of points
};
int cmd_sweep(const SweepArgs& args, const ModelRegistry& registry, std::ostream& out);

struct GatherArgs {
  std::string sweep, folder, output;
  bool allow_missing = false;
  bool overwrite = false;
};
int cmd_gather(const GatherArgs& args, const ModelRegistry& registry, std::ostream& out, std::ostream& err);

// The point a `run --sweep` runs: --task, else SLURM_ARRAY_TASK_ID; throws
// UsageError when neither is given or it is outside the sweep.
std::size_t sweep_task(const SweepSpec& sweep, std::optional<int> task);

// The scenario of point k (the sweep's overrides, then `extra`).
ScenarioSpec sweep_point_scenario(const SweepSpec& sweep, std::size_t point, const std::vector<std::string>& extra,
                                  const ModelRegistry& registry, const ParamTable& table);

}  // namespace mobsim
