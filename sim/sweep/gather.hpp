#pragma once
// Gathering a sweep (docs/SWEEPS.md): the outputs of its points, one file
// each, become one file whose datasets gain a leading `point` dimension,
// with the parameters' values as coordinates on it (/parameters/KEY), each
// point's resolved scenario (/point_scenario), and the coordinates and
// attributes of the first point's file.
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "sweep.hpp"

namespace mobsim {

// A point's file is missing or not that point's (exit code 2).
class GatherError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct GatherResult {
  std::vector<std::size_t> gathered, missing;
};

// The points present in `folder` and those missing (in point order).
GatherResult find_sweep_points(const SweepSpec& sweep, const std::filesystem::path& folder);

// Writes `out` from the points `points` (present in `folder`), whose
// resolved scenarios must be `expected[point]`. Throws GatherError when a
// file is not the point it is named for, Hdf5Error when writing fails.
void gather_sweep(const SweepSpec& sweep, const std::vector<std::string>& expected,
                  const std::vector<std::size_t>& points, const std::filesystem::path& folder,
                  const std::filesystem::path& out);

}  // namespace mobsim
