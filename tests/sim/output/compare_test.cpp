// `mobsim compare` statistics: quantiles as numpy computes them, paired
// differences for runs with the same seeds, and the "within noise" mark.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

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

// An in-memory run as read_run_output would give it: Freetown and Dakar, 12
// monthly steps from January 2025, five replicates with the seeds 11..15,
// and two headline series, `population` (a stock) and `inflow` (a flow),
// each with a spread over replicates.
RunOutput synthetic_run(const std::string& name) {
  RunOutput run;
  run.path = name + ".h5";
  run.run_name = name;
  run.cities = {"Freetown", "Dakar"};
  for (int m = 0; m <= 12; ++m) run.months.push_back(m);
  run.time_units = "months since 2025-01-01";
  run.replicate_seeds = {11, 12, 13, 14, 15};
  auto add = [&](const std::string& series, const std::string& kind, double level) {
    SeriesData s;
    s.name = s.long_name = series;
    s.units = "persons";
    s.kind = kind;
    s.headline = true;
    s.replicates = run.replicate_seeds.size();
    s.times = run.months.size();
    s.cities = run.cities.size();
    s.values.resize(s.replicates * s.times * s.cities);
    for (std::size_t r = 0; r < s.replicates; ++r)
      for (std::size_t t = 0; t < s.times; ++t)
        for (std::size_t c = 0; c < s.cities; ++c)
          s.values[(r * s.times + t) * s.cities + c] = level * static_cast<double>(c + 1) + 10.0 * static_cast<double>(t) +
                                                       37.0 * static_cast<double>(r);
    run.series[series] = s;
    run.series_order.push_back(series);
  };
  add("population", "stock", 100000);
  add("inflow", "flow", 800);
  return run;
}

// Adds by_replicate[r] to a series of one city at every time point of
// replicate r.
void shift(RunOutput& run, const std::string& series, std::size_t city, const std::vector<double>& by_replicate) {
  SeriesData& s = run.series.at(series);
  ASSERT_EQ(by_replicate.size(), s.replicates);
  for (std::size_t r = 0; r < s.replicates; ++r)
    for (std::size_t t = 0; t < s.times; ++t) s.values[(r * s.times + t) * s.cities + city] += by_replicate[r];
}

TEST(Compare, AReplicateConsistentEffectIsFlaggedAndEqualRunsAreNoise) {
  // Against a baseline: an identical run, and one whose population in Dakar
  // is higher by about 500 in every replicate while Freetown's moves by
  // replicate noise either way (mean +6, interval across 0). The `~` mark
  // (within_noise) must fall on everything but Dakar's population: the
  // comparison cannot be passed by marking every difference as noise.
  const RunOutput baseline = synthetic_run("baseline");
  RunOutput same = baseline;
  same.run_name = "same";
  same.path = "same.h5";
  RunOutput effect = synthetic_run("effect");
  shift(effect, "population", 1, {480, 510, 495, 520, 505});
  shift(effect, "population", 0, {40, -30, 25, -10, 5});
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  CompareOptions options;
  options.all_cities = false;  // one row per city, so that the effect shows in exactly one
  const std::vector<RunOutput> runs{baseline, same, effect};
  const auto rows = compare_runs(runs, options);
  // One period, two indicators, two cities, three runs.
  ASSERT_EQ(rows.size(), 12u);
  std::size_t flagged = 0, compared_same = 0, compared_effect = 0;
  const ComparisonRow* effect_row = nullptr;
  const ComparisonRow* noise_row = nullptr;
  for (const auto& row : rows) {
    SCOPED_TRACE(row.run + " " + row.indicator + " " + row.city);
    if (row.run == "baseline") {
      EXPECT_FALSE(row.has_difference);
      continue;
    }
    ASSERT_TRUE(row.has_difference);
    EXPECT_TRUE(row.paired);  // same seeds: per-replicate differences
    EXPECT_EQ(row.replicates, 5u);
    if (row.run == "same") {
      ++compared_same;
      EXPECT_EQ(row.diff_mean, 0.0);
      EXPECT_EQ(row.diff_p05, 0.0);
      EXPECT_EQ(row.diff_p95, 0.0);
      EXPECT_TRUE(row.within_noise);
      continue;
    }
    ASSERT_EQ(row.run, "effect");
    ++compared_effect;
    if (!row.within_noise) ++flagged;
    if (row.indicator == "population" && row.city == "Dakar") effect_row = &row;
    else if (row.indicator == "population" && row.city == "Freetown") noise_row = &row;
    else {
      EXPECT_EQ(row.diff_mean, 0.0);  // inflow is the same in both runs
      EXPECT_TRUE(row.within_noise);
    }
  }
  EXPECT_EQ(compared_same, 4u);
  EXPECT_EQ(compared_effect, 4u);
  EXPECT_EQ(flagged, 1u) << "exactly Dakar's population differs beyond replicate noise";
  ASSERT_NE(effect_row, nullptr);
  ASSERT_NE(noise_row, nullptr);
  EXPECT_FALSE(effect_row->within_noise);
  EXPECT_DOUBLE_EQ(effect_row->diff_mean, 502.0);
  EXPECT_NEAR(effect_row->diff_p05, 483.0, 1e-9);  // 480 + 0.2 * (495 - 480)
  EXPECT_NEAR(effect_row->diff_p95, 518.0, 1e-9);  // 510 + 0.8 * (520 - 510)
  EXPECT_TRUE(noise_row->within_noise);
  EXPECT_DOUBLE_EQ(noise_row->diff_mean, 6.0);  // a non-zero mean is still noise
  EXPECT_LT(noise_row->diff_p05, 0.0);
  EXPECT_GT(noise_row->diff_p95, 0.0);

  // With the default "all cities" rows the effect shows in the total too
  // (500 more give or take the noise), and nowhere else.
  std::set<std::string> beyond_noise;
  for (const auto& row : compare_runs(runs, CompareOptions{}))
    if (row.has_difference && !row.within_noise) beyond_noise.insert(row.run + " " + row.indicator + " " + row.city);
  EXPECT_EQ(beyond_noise, (std::set<std::string>{"effect population Dakar", "effect population all cities"}));
}

TEST(Compare, WholeRunSumsEveryStepAndLeavesOutValuesThatAreNotNumbers) {
  // Over the whole run a flow is the total of time points 1..12; the state
  // is the last time point. A replicate whose value is NaN (a rate of an
  // empty labour force) is left out of the mean, the interval and its pair,
  // as scripts/mobsim/effects.py does.
  const RunOutput baseline = synthetic_run("baseline");
  RunOutput effect = synthetic_run("effect");
  shift(effect, "inflow", 0, {1, 2, 3, 4, 5});
  SeriesData& population = effect.series.at("population");
  population.values[(2 * population.times + 12) * population.cities + 0] = std::nan("");
  ASSERT_FALSE(::testing::Test::HasFatalFailure());
  CompareOptions options;
  options.whole_run = true;
  options.all_cities = false;
  const auto rows = compare_runs({baseline, effect}, options);
  auto find = [&](const std::string& period, const std::string& indicator, const std::string& run) {
    for (const auto& row : rows)
      if (row.period == period && row.indicator == indicator && row.city == "Freetown" && row.run == run) return row;
    ADD_FAILURE() << "no row " << period << " " << indicator << " " << run;
    return ComparisonRow{};
  };
  // Baseline inflow in Freetown, replicate r: sum over t = 1..12 of
  // 800 + 10 t + 37 r = 9600 + 780 + 444 r.
  const ComparisonRow inflow = find("2025-2025", "inflow", "baseline");
  EXPECT_DOUBLE_EQ(inflow.mean, 10380.0 + 444.0 * 2);
  const ComparisonRow shifted = find("2025-2025", "inflow", "effect");
  EXPECT_DOUBLE_EQ(shifted.diff_mean, 12.0 * 3);  // 12 steps x the mean shift of 3
  EXPECT_FALSE(shifted.within_noise);
  const ComparisonRow missing = find("2025-2025", "population", "effect");
  EXPECT_EQ(missing.replicates, 5u);
  EXPECT_DOUBLE_EQ(missing.mean, 100000 + 120.0 + 37.0 * (0 + 1 + 3 + 4) / 4.0);
  EXPECT_DOUBLE_EQ(missing.diff_mean, 0.0);  // the four pairs with a value are equal
  EXPECT_TRUE(std::isfinite(missing.p95));
}

}  // namespace
}  // namespace mobsim
