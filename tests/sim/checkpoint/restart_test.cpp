// A run continued from a checkpoint equals the run never interrupted, time
// point by time point, for every library scenario, at restart steps in the
// first step, mid-year, inside policy windows and at a one-off measure, and
// at another thread count than the one the checkpoint was written with.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "parallel.hpp"
#include "support.hpp"

namespace mobsim {
namespace {

struct Snapshot {
  std::vector<Frame> frames;
  std::vector<std::byte> state;
};

std::vector<std::byte> saved(const StateSaver* state) {
  std::vector<std::byte> bytes;
  if (state != nullptr) {
    StateArchive ar = StateArchive::saving(bytes);
    (*state)(ar);
  }
  return bytes;
}

// Runs `spec` once, keeping a checkpoint after each step in `at`.
std::map<int, Snapshot> run_keeping(const Engine& engine, const std::vector<int>& at, Recording& sink) {
  std::map<int, Snapshot> kept;
  RunControl control;
  control.checkpoint_every = 1;
  control.write_checkpoint = [&](std::size_t replicate, int step, const std::vector<Frame>& frames,
                                 const StateSaver* state) {
    if (replicate != 0 || std::find(at.begin(), at.end(), step) == at.end()) return;
    kept[step] = Snapshot{frames, saved(state)};
  };
  engine.run(sink, {}, control);
  return kept;
}

// The frames of replicate 0 continued from `snapshot`.
std::vector<Frame> continue_from(const Engine& engine, const Snapshot& snapshot, int step) {
  Recording sink;
  RunControl control;
  control.resume = [&](std::size_t replicate) -> std::optional<ReplicateResume> {
    if (replicate != 0) return std::nullopt;
    return ReplicateResume{step, snapshot.frames, snapshot.state};
  };
  engine.run(sink, {}, control);
  return sink.frames().at(0);
}

TEST(Restart, EveryLibraryScenarioContinuesExactlyFromItsCheckpoints) {
  // 30 months from 2025-01: step 1 (the first), 7 (mid-year), 15 (inside
  // the policies' windows of 2026, the border closure among them), 23 and
  // 24 (either side of the regularisation of 2027-01).
  const std::vector<int> at{1, 7, 15, 23, 24};
  const int before = thread_count();
  const auto files = test::library_scenarios();
  ASSERT_GE(files.size(), 9u);
  for (const auto& file : files) {
    SCOPED_TRACE(file.filename().string());
    const ScenarioSpec spec =
        test::load(file, {"run.duration_months=30", "run.people_per_agent=400", "run.replicates=1"});
    const Engine engine(spec, test::registry());
    set_thread_count(2);
    Recording uninterrupted;
    const auto kept = run_keeping(engine, at, uninterrupted);
    ASSERT_EQ(kept.size(), at.size());
    for (const auto& [step, snapshot] : kept) {
      ASSERT_EQ(snapshot.frames.size(), static_cast<std::size_t>(step) + 1);
      EXPECT_FALSE(snapshot.state.empty());
      for (const int threads : {1, 2}) {
        set_thread_count(threads);
        test::expect_same_frames(uninterrupted.frames().at(0), continue_from(engine, snapshot, step),
                    "restart at step " + std::to_string(step) + " on " + std::to_string(threads) + " thread(s)");
      }
    }
  }
  set_thread_count(before);
}

TEST(Restart, ReplicatesContinueEachFromItsOwnStep) {
  // Three replicates, two at once: a stop finds them at different steps.
  const ScenarioSpec spec = test::load(test::scenario_path("ci/four_cities.toml"),
                                       {"run.duration_months=24", "run.replicates=3"});
  const Engine engine(spec, test::registry());
  const int before = thread_count();
  set_thread_count(2);
  Recording uninterrupted;
  engine.run(uninterrupted);

  std::map<std::size_t, Snapshot> kept;
  std::map<std::size_t, int> steps;
  RunControl control;
  int polls = 0;
  control.stop_requested = [&] { return ++polls > 20; };
  control.write_checkpoint = [&](std::size_t r, int step, const std::vector<Frame>& frames,
                                 const StateSaver* state) {
    kept[r] = Snapshot{frames, saved(state)};
    steps[r] = step;
  };
  Recording stopped;
  const RunStats stats = engine.run(stopped, {}, control);
  EXPECT_TRUE(stats.stopped);
  ASSERT_EQ(stats.replicate_steps.size(), 3u);
  EXPECT_LT(stats.replicate_steps[0], 24);

  set_thread_count(1);
  RunControl resume;
  resume.resume = [&](std::size_t r) -> std::optional<ReplicateResume> {
    if (!kept.count(r)) return std::nullopt;  // had not begun: from scratch
    return ReplicateResume{steps[r], kept[r].frames, kept[r].state};
  };
  Recording continued;
  const RunStats done = engine.run(continued, {}, resume);
  EXPECT_FALSE(done.stopped);
  for (std::size_t r = 0; r < 3; ++r)
    test::expect_same_frames(uninterrupted.frames().at(r), continued.frames().at(r), "replicate " + std::to_string(r));
  set_thread_count(before);
}

}  // namespace
}  // namespace mobsim
