#pragma once
// Why output could not be written. The command line turns each into its
// exit code (docs/EXIT_CODES.md): a job script can tell a bad path (fix the
// command), a busy output (another run is writing it) and a failed write
// (disk full, quota, I/O error: free space and run again) apart.
#include <filesystem>
#include <stdexcept>
#include <string>

namespace mobsim {

// The output path cannot be used: a device, a folder, a missing folder, a
// folder where files cannot be created. Found before anything runs.
class OutputPathError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Another run holds the output's lock.
class OutputBusyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A write failed: what(): "cannot write output 'PATH': CAUSE". `detail` is
// the library's own account (HDF5's error stack), shown under --verbose.
class WriteError : public std::runtime_error {
 public:
  WriteError(const std::filesystem::path& path, const std::string& cause, std::string detail = {})
      : std::runtime_error("cannot write output '" + path.string() + "': " + cause), detail_(std::move(detail)) {}
  const std::string& detail() const { return detail_; }

 private:
  std::string detail_;
};

}  // namespace mobsim
