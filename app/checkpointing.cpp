#include "checkpointing.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "output_errors.hpp"
#include "stop_signals.hpp"

namespace mobsim {

namespace fs = std::filesystem;

namespace {
std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }
}  // namespace

fs::path restart_folder(const std::string& given) {
  std::error_code ec;
  const fs::path p(given);
  if (fs::is_regular_file(p, ec)) return p.has_parent_path() ? p.parent_path() : fs::path(".");
  return p;
}

bool holds_checkpoints(const fs::path& folder) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return false;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
    if (checkpoint_replicate(it->path().filename().string())) return true;
  return false;
}

RunCheckpoints::RunCheckpoints(const CheckpointOptions& options, const CheckpointRun& run, const fs::path& output,
                               int step_months, std::vector<std::unique_ptr<LoadedCheckpoint>> loaded,
                               std::vector<std::string>& notes)
    : run_(run), explicit_(!options.folder.empty()), loaded_(std::move(loaded)), stop_after_(options.stop_after) {
  if (explicit_) {
    folder_ = options.folder;
  } else if (!options.restart.empty()) {
    // A restart goes on writing where it was continued from.
    folder_ = restart_folder(options.restart);
    explicit_ = true;
  } else {
    folder_ = output;
    folder_ += ".checkpoint";
  }
  every_ = options.every > 0 ? options.every : (explicit_ ? std::max(1, 12 / std::max(1, step_months)) : 0);
  for (const auto& c : loaded_) {
    if (!c) continue;
    ++resumed_;
    resumed_finished_ += c->header().finished();
  }
  if (!explicit_) return;
  std::error_code ec;
  if (!fs::exists(folder_, ec)) {
    fs::create_directories(folder_, ec);
    if (ec)
      throw OutputPathError("cannot create the checkpoint folder " + quoted(folder_) + ": " + ec.message());
  } else if (!fs::is_directory(folder_, ec)) {
    throw OutputPathError("checkpoint folder " + quoted(folder_) + " is not a folder");
  }
  folder_made_ = true;
  for (auto& n : remove_stale_checkpoint_files(folder_)) notes.push_back(std::move(n));
  if (loaded_.empty() && holds_checkpoints(folder_)) {
    // Checkpoints of this run are continued (the caller loads them); any
    // other run's would be overwritten replicate by replicate: refused.
    throw CheckpointError("checkpoint folder " + quoted(folder_) +
                          " holds checkpoints that this run cannot continue; remove them or choose another folder");
  }
}

void RunCheckpoints::fork_from(ForkSource source) {
  if (!loaded_.empty()) throw std::logic_error("a run continues its own checkpoints or forks, not both");
  fork_ = std::make_unique<ForkSource>(std::move(source));
}

RunControl RunCheckpoints::control() {
  RunControl c;
  c.stop_requested = [] { return stop_requested(); };
  c.checkpoint_every = every_;
  c.checkpoint_finished = explicit_;
  c.write_checkpoint = [this](std::size_t r, int step, const std::vector<Frame>& frames, const StateSaver* state) {
    write(r, step, frames, state);
  };
  c.stop_after = stop_after_;
  c.resume = [this](std::size_t r) -> std::optional<ReplicateResume> {
    if (fork_) {
      // load_fork_source checked that every replicate of the fork has one.
      LoadedCheckpoint& base = *fork_->base.at(r);
      ReplicateResume resume;
      resume.step = base.header().step;
      resume.frames = base.take_frames();
      resume.state = base.state();
      resume.fork = &fork_->plan;
      return resume;
    }
    if (r >= loaded_.size() || !loaded_[r]) return std::nullopt;
    ReplicateResume resume;
    resume.step = loaded_[r]->header().step;
    resume.frames = loaded_[r]->take_frames();
    resume.state = loaded_[r]->state();
    return resume;
  };
  return c;
}

void RunCheckpoints::write(std::size_t r, int step, const std::vector<Frame>& frames, const StateSaver* state) {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (!folder_made_) {
      std::error_code ec;
      fs::create_directories(folder_, ec);
      if (ec) throw WriteError(folder_, "cannot create the checkpoint folder: " + ec.message());
      folder_made_ = true;
    }
    written_ = true;
  }
  ReplicateCheckpoint c;
  c.run = run_;
  c.replicate = static_cast<std::uint32_t>(r);
  c.step = step;
  c.frames = frames;
  fs::path temporary = checkpoint_path(folder_, c.replicate);
  temporary += ".tmp-" + std::to_string(::getpid());
  const TemporaryFileGuard guard(temporary.string());
  write_checkpoint(folder_, c, state);
}

}  // namespace mobsim
