// Same scenario and seed give bit-identical output whatever the number of
// threads; results come from keyed draws, never from scheduling.
#include <gtest/gtest.h>

#include "cli_helpers.hpp"
#include "parallel.hpp"
#include "support.hpp"

namespace mobsim {
namespace {

TEST(Determinism, OneAndTwoThreadsWriteIdenticalDatasets) {
  test::TempDir dir("threads");
  const std::string scenario = test::scenario_path("ci/four_cities.toml").string();
  const auto one = dir / "one.h5";
  const auto two = dir / "two.h5";
  ASSERT_EQ(test::run_cli({"run", scenario, "-o", one.string(), "--threads", "1", "-q"}).exit_code, 0);
  ASSERT_EQ(test::run_cli({"run", scenario, "-o", two.string(), "--threads", "2", "-q"}).exit_code, 0);

  std::vector<std::string> datasets;
  for (const auto& name : test::list_datasets(one, "/series")) datasets.push_back("/series/" + name);
  for (const char* name : {"/flows", "/time", "/replicate", "/replicate_seed", "/latitude", "/longitude"})
    datasets.push_back(name);
  ASSERT_GE(datasets.size(), 13u);
  for (const auto& d : datasets) {
    const auto a = test::read_dataset_bytes(one, d);
    EXPECT_FALSE(a.empty()) << d;
    EXPECT_EQ(a, test::read_dataset_bytes(two, d)) << d;
  }
  EXPECT_EQ(test::read_string_attribute(one, "scenario"), test::read_string_attribute(two, "scenario"));
}

TEST(Determinism, ThreadCountDoesNotChangeAnyValueOverManySteps) {
  // Three threads on a two-core machine: scheduling differs from run to run.
  const ScenarioSpec spec = test::load(test::scenario_path("ci/four_cities.toml"),
                                       {"run.duration_months=60", "run.people_per_agent=200"});
  const int before = thread_count();
  set_thread_count(1);
  const auto a = test::run_in_memory(spec);
  set_thread_count(3);
  const auto b = test::run_in_memory(spec);
  set_thread_count(before);
  ASSERT_EQ(a.recording.frames().size(), b.recording.frames().size());
  for (std::size_t r = 0; r < a.recording.frames().size(); ++r)
    for (std::size_t t = 0; t < a.recording.frames()[r].size(); ++t) {
      EXPECT_EQ(a.recording.frames()[r][t].series, b.recording.frames()[r][t].series) << "replicate " << r << " t " << t;
      EXPECT_EQ(a.recording.frames()[r][t].flows, b.recording.frames()[r][t].flows);
    }
}

TEST(Determinism, PolicyScenariosAreIdenticalForAnyThreadCount) {
  const int before = thread_count();
  for (const char* name : {"dialogue_partnerships.toml", "legal_pathways_expansion.toml", "covid_border_closure.toml"}) {
    SCOPED_TRACE(name);
    const ScenarioSpec spec = test::load(test::scenario_path(name), {"run.duration_months=24", "run.people_per_agent=100"});
    set_thread_count(1);
    const auto a = test::run_in_memory(spec);
    set_thread_count(3);
    const auto b = test::run_in_memory(spec);
    for (std::size_t t = 0; t < a.recording.frames()[0].size(); ++t) {
      const Frame& x = a.recording.frames()[0][t];
      const Frame& y = b.recording.frames()[0][t];
      EXPECT_EQ(x.series, y.series) << "t " << t;
      EXPECT_EQ(x.flows_by_channel, y.flows_by_channel) << "t " << t;
      EXPECT_EQ(x.entries, y.entries) << "t " << t;
    }
  }
  set_thread_count(before);
}

TEST(Determinism, SeedsAndReplicatesGiveDifferentRealisations) {
  const ScenarioSpec spec = test::load(test::scenario_path("ci/four_cities.toml"));
  const ScenarioSpec other = test::load(test::scenario_path("ci/four_cities.toml"), {"run.seed=2"});
  const auto a = test::run_in_memory(spec);
  const auto b = test::run_in_memory(other);
  const int last = static_cast<int>(a.recording.frames()[0].size()) - 1;
  EXPECT_NE(a.recording.frames()[0][last].series, b.recording.frames()[0][last].series);
  EXPECT_NE(a.recording.frames()[0][last].series, a.recording.frames()[1][last].series);
}

TEST(Determinism, RerunningTheStoredScenarioReproducesTheOutput) {
  test::TempDir dir("rerun");
  const auto first = dir / "first.h5";
  ASSERT_EQ(test::run_cli({"run", test::scenario_path("ci/four_cities.toml").string(), "-o", first.string(), "-q",
                           "--set", "gravity.distance_elasticity=1.7"})
                .exit_code,
            0);
  const auto stored = dir / "stored.toml";
  test::write_file(stored, test::read_string_attribute(first, "scenario"));
  const auto second = dir / "second.h5";
  const auto r = test::run_cli({"run", stored.string(), "-o", second.string(), "-q"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const auto& name : test::list_datasets(first, "/series"))
    EXPECT_EQ(test::read_dataset_bytes(first, "/series/" + name), test::read_dataset_bytes(second, "/series/" + name))
        << name;
  EXPECT_EQ(test::read_dataset_bytes(first, "/flows"), test::read_dataset_bytes(second, "/flows"));
}

}  // namespace
}  // namespace mobsim
