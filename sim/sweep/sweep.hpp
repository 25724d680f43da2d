#pragma once
// Parameter sweeps (docs/SWEEPS.md): a sweep file names a scenario, the
// declared parameters to vary within their ranges, a design (a full grid, a
// Latin hypercube or a Sobol sequence) and the replicates of each point.
// It expands into numbered points; point K is the scenario with fixed
// overrides and its design values, run with the scenario's own seed, so
// that replicate r meets the same random numbers at every point (common
// random numbers: parameter effects are not drowned in replicate noise).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "errors.hpp"
#include "param.hpp"

namespace mobsim {

// A sweep file that cannot be used: every problem, file:line:column and key path.
class SweepError : public ScenarioError {
 public:
  using ScenarioError::ScenarioError;
};

enum class SweepDesign { grid, latin_hypercube, sobol };
const char* name_of(SweepDesign design);

struct SweepParameter {
  std::string key;  // a declared global parameter, "housing.deposit_months"
  bool integer = false;
  double min = 0, max = 0;     // the range swept (within the declared one)
  int levels = 0;              // grid: evenly spaced values from min to max
  std::vector<double> values;  // grid: explicit values instead
  std::string unit, meaning;   // from the declaration
};

struct SweepSpec {
  std::filesystem::path file;      // the sweep file
  std::string text;                // its text, as read
  std::filesystem::path scenario;  // resolved against the sweep file's folder
  SweepDesign design = SweepDesign::grid;
  int points = 0;            // latin_hypercube, sobol; grid: the product of the levels
  std::uint64_t seed = 1;    // latin_hypercube's draws
  int replicates = 1;        // per point
  std::vector<std::string> sets;  // overrides for every point
  std::vector<SweepParameter> parameters;

  // values[point][parameter], in the order of `parameters`.
  std::vector<std::vector<double>> values;
  // The overrides of point k: the fixed ones, then its values, then the replicates.
  std::vector<std::string> overrides(std::size_t point) const;
  // "housing.deposit_months=2.5, housing.sharing_probability=0.6"
  std::string describe(std::size_t point) const;
};

// Reads and checks a sweep file against the declared parameters; expands
// its design. Throws SweepError (file:line:column and key path per
// problem, all of them at once).
SweepSpec load_sweep(const std::filesystem::path& file, const ParamTable& table);

// The output of point k in `folder`: folder/point-KKKK.h5.
std::filesystem::path sweep_point_path(const std::filesystem::path& folder, std::size_t point);
// The default folder of a sweep's points: beside the sweep file's name
// in the working folder (SWEEP_STEM.points).
std::filesystem::path default_sweep_folder(const SweepSpec& sweep);

}  // namespace mobsim
