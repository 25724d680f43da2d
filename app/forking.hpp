#pragma once
// `mobsim run POLICY.toml --from WARM_UP` (docs/CHECKPOINTS.md, "Forks"):
// the base's checkpoints, checked against the policy scenario, and the plan
// that starts each of its replicates from them.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "checkpoint_file.hpp"
#include "fork.hpp"
#include "model.hpp"

namespace mobsim {

struct ForkSource {
  std::filesystem::path folder;
  std::vector<std::unique_ptr<LoadedCheckpoint>> base;  // by replicate
  ForkPlan plan;
};

// Loads the checkpoints in `folder` (or the folder of a checkpoint file)
// and plans the fork of `spec` from them. Throws CheckpointError when they
// are corrupt, of another program, of finished replicates or too few, or
// when the scenarios differ in anything that acted before the checkpoint.
ForkSource load_fork_source(const std::string& from, const ScenarioSpec& spec, const ModelRegistry& registry,
                            const std::string& program);

}  // namespace mobsim
