#pragma once
// Forks from a warm-up (docs/CHECKPOINTS.md, "Forks"): a scenario that adds
// policies to a base starts from the base's checkpoint instead of from the
// beginning, when nothing that differs between the two has acted before the
// checkpoint. Its output is then identical to running it from the start:
// the draws are keyed by (seed, agent, step, purpose), and up to the
// checkpoint both runs did the same. What a fork may differ in:
//   - policy entries (of collections that declare `acts_from`) added,
//     changed or left out, if neither version acts before the first step
//     after the checkpoint;
//   - run.name, run.description, and fewer replicates than the base.
// Anything else is refused, the first difference named.
#include <cstdint>
#include <string>
#include <vector>

#include "clock.hpp"
#include "engine.hpp"
#include "model.hpp"
#include "param.hpp"
#include "scenario.hpp"

namespace mobsim {

// What a fork takes from its base's checkpoint.
struct ForkPlan {
  int step = 0;  // steps the base's checkpoints had done (the latest of them)
  // By model of the fork's selection: whose configuration differs from the
  // base's, and which therefore starts from its own initialised state (it
  // has not acted yet), instead of the base's.
  std::vector<bool> fresh_model;
  // What the fork changes, in words ("adds circular_schemes.x, in force
  // from 2026-01"), for the run's report.
  std::vector<std::string> changes;
  // The base's entry outputs (/GROUP/ENTRY), in the order of its time points.
  std::vector<EntryOutput> base_entries;
};

// Compares the fork's scenario with its base's (the checkpoint's resolved
// scenario) for a checkpoint after `step` steps. Throws CheckpointError
// naming the first difference that acted before the checkpoint, with the
// fork's file:line:column where it has one.
ForkPlan plan_fork(const ScenarioSpec& base, const ScenarioSpec& fork, const ParamTable& table,
                   const std::vector<const ModelInfo*>& models, const Clock& clock, int step,
                   std::uint32_t base_replicates);

}  // namespace mobsim
