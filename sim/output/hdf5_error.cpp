#include <cstdlib>
#include <string>

#include "hdf5_handle.hpp"

namespace mobsim {

namespace {

struct StackText {
  std::string stack;
  std::string system_error;
  int error_number = 0;
};

// The file drivers describe an operating-system failure as
// "... errno = 28, error message = 'No space left on device', ...".
void find_system_error(const std::string& desc, StackText& out) {
  const std::string errno_key = "errno = ", message_key = "error message = '";
  if (const auto at = desc.find(errno_key); at != std::string::npos)
    out.error_number = std::atoi(desc.c_str() + at + errno_key.size());
  if (const auto at = desc.find(message_key); at != std::string::npos) {
    const auto begin = at + message_key.size();
    const auto end = desc.find('\'', begin);
    if (end != std::string::npos) out.system_error = desc.substr(begin, end - begin);
  }
}

herr_t collect(unsigned n, const H5E_error2_t* error, void* data) {
  auto& out = *static_cast<StackText*>(data);
  char major[128] = "", minor[128] = "";
  H5Eget_msg(error->maj_num, nullptr, major, sizeof major);
  H5Eget_msg(error->min_num, nullptr, minor, sizeof minor);
  std::string desc = error->desc != nullptr ? error->desc : "";
  for (auto& ch : desc)
    if (ch == '\n') ch = ' ';
  out.stack += "  #" + std::to_string(n) + " " + (error->func_name != nullptr ? error->func_name : "?") + "(): " +
               desc + " [" + major + " / " + minor + "]\n";
  if (out.system_error.empty()) find_system_error(desc, out);
  return 0;
}

}  // namespace

Hdf5Error::Hdf5Error(const std::string& action, std::string system_error, int error_number, std::string stack)
    : std::runtime_error("HDF5: cannot " + action + (system_error.empty() ? "" : ": " + system_error)),
      system_error_(std::move(system_error)),
      error_number_(error_number),
      stack_(std::move(stack)) {}

void throw_hdf5_error(const std::string& action) {
  StackText text;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect, &text);
  H5Eclear2(H5E_DEFAULT);
  throw Hdf5Error(action, text.system_error, text.error_number, text.stack);
}

}  // namespace mobsim
