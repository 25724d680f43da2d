#pragma once
// Running the command line in-process, and reading datasets back from HDF5.
#include <filesystem>
#include <string>
#include <vector>

namespace mobsim::test {

struct CliResult {
  int exit_code;
  std::string out;
  std::string err;
};
CliResult run_cli(const std::vector<std::string>& args);

// A fresh empty directory, removed when the object goes out of scope.
class TempDir {
 public:
  explicit TempDir(const std::string& name);
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& f) const { return path_ / f; }
  std::vector<std::string> files() const;  // names, sorted

 private:
  std::filesystem::path path_;
};

void write_file(const std::filesystem::path& p, const std::string& text);
std::string read_file(const std::filesystem::path& p);

// Raw bytes of a numeric dataset, in its native memory layout.
std::vector<unsigned char> read_dataset_bytes(const std::filesystem::path& file, const std::string& dataset);
// Names of the datasets in a group ("/" or "/series").
std::vector<std::string> list_datasets(const std::filesystem::path& file, const std::string& group);
std::string read_string_attribute(const std::filesystem::path& file, const std::string& name);

}  // namespace mobsim::test
