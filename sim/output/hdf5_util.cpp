#include "hdf5_util.hpp"

namespace mobsim {

Handle utf8_string_type() {
  Handle t(H5Tcopy(H5T_C_S1), H5Tclose, "create string type");
  check(H5Tset_size(t.get(), H5T_VARIABLE), "size string type");
  check(H5Tset_cset(t.get(), H5T_CSET_UTF8), "set UTF-8");
  return t;
}

void attr_string(hid_t obj, const std::string& name, const std::string& value) {
  Handle type = utf8_string_type();
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create scalar space");
  Handle attr(H5Acreate2(obj, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
              "create attribute " + name);
  const char* text = value.c_str();
  check(H5Awrite(attr.get(), type.get(), &text), "write attribute " + name);
}

std::string string_attribute(hid_t obj, const std::string& name) {
  if (H5Aexists(obj, name.c_str()) <= 0) return "";
  Handle attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose, "open attribute " + name);
  Handle type(H5Aget_type(attr.get()), H5Tclose, "type of " + name);
  if (H5Tget_class(type.get()) != H5T_STRING) return "";
  if (H5Tis_variable_str(type.get()) > 0) {
    char* text = nullptr;
    Handle mem(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
    check(H5Tset_size(mem.get(), H5T_VARIABLE), "size string type");
    check(H5Tset_cset(mem.get(), H5Tget_cset(type.get())), "string charset");
    check(H5Aread(attr.get(), mem.get(), &text), "read attribute " + name);
    std::string out = text != nullptr ? text : "";
    Handle space(H5Aget_space(attr.get()), H5Sclose, "space of " + name);
    H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, &text);
    return out;
  }
  std::string out(H5Tget_size(type.get()), '\0');
  check(H5Aread(attr.get(), type.get(), out.data()), "read attribute " + name);
  return out.substr(0, out.find('\0'));
}

Handle group_creation_plist() {
  Handle gcpl(H5Pcreate(H5P_GROUP_CREATE), H5Pclose, "create group plist");
  check(H5Pset_link_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "track links");
  check(H5Pset_attr_creation_order(gcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "track attrs");
  return gcpl;
}

Handle dataset_plist(const std::vector<hsize_t>& chunk) {
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create dataset plist");
  check(H5Pset_attr_creation_order(dcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "track attrs");
  if (!chunk.empty()) {
    check(H5Pset_chunk(dcpl.get(), static_cast<int>(chunk.size()), chunk.data()), "set chunking");
    check(H5Pset_shuffle(dcpl.get()), "set shuffle");
    check(H5Pset_deflate(dcpl.get(), 4), "set deflate");
  }
  return dcpl;
}

}  // namespace mobsim
