#pragma once
// Writes a run to HDF5, laid out so that netCDF tools and xarray open it with
// named dimensions (docs/OUTPUT.md). Data are written a chunk of time points
// (a year of months) at a time into a temporary file beside the final one,
// which is renamed only when complete:
// a crash or a kill never leaves a truncated file under the final name, and a
// failed run never replaces an existing file.
#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "engine.hpp"

namespace mobsim {

struct OutputMetadata {
  std::string scenario_toml;  // resolved scenario, every parameter
  std::string scenario_file;
  std::string command_line;
  int threads = 1;
};

class Hdf5Writer : public Sink {
 public:
  Hdf5Writer(const std::filesystem::path& final_path, const Engine& engine, const OutputMetadata& meta);
  ~Hdf5Writer() override;  // removes the temporary file unless committed
  Hdf5Writer(const Hdf5Writer&) = delete;
  Hdf5Writer& operator=(const Hdf5Writer&) = delete;

  void write(std::size_t replicate, int time_index, const Frame& frame) override;
  // Records run statistics, closes the file and renames it to the final path.
  void commit(const RunStats& stats);

  const std::filesystem::path& temporary_path() const { return temp_path_; }

 private:
  struct Impl;
  void write_block(std::size_t replicate);  // the replicate's pending time points
  std::unique_ptr<Impl> impl_;
  std::filesystem::path final_path_;
  std::filesystem::path temp_path_;
  bool committed_ = false;
};

}  // namespace mobsim
