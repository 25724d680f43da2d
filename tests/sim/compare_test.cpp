// `mobsim compare` statistics: quantiles as numpy computes them, paired
// differences for runs with the same seeds, and the "within noise" mark.
#include <gtest/gtest.h>

#include "cli_helpers.hpp"
#include "compare.hpp"
#include "support.hpp"

namespace mobsim {
namespace {

TEST(Compare, QuantilesInterpolateBetweenOrderStatistics) {
  EXPECT_DOUBLE_EQ(quantile({4, 1, 3, 2}, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(quantile({4, 1, 3, 2}, 1.0), 4.0);
  EXPECT_DOUBLE_EQ(quantile({4, 1, 3, 2}, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(quantile({4, 1, 3, 2}, 0.05), 1.15);  // numpy.percentile([1,2,3,4], 5)
  EXPECT_DOUBLE_EQ(quantile({7}, 0.95), 7.0);
}

TEST(Compare, ARunAgainstItselfDiffersByExactlyNothing) {
  test::TempDir dir("compare");
  const auto out = dir / "ci.h5";
  ASSERT_EQ(test::run_cli({"run", test::scenario_path("ci/four_cities.toml").string(), "-o", out.string(), "-q",
                           "--no-summary"})
                .exit_code,
            0);
  const std::vector<RunOutput> runs{read_run_output(out), read_run_output(out)};
  const auto rows = compare_runs(runs, CompareOptions{});
  ASSERT_FALSE(rows.empty());
  std::size_t differences = 0;
  for (const auto& row : rows) {
    if (!row.has_difference) continue;
    ++differences;
    EXPECT_TRUE(row.paired);
    EXPECT_EQ(row.diff_mean, 0.0) << row.indicator << " " << row.city;
    EXPECT_TRUE(row.within_noise);
  }
  EXPECT_EQ(differences * 2, rows.size());
}

}  // namespace
}  // namespace mobsim
