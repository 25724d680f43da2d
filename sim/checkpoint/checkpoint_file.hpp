#pragma once
// Checkpoint files: one per replicate, in a checkpoint folder
// (docs/CHECKPOINTS.md). A file holds what the run was (program version,
// resolved scenario, seed, replicate), how far the replicate got (its step
// and every time point it has observed, to be written to the output again
// on restart) and, unless the replicate had finished, the state of its
// world and models. It is written beside its final name, flushed and
// renamed into place, the file it replaces kept as the previous
// checkpoint; a CRC-32 over the whole file and the stored lengths refuse a
// corrupt or truncated file.
//
// Layout: "MOBSIMCK" | u32 format | u64 meta bytes | meta | state | u64
// state bytes | u32 CRC-32 of everything before it (little-endian, as
// written; the state's length follows it, so that it is streamed).
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "engine.hpp"
#include "state_archive.hpp"

namespace mobsim {

inline constexpr std::uint32_t kCheckpointFormat = 2;  // 2: world and models as nested items, columns and fields listed

// What a checkpoint says about the run it belongs to.
struct CheckpointRun {
  std::string program;        // "mobsim 0.1.0 (commit)": a restart needs the same program
  std::string scenario_file;  // as given to the first run
  std::string scenario_toml;  // resolved: every parameter, overrides applied
  std::string output;         // the output the run was writing
  std::uint64_t master_seed = 0;
  std::uint32_t replicates = 0;
  std::int32_t steps = 0;  // steps of the whole run

  void archive(StateArchive& ar);
  // Why `other` is not the same run, or "" (the first difference, in words).
  std::string difference(const CheckpointRun& other) const;
};

struct ReplicateCheckpoint {
  CheckpointRun run;
  std::uint32_t replicate = 0;
  std::int32_t step = 0;      // steps done; == run.steps when finished
  std::vector<Frame> frames;  // time points 0..step
  bool finished() const { return step >= run.steps; }
};

// The files of replicate r in `folder`.
std::filesystem::path checkpoint_path(const std::filesystem::path& folder, std::uint32_t replicate);
std::filesystem::path previous_checkpoint_path(const std::filesystem::path& folder, std::uint32_t replicate);
// The replicate a file name is the current checkpoint of (replicate-NNNN.ckpt);
// nullopt for any other name (previous checkpoints, temporary files).
std::optional<std::uint32_t> checkpoint_replicate(const std::string& file_name);

// Writes `c` with the world state `state` saves (null for a finished replicate):
// to a temporary file, flushed, the current checkpoint renamed to the
// previous one, the new one renamed into place, the folder flushed.
// Returns the bytes written. Throws WriteError.
std::uint64_t write_checkpoint(const std::filesystem::path& folder, const ReplicateCheckpoint& c,
                               const StateSaver* state);

// A checkpoint read back and verified (magic, format, lengths, CRC-32).
class LoadedCheckpoint {
 public:
  // Throws CheckpointError naming the file and what is wrong with it.
  explicit LoadedCheckpoint(const std::filesystem::path& file);
  ~LoadedCheckpoint();
  LoadedCheckpoint(const LoadedCheckpoint&) = delete;
  LoadedCheckpoint& operator=(const LoadedCheckpoint&) = delete;

  const std::filesystem::path& file() const { return file_; }
  const ReplicateCheckpoint& header() const { return header_; }
  std::span<const std::byte> state() const { return state_; }
  // The frames, handed over (they are large).
  std::vector<Frame> take_frames() { return std::move(header_.frames); }

 private:
  std::filesystem::path file_;
  void* map_ = nullptr;
  std::size_t map_bytes_ = 0;
  ReplicateCheckpoint header_;
  std::span<const std::byte> state_;
};

// The checkpoints in `folder`, by replicate (null where a replicate has
// none), all verified and of one run. Throws CheckpointError when the
// folder holds none, or files of different runs.
std::vector<std::unique_ptr<LoadedCheckpoint>> load_checkpoints(const std::filesystem::path& folder);

// Removes temporary files a killed run left in `folder`; returns notes.
std::vector<std::string> remove_stale_checkpoint_files(const std::filesystem::path& folder);

}  // namespace mobsim
