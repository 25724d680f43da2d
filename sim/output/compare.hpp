#pragma once
// `mobsim compare A.h5 B.h5 ...`: for each city and indicator, each run's
// mean and 90% interval over replicates, and the difference of every other
// run against the first, with differences within replicate noise marked.
// Works on any series the files hold (their kind says how to read them).
// The definition of an effect (periods, pairing, mean and interval) is the
// one of scripts/mobsim/effects.py, which the report uses; the two are
// tested to agree (tests/scripts/test_compare.py).
#include <cmath>
#include <cstdint>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "output_reader.hpp"

namespace mobsim {

// Files that cannot be compared (other cities, another calendar, a missing
// indicator): a clear message, exit code 2.
class CompareError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CompareOptions {
  std::optional<int> year;               // also compare this calendar year
  bool whole_run = false;                // also compare the whole run (flows summed over every step)
  std::string format = "text";           // text, csv, markdown, json
  std::vector<std::string> indicators;   // empty: the files' headline series
  std::vector<std::string> cities;       // empty: every city
  bool all_cities = true;                // add an "all cities" row for counts
};

// The 5%, 50% and 95% points of an empirical distribution (linear
// interpolation between order statistics, as numpy's default).
double quantile(std::vector<double> values, double q);

// One line of the comparison.
struct ComparisonRow {
  std::string period;     // "2035-01" (state at the horizon) or "2030" (a calendar year)
  std::string indicator;  // series name
  std::string units, kind;
  std::string city;       // a city or "all cities"
  std::string run;        // run name
  double mean = 0, p05 = 0, p95 = 0;
  bool has_difference = false;  // false for the first run
  double diff_mean = 0, diff_p05 = 0, diff_p95 = 0;
  bool paired = false;          // differences per replicate (same seeds)
  bool within_noise = false;    // the 90% interval of the difference includes 0
  std::size_t replicates = 0;
  // Runs over calibrated draws: the share of the spread (of the level, and
  // of the difference when both runs ran the same draws) that the draws
  // explain, the rest being chance (parameter_share); NaN otherwise.
  double parameter_share = std::nan("");
  double diff_parameter_share = std::nan("");
};

// The share of the variance of `values` (one per replicate) that comes from
// the parameters rather than chance, for replicates that ran the draws
// `draw`: the variance between the draws' means less what chance puts
// there (mean variance within a draw / replicates per draw), over that plus
// the within-draw variance; in [0, 1]. NaN with one draw, fewer than two
// replicates a draw, values that are not numbers, or values that do not vary. The formula of
// scripts/mobsim/effects.py's parameter_share.
double parameter_share(const std::vector<double>& values, const std::vector<std::int32_t>& draw);

std::vector<ComparisonRow> compare_runs(const std::vector<RunOutput>& runs, const CompareOptions& options);
void print_comparison(const std::vector<RunOutput>& runs, const std::vector<ComparisonRow>& rows,
                      const CompareOptions& options, std::ostream& out);

}  // namespace mobsim
