#pragma once
// `mobsim run`'s checkpoints (docs/CHECKPOINTS.md): where they go, what a
// run continues from, and the RunControl that writes them and stops the
// run on a signal.
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "checkpoint_file.hpp"
#include "engine.hpp"
#include "forking.hpp"

namespace mobsim {

struct CheckpointOptions {
  std::string folder;   // --checkpoint-dir ("" : OUTPUT.checkpoint, written only on a stop)
  int every = 0;        // --checkpoint-every (steps); 0 with a folder: 12 months' worth
  std::string restart;  // --restart (a checkpoint folder, or a file in one)
  std::string from;     // --from: fork from a base's checkpoints (a folder, or a file in one)
  int stop_after = 0;   // --stop-after: stop with checkpoints after this many steps (a warm-up)
};

// The checkpoint folder `--restart` names: the folder itself, or the
// folder of a checkpoint file in it.
std::filesystem::path restart_folder(const std::string& given);
// Whether `folder` holds a checkpoint file (replicate-NNNN.ckpt).
bool holds_checkpoints(const std::filesystem::path& folder);

class RunCheckpoints {
 public:
  // `loaded`: the checkpoints to continue from (empty: from scratch),
  // already checked against `run`. `output`: the run's output path, beside
  // which the default folder goes. Creates an explicit folder, removes
  // temporary files left in it (notes) and refuses one that holds
  // checkpoints of another run (CheckpointError).
  RunCheckpoints(const CheckpointOptions& options, const CheckpointRun& run, const std::filesystem::path& output,
                 int step_months, std::vector<std::unique_ptr<LoadedCheckpoint>> loaded,
                 std::vector<std::string>& notes);

  // Starts every replicate from the base's checkpoints instead (a fork).
  void fork_from(ForkSource source);

  RunControl control();
  const std::filesystem::path& folder() const { return folder_; }
  bool written() const { return written_; }
  // Replicates continued from a checkpoint, and how many of those had finished.
  int resumed() const { return resumed_; }
  int resumed_finished() const { return resumed_finished_; }

 private:
  void write(std::size_t replicate, int step, const std::vector<Frame>& frames, const StateSaver* state);

  CheckpointRun run_;
  std::filesystem::path folder_;
  bool explicit_ = false;
  int every_ = 0;
  std::vector<std::unique_ptr<LoadedCheckpoint>> loaded_;
  std::unique_ptr<ForkSource> fork_;
  int stop_after_ = 0;
  int resumed_ = 0, resumed_finished_ = 0;
  std::mutex mutex_;
  bool folder_made_ = false, written_ = false;
};

}  // namespace mobsim
