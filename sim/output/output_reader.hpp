#pragma once
// Reads back what Hdf5Writer wrote (docs/OUTPUT.md): coordinates, root
// attributes and the per-city series with their kind, for `mobsim compare`.
#include <cstdint>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace mobsim {

// A file that is not a mobsim output or cannot be read.
class OutputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct SeriesData {
  std::string name, units, long_name, kind;  // kind: stock, flow or rate
  bool headline = false;
  std::size_t replicates = 0, times = 0, cities = 0;
  std::vector<double> values;  // [(replicate * times + time) * cities + city]
  double at(std::size_t r, std::size_t t, std::size_t c) const { return values[(r * times + t) * cities + c]; }
};

struct RunOutput {
  std::filesystem::path path;
  std::string run_name;        // [run] name of the stored scenario
  std::string scenario_toml;   // the resolved scenario
  std::vector<std::string> cities;
  std::vector<std::int32_t> months;  // time coordinate
  std::string time_units;            // "months since YYYY-MM-01"
  std::vector<std::uint64_t> replicate_seeds;
  // A run over calibrated parameter draws (mobsim run --draws): the draw
  // each replicate ran; empty otherwise.
  std::vector<std::int32_t> draw;
  std::map<std::string, SeriesData> series;  // by name, every /series dataset with a mobsim_kind
  std::vector<std::string> series_order;     // their names in the order of the file

  // Calendar year and month (1..12) of the month in which the step dated at
  // time index t ran (t >= 1).
  int step_year(std::size_t t) const;
  int step_month(std::size_t t) const;
};

// Throws OutputError naming the file and what is wrong.
RunOutput read_run_output(const std::filesystem::path& path);

}  // namespace mobsim
