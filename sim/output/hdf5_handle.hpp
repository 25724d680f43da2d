#pragma once
// RAII ownership of HDF5 identifiers and error checks, shared by the writer
// and the reader of output files (HDF5's C API returns negative ids and
// statuses on failure; its error stack becomes one Hdf5Error).
#include <hdf5.h>

#include <stdexcept>
#include <string>

namespace mobsim {

// A failed HDF5 call. what(): "HDF5: cannot <action>[: <system error>]".
// The system error ("No space left on device") is the one HDF5's file
// driver recorded, when the failure came from the operating system; the
// whole error stack is kept for --verbose.
class Hdf5Error : public std::runtime_error {
 public:
  Hdf5Error(const std::string& action, std::string system_error, int error_number, std::string stack);
  const std::string& system_error() const { return system_error_; }
  int error_number() const { return error_number_; }  // errno, 0 when HDF5 reported none
  const std::string& stack() const { return stack_; }

 private:
  std::string system_error_;
  int error_number_ = 0;
  std::string stack_;
};

// Throws Hdf5Error for `action` from HDF5's current error stack.
[[noreturn]] void throw_hdf5_error(const std::string& action);

// Owns one HDF5 identifier.
class Handle {
 public:
  Handle() = default;
  Handle(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
    if (id < 0) throw_hdf5_error(what);
  }
  Handle(Handle&& o) noexcept : id_(o.id_), close_(o.close_) { o.id_ = -1; }
  Handle& operator=(Handle&& o) noexcept {
    reset();
    id_ = o.id_;
    close_ = o.close_;
    o.id_ = -1;
    return *this;
  }
  ~Handle() { reset(); }
  // Closes, ignoring failure (unwinding after an error; close() reports it).
  void reset() {
    if (id_ >= 0 && close_ != nullptr) close_(id_);
    id_ = -1;
  }
  // Closes and throws Hdf5Error if closing fails (for a file: its last
  // writes happen here).
  void close(const std::string& what) {
    const hid_t id = id_;
    id_ = -1;
    if (id >= 0 && close_ != nullptr && close_(id) < 0) throw_hdf5_error(what);
  }
  hid_t get() const { return id_; }

 private:
  hid_t id_ = -1;
  herr_t (*close_)(hid_t) = nullptr;
};

inline void check(herr_t status, const std::string& what) {
  if (status < 0) throw_hdf5_error(what);
}

}  // namespace mobsim
