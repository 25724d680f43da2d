#pragma once
// Writes a run to HDF5, laid out so that netCDF tools and xarray open it with
// named dimensions (docs/OUTPUT.md). Data are written a chunk of time points
// (a year of months) at a time into the file it is given: the temporary file
// of an OutputFile, which renames it into place only when it is complete.
// Every HDF5 failure (disk full, quota, I/O error) becomes one WriteError
// naming the file and the system's cause; after one, every further call
// fails the same way without touching the file.
#include <exception>
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
  // Creates `path` (which must not exist) and writes everything known
  // before the run: coordinates, metadata, empty datasets. Errors name
  // `shown_as` (the output the user asked for; default: `path`).
  Hdf5Writer(const std::filesystem::path& path, const Engine& engine, const OutputMetadata& meta,
             const std::filesystem::path& shown_as = {});
  ~Hdf5Writer() override;  // closes the file (finished or not); never throws
  Hdf5Writer(const Hdf5Writer&) = delete;
  Hdf5Writer& operator=(const Hdf5Writer&) = delete;

  void write(std::size_t replicate, int time_index, const Frame& frame) override;
  // Records run statistics and closes the file, every write done.
  void finish(const RunStats& stats);

 private:
  struct Impl;
  void write_block(std::size_t replicate);  // the replicate's pending time points
  void create(const Engine& engine, const OutputMetadata& meta);
  void close_all(const RunStats& stats);
  // Runs `action`; an HDF5 failure becomes the writer's WriteError.
  template <class F>
  void guarded(F&& action);
  std::unique_ptr<Impl> impl_;
  std::filesystem::path path_, shown_as_;
  std::exception_ptr failure_;  // the first failure: every later call throws it again
};

}  // namespace mobsim
