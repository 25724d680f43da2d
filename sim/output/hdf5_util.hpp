#pragma once
// Small HDF5 pieces every file mobsim writes or reads uses the same way: the
// UTF-8 string type, scalar attributes, the creation property lists that
// netCDF-4 readers expect, and reading a string attribute back.
#include <hdf5.h>

#include <string>
#include <vector>

#include "hdf5_handle.hpp"

namespace mobsim {

// Variable-length UTF-8 strings.
Handle utf8_string_type();
void attr_string(hid_t obj, const std::string& name, const std::string& value);
template <class T>
void attr_number(hid_t obj, const std::string& name, T value, hid_t type) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create scalar space");
  Handle attr(H5Acreate2(obj, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
              "create attribute " + name);
  check(H5Awrite(attr.get(), type, &value), "write attribute " + name);
}
// A string attribute's text ("" when absent or not a string).
std::string string_attribute(hid_t obj, const std::string& name);

// Groups and datasets with link and attribute creation order tracked (as
// netCDF-4 readers expect); `chunk` non-empty: chunked, shuffled, deflated.
Handle group_creation_plist();
Handle dataset_plist(const std::vector<hsize_t>& chunk);

}  // namespace mobsim
