// Sweep files as a user writes them: designs that cover their ranges as
// each design promises, errors with file:line:column and key path, points
// that run exactly as their scenario would by hand, and a gathered file
// that holds every point's datasets unchanged.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "cli_helpers.hpp"
#include "support.hpp"
#include "sweep.hpp"

namespace mobsim {
namespace {

namespace fs = std::filesystem;

fs::path write_sweep(const test::TempDir& dir, const std::string& name, const std::string& body) {
  const fs::path p = dir / name;
  test::write_file(p, "scenario = \"" + test::scenario_path("ci/four_cities.toml").string() + "\"\n" + body);
  return p;
}

TEST(Sweep, AGridCrossesEveryLevelWithTheLastParameterFastest) {
  test::TempDir dir("sweep");
  const auto file = write_sweep(dir, "grid.toml", R"(
[parameters."housing.deposit_months"]
min = 1.0
max = 3.0
levels = 3
[parameters."housing.sharing_probability"]
values = [0.25, 0.75]
)");
  const SweepSpec s = load_sweep(file, test::param_table());
  ASSERT_EQ(s.points, 6);
  const std::vector<std::vector<double>> want{{1, 0.25}, {1, 0.75}, {2, 0.25}, {2, 0.75}, {3, 0.25}, {3, 0.75}};
  EXPECT_EQ(s.values, want);
  EXPECT_EQ(s.overrides(3), (std::vector<std::string>{"housing.deposit_months=2.0", "housing.sharing_probability=0.75"}));
}

TEST(Sweep, ALatinHypercubePutsOnePointInEveryStratumOfEveryParameter) {
  test::TempDir dir("sweep");
  const auto body = [](int seed) {
    return "design = \"latin_hypercube\"\npoints = 20\nseed = " + std::to_string(seed) + R"(
[parameters."housing.deposit_months"]
min = 0.0
max = 4.0
[parameters."housing.sharing_probability"]
)";
  };
  const SweepSpec s = load_sweep(write_sweep(dir, "lhs.toml", body(1)), test::param_table());
  ASSERT_EQ(s.values.size(), 20u);
  const std::vector<std::pair<double, double>> ranges{{0.0, 4.0}, {0.0, 1.0}};  // the second: its declared range
  for (std::size_t j = 0; j < 2; ++j) {
    std::set<int> strata;
    for (const auto& v : s.values) {
      const double u = (v[j] - ranges[j].first) / (ranges[j].second - ranges[j].first);
      ASSERT_GE(u, 0.0);
      ASSERT_LT(u, 1.0);
      strata.insert(static_cast<int>(u * 20));
    }
    EXPECT_EQ(strata.size(), 20u) << "parameter " << j;
  }
  EXPECT_EQ(load_sweep(write_sweep(dir, "same.toml", body(1)), test::param_table()).values, s.values);
  EXPECT_NE(load_sweep(write_sweep(dir, "other.toml", body(2)), test::param_table()).values, s.values);
}

TEST(Sweep, ASobolDesignFollowsTheSequenceWithoutItsOrigin) {
  test::TempDir dir("sweep");
  const SweepSpec s = load_sweep(write_sweep(dir, "sobol.toml", R"(
design = "sobol"
points = 4
[parameters."housing.deposit_months"]
min = 0.0
max = 8.0
[parameters."housing.sharing_probability"]
min = 0.0
max = 1.0
)"),
                                 test::param_table());
  // The first four Sobol points after the origin: (1/2, 1/2), (3/4, 1/4), (1/4, 3/4), (3/8, 3/8).
  const std::vector<std::vector<double>> want{{4, 0.5}, {6, 0.25}, {2, 0.75}, {3, 0.375}};
  EXPECT_EQ(s.values, want);
}

TEST(Sweep, EveryMistakeIsReportedAtOnceWithFileLineColumnAndKey) {
  test::TempDir dir("sweep");
  const auto file = write_sweep(dir, "bad.toml", R"(design = "latin_hypercube"
replicate = 2
[parameters."housing.deposit_month"]
min = 1.0
[parameters."housing.sharing_probability"]
min = -0.5
values = [0.2]
)");
  const auto r = test::run_cli({"sweep", file.string()});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("mobsim: sweep rejected (5 errors); nothing was run"), std::string::npos) << r.err;
  const std::string f = file.string();
  for (const std::string& want : std::vector<std::string>{
           f + ":3:1: error: replicate: unknown key in a sweep file; did you mean 'replicates'?",
        std::string(": error: points: missing: the number of points of the latin_hypercube design"),
        f + ":4:13: error: parameters.housing.deposit_month: no such parameter; did you mean "
            "'housing.deposit_months'?",
        f + ":7:7: error: parameters.housing.sharing_probability.min: -0.5 is outside the parameter's declared range",
        f + ":8:10: error: parameters.housing.sharing_probability.values: explicit values belong to a grid design"})
    EXPECT_NE(r.err.find(want), std::string::npos) << want << "\n" << r.err;
}

TEST(Sweep, APointRunsAsItsScenarioByHandAndTheGatheredFileHoldsEveryPoint) {
  test::TempDir dir("sweep");
  const auto file = write_sweep(dir, "s.toml", R"(replicates = 2
set = ["run.duration_months=12"]
[parameters."housing.deposit_months"]
values = [1.0, 3.0]
[parameters."labour.demand_adjustment_years"]
values = [0.5, 2.0]
)");
  const auto listed = test::run_cli({"sweep", file.string(), "--count"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(listed.out, "4\n");
  const fs::path points = dir / "points";
  fs::create_directories(points);
  for (int k = 0; k < 4; ++k) {
    const auto r = test::run_cli({"run", "--sweep", file.string(), "--task", std::to_string(k), "-o",
                                  sweep_point_path(points, static_cast<std::size_t>(k)).string(), "-q"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // Point 2 (deposit 3, adjustment 0.5) by hand.
  const fs::path by_hand = dir / "by_hand.h5";
  ASSERT_EQ(test::run_cli({"run", test::scenario_path("ci/four_cities.toml").string(), "-o", by_hand.string(), "-q",
                           "--set", "run.duration_months=12", "--set", "housing.deposit_months=3", "--set",
                           "labour.demand_adjustment_years=0.5", "--replicates", "2"})
                .exit_code,
            0);
  for (const auto& n : test::list_datasets(by_hand, "/series"))
    EXPECT_EQ(test::read_dataset_bytes(by_hand, "/series/" + n),
              test::read_dataset_bytes(sweep_point_path(points, 2), "/series/" + n))
        << n;

  const fs::path gathered = dir / "all.h5";
  const auto g = test::run_cli({"gather", file.string(), points.string(), "-o", gathered.string()});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  EXPECT_NE(g.out.find("gathered 4 of 4 points"), std::string::npos);
  const auto whole = test::read_dataset_bytes(gathered, "/series/population");
  const auto one = test::read_dataset_bytes(sweep_point_path(points, 0), "/series/population");
  ASSERT_EQ(whole.size(), 4 * one.size());
  for (std::size_t k = 0; k < 4; ++k) {
    const auto part = test::read_dataset_bytes(sweep_point_path(points, k), "/series/population");
    EXPECT_TRUE(std::equal(part.begin(), part.end(), whole.begin() + static_cast<std::ptrdiff_t>(k * one.size())))
        << "point " << k;
  }
  // Gathering again gives the same datasets.
  const fs::path again = dir / "again.h5";
  ASSERT_EQ(test::run_cli({"gather", file.string(), points.string(), "-o", again.string()}).exit_code, 0);
  for (const char* d : {"/series/population", "/flows", "/parameters/housing.deposit_months", "/point"})
    EXPECT_EQ(test::read_dataset_bytes(gathered, d), test::read_dataset_bytes(again, d)) << d;

  // A missing point is named; --allow-missing gathers the others.
  fs::remove(sweep_point_path(points, 1));
  const fs::path partial = dir / "partial.h5";
  const auto missing = test::run_cli({"gather", file.string(), points.string(), "-o", partial.string()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("1 of 4 points have no output"), std::string::npos) << missing.err;
  EXPECT_FALSE(fs::exists(partial));
  const auto allowed =
      test::run_cli({"gather", file.string(), points.string(), "-o", partial.string(), "--allow-missing"});
  ASSERT_EQ(allowed.exit_code, 0) << allowed.err;
  EXPECT_EQ(test::read_dataset_bytes(partial, "/series/population").size(), 3 * one.size());
  // A file under another point's name is refused.
  fs::copy_file(sweep_point_path(points, 3), sweep_point_path(points, 1));
  const auto wrong = test::run_cli({"gather", file.string(), points.string(), "-o", (dir / "wrong.h5").string()});
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_NE(wrong.err.find("point-0001.h5' is not point 1 of this sweep"), std::string::npos) << wrong.err;
}

TEST(Sweep, TheTaskComesFromSlurmAndMustLieInTheSweep) {
  test::TempDir dir("sweep");
  const auto file = write_sweep(dir, "s.toml", R"(set = ["run.duration_months=2"]
[parameters."housing.deposit_months"]
values = [1.0, 2.0]
)");
  const auto outside = test::run_cli({"run", "--sweep", file.string(), "--task", "2", "-o", (dir / "x.h5").string()});
  EXPECT_EQ(outside.exit_code, 2);
  EXPECT_NE(outside.err.find("task 2 is outside the sweep's points 0 to 1"), std::string::npos) << outside.err;
  ::setenv("SLURM_ARRAY_TASK_ID", "1", 1);
  const auto from_slurm = test::run_cli({"run", "--sweep", file.string(), "-o", (dir / "one.h5").string(), "-q"});
  ::unsetenv("SLURM_ARRAY_TASK_ID");
  ASSERT_EQ(from_slurm.exit_code, 0) << from_slurm.err;
  EXPECT_NE(test::read_string_attribute(dir / "one.h5", "scenario").find("deposit_months = 2.0"), std::string::npos);
  const auto neither = test::run_cli({"run", "--sweep", file.string(), "-o", (dir / "y.h5").string()});
  EXPECT_EQ(neither.exit_code, 2);
  EXPECT_NE(neither.err.find("--sweep needs --task K (or SLURM_ARRAY_TASK_ID"), std::string::npos);
}

}  // namespace
}  // namespace mobsim
