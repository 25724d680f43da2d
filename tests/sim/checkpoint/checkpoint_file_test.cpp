// Checkpoint files as a user meets them through `mobsim run`: written
// periodically with the previous one kept, continued bit for bit (also
// automatically, when a requeued job runs its command again), and refused
// with exit code 2 and no output when corrupt, truncated, of another
// scenario or of another run.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "checkpoint_file.hpp"
#include "cli_helpers.hpp"
#include "support.hpp"

namespace mobsim {
namespace {

namespace fs = std::filesystem;

const std::string kScenario = test::scenario_path("ci/four_cities.toml").string();

std::vector<std::string> run_args(const fs::path& out, std::vector<std::string> more = {}) {
  std::vector<std::string> args{"run", kScenario, "-o", out.string(), "-q", "--no-summary", "--steps", "20"};
  args.insert(args.end(), more.begin(), more.end());
  return args;
}

void expect_same_series(const fs::path& a, const fs::path& b) {
  const auto names = test::list_datasets(a, "/series");
  ASSERT_GE(names.size(), 10u);
  for (const auto& n : names)
    EXPECT_EQ(test::read_dataset_bytes(a, "/series/" + n), test::read_dataset_bytes(b, "/series/" + n)) << n;
  for (const char* d : {"/flows", "/flows_by_channel", "/time"})
    EXPECT_EQ(test::read_dataset_bytes(a, d), test::read_dataset_bytes(b, d)) << d;
}

// A folder holding, for each replicate, the checkpoint that a run stopped
// after step `step` would have left (the previous checkpoints of a run
// with --checkpoint-every).
struct StoppedRun {
  test::TempDir dir{"ckpt"};
  fs::path full, stopped;
  explicit StoppedRun(int every) {
    full = dir / "full.h5";
    const auto done = test::run_cli(run_args(full, {"--checkpoint-dir", (dir / "periodic").string(),
                                                    "--checkpoint-every", std::to_string(every)}));
    EXPECT_EQ(done.exit_code, 0) << done.err;
    stopped = dir / "stopped";
    fs::create_directories(stopped);
    for (std::uint32_t r = 0; r < 2; ++r)
      fs::copy_file(previous_checkpoint_path(dir / "periodic", r), checkpoint_path(stopped, r));
  }
};

TEST(CheckpointFile, PeriodicCheckpointsKeepThePreviousOneAndTheRunEndsFinished) {
  StoppedRun run(6);
  const auto files = [&] {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(run.dir / "periodic")) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }();
  EXPECT_EQ(files, (std::vector<std::string>{"replicate-0000.ckpt", "replicate-0000_prev.ckpt",
                                             "replicate-0001.ckpt", "replicate-0001_prev.ckpt"}));
  const LoadedCheckpoint last(checkpoint_path(run.dir / "periodic", 0));
  EXPECT_TRUE(last.header().finished());
  EXPECT_EQ(last.header().step, 20);
  EXPECT_TRUE(last.state().empty());
  const LoadedCheckpoint previous(previous_checkpoint_path(run.dir / "periodic", 1));
  EXPECT_EQ(previous.header().step, 18);  // the last multiple of 6 before the end
  EXPECT_EQ(previous.header().replicate, 1u);
  EXPECT_FALSE(previous.state().empty());
  EXPECT_EQ(previous.header().frames.size(), 19u);
  EXPECT_NE(previous.header().run.scenario_toml.find("[run]"), std::string::npos);
}

TEST(CheckpointFile, ARestartWritesTheSameDatasetsAtAnyThreadCount) {
  StoppedRun run(7);  // previous checkpoints after step 14
  for (const char* threads : {"1", "2"}) {
    const fs::path out = run.dir / ("restarted" + std::string(threads) + ".h5");
    // Without the scenario file: the checkpoint's own resolved scenario.
    const auto done = test::run_cli({"run", "--restart", run.stopped.string(), "-o", out.string(), "--threads",
                                     threads, "--no-summary"});
    ASSERT_EQ(done.exit_code, 0) << done.err;
    EXPECT_NE(done.out.find("continuing 2 replicate(s) from the checkpoints in"), std::string::npos) << done.out;
    expect_same_series(run.full, out);
  }
}

TEST(CheckpointFile, ARequeuedJobFindsItsCheckpointsAndARerunOfAFinishedRunIsInstant) {
  StoppedRun run(5);
  const fs::path out = run.dir / "again.h5";
  // The same command as the first run, given the folder of a stopped run.
  const auto resumed = test::run_cli(run_args(out, {"--checkpoint-dir", run.stopped.string()}));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  expect_same_series(run.full, out);
  const LoadedCheckpoint now(checkpoint_path(run.stopped, 0));
  EXPECT_TRUE(now.header().finished());
  const auto rerun = test::run_cli(run_args(run.dir / "third.h5", {"--checkpoint-dir", run.stopped.string()}));
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  expect_same_series(run.full, run.dir / "third.h5");
}

void expect_refused(const std::vector<std::string>& args, const std::string& message, const fs::path& out) {
  const auto r = test::run_cli(args);
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing was run and no output was written"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out)) << out;
}

TEST(CheckpointFile, AFlippedByteATruncationAndAnotherScenarioAreRefused) {
  StoppedRun run(7);
  const fs::path file = checkpoint_path(run.stopped, 1);
  const fs::path out = run.dir / "refused.h5";
  {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(static_cast<std::streamoff>(fs::file_size(file) / 2));
    char c = 0;
    f.read(&c, 1);
    c = static_cast<char>(c ^ 0x10);
    f.seekp(static_cast<std::streamoff>(fs::file_size(file) / 2));
    f.write(&c, 1);
  }
  expect_refused({"run", "--restart", run.stopped.string(), "-o", out.string()},
                 "replicate-0001.ckpt' is corrupt: its CRC-32 does not match its contents", out);
  fs::copy_file(previous_checkpoint_path(run.dir / "periodic", 1), file, fs::copy_options::overwrite_existing);
  fs::resize_file(file, fs::file_size(file) - 1000);
  expect_refused({"run", "--restart", run.stopped.string(), "-o", out.string()}, "is truncated", out);
  fs::copy_file(previous_checkpoint_path(run.dir / "periodic", 1), file, fs::copy_options::overwrite_existing);
  // The same folder for a run of another seed, or of another parameter.
  expect_refused({"run", kScenario, "--restart", run.stopped.string(), "-o", out.string(), "--steps", "20", "--seed",
                  "99"},
                 "of another scenario: its resolved scenario has 'seed = ", out);
  expect_refused({"run", kScenario, "--restart", run.stopped.string(), "-o", out.string(), "--steps", "20", "--set",
                  "housing.deposit_months=3"},
                 "where this one has 'deposit_months = 3", out);
  expect_refused(run_args(out, {"--checkpoint-dir", run.stopped.string(), "--set", "housing.deposit_months=3"}),
                 "remove them or give another --checkpoint-dir", out);
  const fs::path stray = run.dir / "stray.txt";
  test::write_file(stray, "not a checkpoint\n");
  fs::create_directories(run.dir / "junk");
  fs::copy_file(stray, checkpoint_path(run.dir / "junk", 0));
  expect_refused({"run", "--restart", (run.dir / "junk").string(), "-o", out.string()},
                 "is too short to be one", out);
  expect_refused({"run", "--restart", (run.dir / "nowhere").string(), "-o", out.string()}, "does not exist", out);
  // Unchanged after all that, it still continues.
  const auto ok = test::run_cli({"run", "--restart", run.stopped.string(), "-o", out.string(), "-q"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  expect_same_series(run.full, out);
}

}  // namespace
}  // namespace mobsim
