#include "cli_helpers.hpp"

#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "cli.hpp"
#include "support.hpp"

namespace mobsim::test {

CliResult run_cli(const std::vector<std::string>& args) {
  std::vector<const char*> argv{"mobsim"};
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  const int rc = mobsim::run_cli(static_cast<int>(argv.size()), argv.data(), registry(), out, err);
  return CliResult{rc, out.str(), err.str()};
}

TempDir::TempDir(const std::string& name)
    : path_(std::filesystem::temp_directory_path() / ("mobsim-test-" + std::to_string(::getpid()) + "-" + name)) {
  std::filesystem::remove_all(path_);
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::vector<std::string> TempDir::files() const {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(path_)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

void write_file(const std::filesystem::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
}

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<unsigned char> read_dataset_bytes(const std::filesystem::path& file, const std::string& dataset) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) throw std::runtime_error("cannot open " + file.string());
  const hid_t d = H5Dopen2(f, dataset.c_str(), H5P_DEFAULT);
  if (d < 0) {
    H5Fclose(f);
    throw std::runtime_error("no dataset " + dataset);
  }
  const hid_t file_type = H5Dget_type(d);
  const hid_t mem_type = H5Tget_native_type(file_type, H5T_DIR_ASCEND);
  const hid_t space = H5Dget_space(d);
  const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
  std::vector<unsigned char> bytes;
  if (H5Tis_variable_str(file_type) > 0) {
    // Strings: the characters, each string followed by a NUL.
    std::vector<char*> strings(n);
    H5Dread(d, file_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, strings.data());
    for (char* s : strings) {
      for (const char* p = s; *p; ++p) bytes.push_back(static_cast<unsigned char>(*p));
      bytes.push_back(0);
    }
    H5Dvlen_reclaim(file_type, space, H5P_DEFAULT, strings.data());
  } else {
    bytes.resize(n * H5Tget_size(mem_type));
    H5Dread(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, bytes.data());
  }
  H5Sclose(space);
  H5Tclose(mem_type);
  H5Tclose(file_type);
  H5Dclose(d);
  H5Fclose(f);
  return bytes;
}

std::vector<std::string> list_datasets(const std::filesystem::path& file, const std::string& group) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t g = H5Gopen2(f, group.c_str(), H5P_DEFAULT);
  std::vector<std::string> names;
  H5G_info_t info;
  H5Gget_info(g, &info);
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    char name[256];
    H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, name, sizeof name, H5P_DEFAULT);
    const hid_t obj = H5Oopen(g, name, H5P_DEFAULT);
    if (H5Iget_type(obj) == H5I_DATASET) names.push_back(name);
    H5Oclose(obj);
  }
  H5Gclose(g);
  H5Fclose(f);
  return names;
}

std::string read_string_attribute(const std::filesystem::path& file, const std::string& name) {
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  const hid_t a = H5Aopen(f, name.c_str(), H5P_DEFAULT);
  const hid_t type = H5Aget_type(a);
  char* text = nullptr;
  H5Aread(a, type, &text);
  std::string value = text ? text : "";
  H5free_memory(text);
  H5Tclose(type);
  H5Aclose(a);
  H5Fclose(f);
  return value;
}

}  // namespace mobsim::test
