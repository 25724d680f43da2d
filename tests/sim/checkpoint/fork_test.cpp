// A fork from a warm-up equals the same scenario run from the start, for
// every library scenario, and a fork is refused, the difference named,
// when something that differs from its base acted before the checkpoint.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "fork.hpp"
#include "parallel.hpp"
#include "support.hpp"

namespace mobsim {
namespace {

constexpr int kWarmUpSteps = 12;  // 2025-01 to 2025-12: the library's policies start in 2026 or at the start

struct Snapshot {
  std::vector<Frame> frames;
  std::vector<std::byte> state;
};

// Replicate r's checkpoint after `step` steps of `engine`'s run.
std::map<std::size_t, Snapshot> warm_up(const Engine& engine, int step) {
  std::map<std::size_t, Snapshot> kept;
  RunControl control;
  control.stop_after = step;
  control.write_checkpoint = [&](std::size_t r, int done, const std::vector<Frame>& frames, const StateSaver* state) {
    EXPECT_EQ(done, step);
    Snapshot s{frames, {}};
    StateArchive ar = StateArchive::saving(s.state);
    (*state)(ar);
    kept[r] = std::move(s);
  };
  Recording sink;
  const RunStats stats = engine.run(sink, {}, control);
  EXPECT_TRUE(stats.stopped);
  return kept;
}

std::vector<std::vector<Frame>> forked(const Engine& engine, const ForkPlan& plan,
                                       const std::map<std::size_t, Snapshot>& base) {
  RunControl control;
  control.resume = [&](std::size_t r) -> std::optional<ReplicateResume> {
    const Snapshot& s = base.at(r);
    return ReplicateResume{plan.step, s.frames, s.state, &plan};
  };
  Recording sink;
  engine.run(sink, {}, control);
  return sink.frames();
}

// The scenario without the policy entries that act only after `step`
// steps: the base a warm-up of that length is taken from.
std::string base_text(const ScenarioSpec& spec, const Clock& clock, int step) {
  std::string text = spec.resolved_toml();
  for (const auto& collection : test::param_table().collections()) {
    if (collection.acts_from.empty()) continue;
    for (const auto& e : spec.entries(collection.name)) {
      if (clock.month_of_step(step) >= clock.months_until(e.text(collection.acts_from))) continue;
      const std::string header = "\n[" + toml_key(collection.name) + "." + toml_key(e.name) + "]\n";
      const auto begin = text.find(header);
      if (begin == std::string::npos) throw std::logic_error("no section " + header);
      const auto end = text.find("\n[", begin + 1);
      text.erase(begin, end == std::string::npos ? std::string::npos : end - begin);
    }
  }
  return text;
}

// Runs `fork` from the start and from a warm-up of `base` at 1 and 2
// threads; expects the same state at the checkpoint, byte for byte (every
// agent column, city field and model state), and the same time points.
// Returns whether the fork changes anything.
bool expect_fork_equals_scratch(const ScenarioSpec& base, const ScenarioSpec& fork) {
  const Engine engine(fork, test::registry());
  const Engine base_engine(base, test::registry());
  set_thread_count(2);
  Recording scratch;
  std::map<std::size_t, std::vector<std::byte>> scratch_state;
  RunControl keep;
  keep.write_checkpoint = [&](std::size_t r, int done, const std::vector<Frame>&, const StateSaver* state) {
    if (done != kWarmUpSteps || state == nullptr) return;
    StateArchive ar = StateArchive::saving(scratch_state[r]);
    (*state)(ar);
  };
  keep.checkpoint_every = kWarmUpSteps;
  engine.run(scratch, {}, keep);
  const auto warm = warm_up(base_engine, kWarmUpSteps);
  EXPECT_EQ(warm.size(), 2u);
  if (warm.size() != 2u) return false;
  const ForkPlan plan = plan_fork(base, fork, test::param_table(), engine.models(), engine.clock(), kWarmUpSteps, 2);
  for (std::size_t r = 0; r < 2; ++r) {
    auto sim = engine.make_simulation(r);
    sim->fork_from(warm.at(r).state, plan, warm.at(r).frames, "of the warm-up");
    std::vector<std::byte> state;
    StateArchive ar = StateArchive::saving(state);
    sim->checkpoint(ar);
    // The world and every model the fork takes from its base hold the same
    // bytes; a fresh model's bookkeeping (the calendar year of its quota)
    // may lag until its first step, which the time points below check.
    const auto mine = StateArchive::nested_items(state, "of the fork");
    const auto theirs = StateArchive::nested_items(scratch_state.at(r), "of the run from the start");
    EXPECT_EQ(mine.size(), theirs.size());
    for (std::size_t i = 0; i < mine.size() && i < theirs.size(); ++i) {
      EXPECT_EQ(mine[i].first, theirs[i].first);
      if (i > 0 && plan.fresh_model.at(i - 1)) continue;
      const auto& a = mine[i].second;
      const auto& b = theirs[i].second;
      const bool same = a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
      EXPECT_TRUE(same) << "replicate " << r << ": '" << mine[i].first
                        << "' differs from the state of the run from the start at step " << kWarmUpSteps;
    }
  }
  for (const int threads : {1, 2}) {
    set_thread_count(threads);
    const auto frames = forked(engine, plan, warm);
    for (std::size_t r = 0; r < 2; ++r)
      test::expect_same_frames(scratch.frames().at(r), frames.at(r),
                  "replicate " + std::to_string(r) + " on " + std::to_string(threads) + " thread(s)");
  }
  return !plan.changes.empty();
}

const std::string kFromBaseline = "base = \"baseline.toml\"\n";
const std::vector<std::string> kSmall{"run.duration_months=30", "run.people_per_agent=400", "run.replicates=2"};

TEST(Fork, EveryLibraryScenarioForkedFromItsWarmUpEqualsItsRunFromTheStart) {
  const int before = thread_count();
  const auto files = test::library_scenarios();
  ASSERT_GE(files.size(), 9u);
  int with_added_policies = 0;
  for (const auto& file : files) {
    SCOPED_TRACE(file.filename().string());
    const ScenarioSpec policy = test::load(file, kSmall);
    const Engine engine(policy, test::registry());
    const ScenarioSpec base = test::load_text(base_text(policy, engine.clock(), kWarmUpSteps));
    with_added_policies += expect_fork_equals_scratch(base, policy) ? 1 : 0;
  }
  // Six scenarios add policies from 2026 to their warm-up (barcelona_public_housing's
  // and freetown_youth_jobs' start in 2025: their warm-up is the scenario itself).
  EXPECT_GE(with_added_policies, 6);
  set_thread_count(before);
}

TEST(Fork, AFieldSetWhileInitialisingKeepsTheForksValue) {
  // The base houses key workers in Spain from 2025-03 (the provided housing
  // cost is a field set while initialising); the fork adds a scheme that
  // houses its participants in Milan from 2026: Milan's cost is the fork's.
  const std::string pathway = "[legal_pathways.key_workers]\norigins = [\"Africa\"]\ndestinations = [\"Spain\"]\n"
                              "min_skill = \"low\"\nannual_quota = 10000\npermit_years = 1.0\n"
                              "housing_provided_months = 12\nhousing_cost_eur_per_month = 300\nstart = \"2025-03\"\n";
  const std::string scheme = "[circular_schemes.fashion]\norigin = \"Freetown\"\ndestination = \"Milan\"\n"
                             "sector = \"creative_textiles\"\nannual_quota = 4000\nstart = \"2026-01\"\n"
                             "housing_provided = true\nhousing_cost_eur_per_month = 250\n";
  expect_fork_equals_scratch(test::load_text(test::from_baseline(pathway), kSmall),
                             test::load_text(test::from_baseline(pathway + scheme), kSmall));
}

TEST(Fork, TheInstrumentsTheLibraryStartsFromTheBeginningForkToo) {
  // Job and housing programmes, sector investment and a change of free
  // movement start in 2025 in the library, or not at all: here from 2026.
  const std::string later =
      "[job_programmes.jobs]\ncity = \"Freetown\"\nsector = \"waste_green\"\njobs_per_year = 4000\n"
      "start = \"2026-02\"\n"
      "[housing_programmes.homes]\ncity = \"Barcelona\"\ndwellings_per_year = 20000\n"
      "public_share_of_new_construction = 0.3\nstart = \"2026-01\"\n"
      "[sector_investments.tech]\ncity = \"Kigali\"\nsector = \"technology\"\ndemand_factor = 1.5\n"
      "start = \"2026-01\"\n"
      "[bloc_changes.eu_suspended]\nbloc = \"eu_efta\"\nfree_movement = false\nstart = \"2026-04\"\n";
  EXPECT_TRUE(expect_fork_equals_scratch(test::load_text(kFromBaseline, kSmall),
                                         test::load_text(test::from_baseline(later), kSmall)));
}

std::string refusal(const std::string& base_text, const std::string& fork_text, std::uint32_t base_replicates = 2,
                    std::vector<std::string> fork_sets = {}) {
  const ScenarioSpec base = test::load_text(base_text, kSmall);
  fork_sets.insert(fork_sets.begin(), kSmall.begin(), kSmall.end());
  const ScenarioSpec fork = test::load_text(fork_text, fork_sets);
  const int step = kWarmUpSteps;
  const Engine engine(fork, test::registry());
  try {
    plan_fork(base, fork, test::param_table(), engine.models(), engine.clock(), step, base_replicates);
  } catch (const CheckpointError& e) {
    return e.what();
  }
  return "";
}


TEST(Fork, APolicyThatActedDuringTheWarmUpIsRefusedAndNamed) {
  const std::string why =
      refusal(kFromBaseline, test::from_baseline("[job_programmes.early]\ncity = \"Freetown\"\n"
                                                 "sector = \"waste_green\"\njobs_per_year = 400\nstart = \"2025-06\"\n"));
  EXPECT_NE(why.find("job_programmes.early"), std::string::npos) << why;
  EXPECT_NE(why.find("acts from 2025-06"), std::string::npos) << why;
  EXPECT_NE(why.find(":6:9: "), std::string::npos) << why;  // the fork's start = "2025-06"
  EXPECT_NE(why.find("after step 12 (2026-01)"), std::string::npos) << why;
  // The same policy from 2026-01 forks.
  EXPECT_EQ(refusal(kFromBaseline, test::from_baseline("[job_programmes.later]\ncity = \"Freetown\"\n"
                                                       "sector = \"waste_green\"\njobs_per_year = 400\n"
                                                       "start = \"2026-01\"\n")),
            "");
}

TEST(Fork, AnotherParameterValueIsRefusedWithTheParameterNamed) {
  const std::string why = refusal(kFromBaseline, kFromBaseline, 2, {"run.people_per_agent=200"});
  EXPECT_NE(why.find("'run.people_per_agent = 200' where its base has 'run.people_per_agent = 400'"),
            std::string::npos)
      << why;
  const std::string seed = refusal(kFromBaseline, test::from_baseline("[run]\nseed = 7\n"));
  EXPECT_NE(seed.find("'run.seed = 7' where its base has 'run.seed = 20250101'"), std::string::npos) << seed;
  EXPECT_NE(seed.find(":3:8: "), std::string::npos) << seed;  // the fork's seed = 7
  const std::string rate = refusal(kFromBaseline, kFromBaseline, 2, {"population.male_share=0.51"});
  EXPECT_NE(rate.find("population.male_share = 0.51"), std::string::npos) << rate;
  // A name and a description are not the model.
  EXPECT_EQ(refusal(kFromBaseline, test::from_baseline("[run]\nname = \"other\"\ndescription = \"x\"\n")), "");
}

TEST(Fork, ChangingAnInstrumentWhoseEntriesActedIsRefused) {
  const std::string scheme = "[circular_schemes.first]\norigin = \"Freetown\"\ndestination = \"Milan\"\n"
                             "sector = \"creative_textiles\"\nannual_quota = 1000\nstart = \"2025-06\"\n";
  const std::string second = "[circular_schemes.second]\norigin = \"Dakar\"\ndestination = \"Milan\"\n"
                             "sector = \"creative_textiles\"\nannual_quota = 1000\nstart = \"2026-06\"\n";
  const std::string why = refusal(test::from_baseline(scheme), test::from_baseline(scheme + second));
  EXPECT_NE(why.find("changes circular_schemes, whose circular migration scheme circular_schemes.first acts from "
                     "2025-06 in its base"),
            std::string::npos)
      << why;
  // Changing an entry that has not acted yet is allowed; one that has, not.
  const std::string later = "[circular_schemes.first]\norigin = \"Freetown\"\ndestination = \"Milan\"\n"
                            "sector = \"creative_textiles\"\nannual_quota = 1000\nstart = \"2026-03\"\n";
  EXPECT_EQ(refusal(test::from_baseline(later), test::from_baseline(second)), "");
  const std::string bigger = refusal(test::from_baseline(scheme), test::from_baseline(
      "[circular_schemes.first]\norigin = \"Freetown\"\ndestination = \"Milan\"\n"
      "sector = \"creative_textiles\"\nannual_quota = 2000\nstart = \"2025-06\"\n"));
  EXPECT_NE(bigger.find("circular_schemes.first.annual_quota = 2000' where its base has 1000"), std::string::npos)
      << bigger;
}

TEST(Fork, MoreReplicatesThanTheBaseKeptAreRefused) {
  const std::string why = refusal(kFromBaseline, kFromBaseline, 1);
  EXPECT_NE(why.find("run.replicates = 2, but the base's checkpoints hold 1 replicate(s)"), std::string::npos) << why;
  EXPECT_EQ(refusal(kFromBaseline, kFromBaseline, 2, {"run.replicates=1"}), "");
}

}  // namespace
}  // namespace mobsim
