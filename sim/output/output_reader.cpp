#include "output_reader.hpp"

#include <hdf5.h>
#include <toml++/toml.h>

#include "hdf5_handle.hpp"
#include "hdf5_util.hpp"

namespace mobsim {

namespace {

bool exists(hid_t where, const std::string& name) { return H5Lexists(where, name.c_str(), H5P_DEFAULT) > 0; }

int int_attribute(hid_t obj, const std::string& name) {
  if (H5Aexists(obj, name.c_str()) <= 0) return 0;
  Handle attr(H5Aopen(obj, name.c_str(), H5P_DEFAULT), H5Aclose, "open attribute " + name);
  std::int32_t value = 0;
  check(H5Aread(attr.get(), H5T_NATIVE_INT32, &value), "read attribute " + name);
  return value;
}

std::vector<hsize_t> dims_of(hid_t ds) {
  Handle space(H5Dget_space(ds), H5Sclose, "dataset space");
  std::vector<hsize_t> dims(static_cast<std::size_t>(H5Sget_simple_extent_ndims(space.get())));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}

std::vector<std::string> string_dataset(hid_t where, const std::string& name) {
  Handle ds(H5Dopen2(where, name.c_str(), H5P_DEFAULT), H5Dclose, "open " + name);
  const auto dims = dims_of(ds.get());
  std::vector<char*> texts(dims.at(0), nullptr);
  Handle mem(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
  check(H5Tset_size(mem.get(), H5T_VARIABLE), "size string type");
  check(H5Tset_cset(mem.get(), H5T_CSET_UTF8), "string charset");
  check(H5Dread(ds.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, texts.data()), "read " + name);
  std::vector<std::string> out(texts.begin(), texts.end());
  Handle space(H5Dget_space(ds.get()), H5Sclose, "space of " + name);
  H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, texts.data());
  return out;
}

template <class T>
std::vector<T> numeric_dataset(hid_t where, const std::string& name, hid_t mem_type) {
  Handle ds(H5Dopen2(where, name.c_str(), H5P_DEFAULT), H5Dclose, "open " + name);
  hsize_t n = 1;
  for (auto d : dims_of(ds.get())) n *= d;
  std::vector<T> out(n);
  check(H5Dread(ds.get(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()), "read " + name);
  return out;
}

herr_t collect_name(hid_t, const char* name, const H5L_info_t*, void* names) {
  static_cast<std::vector<std::string>*>(names)->emplace_back(name);
  return 0;
}

}  // namespace

namespace {
// Months from January of year 0 to the month in which the step dated t began.
int calendar_month_index(const RunOutput& out, std::size_t t) {
  const std::string start = out.time_units.substr(out.time_units.size() - 10);  // YYYY-MM-01
  const int step_months = out.months.size() > 1 ? out.months[1] - out.months[0] : 1;
  return std::stoi(start.substr(0, 4)) * 12 + std::stoi(start.substr(5, 2)) - 1 + out.months.at(t) - step_months;
}
}  // namespace

int RunOutput::step_year(std::size_t t) const { return calendar_month_index(*this, t) / 12; }
int RunOutput::step_month(std::size_t t) const { return calendar_month_index(*this, t) % 12 + 1; }

RunOutput read_run_output(const std::filesystem::path& path) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const std::string where = path.string() + ": ";
  if (!std::filesystem::is_regular_file(path)) throw OutputError(where + "no such file");
  if (H5Fis_hdf5(path.c_str()) <= 0) throw OutputError(where + "not an HDF5 file");
  try {
    Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open " + path.string());
    const hid_t root = file.get();
    if (!exists(root, "series") || !exists(root, "series/time") || !exists(root, "city"))
      throw OutputError(where + "not a mobsim output (no /series group with time and city coordinates)");
    RunOutput out;
    out.path = path;
    out.scenario_toml = string_attribute(root, "scenario");
    try {
      const toml::table scenario = toml::parse(out.scenario_toml);
      out.run_name = scenario["run"]["name"].value_or(std::string());
    } catch (const toml::parse_error&) {
      out.run_name.clear();
    }
    if (out.run_name.empty()) out.run_name = path.stem().string();
    out.cities = string_dataset(root, "city");
    Handle group(H5Gopen2(root, "series", H5P_DEFAULT), H5Gclose, "open /series");
    out.months = numeric_dataset<std::int32_t>(group.get(), "time", H5T_NATIVE_INT32);
    {
      Handle time(H5Dopen2(group.get(), "time", H5P_DEFAULT), H5Dclose, "open /series/time");
      out.time_units = string_attribute(time.get(), "units");
    }
    if (out.time_units.rfind("months since ", 0) != 0 || out.time_units.size() < 23)
      throw OutputError(where + "time coordinate has units '" + out.time_units + "', expected 'months since YYYY-MM-01'");
    if (exists(root, "replicate_seed"))
      out.replicate_seeds = numeric_dataset<std::uint64_t>(root, "replicate_seed", H5T_NATIVE_UINT64);
    if (exists(root, "draw")) out.draw = numeric_dataset<std::int32_t>(root, "draw", H5T_NATIVE_INT32);
    std::vector<std::string> names;
    H5Literate(group.get(), H5_INDEX_CRT_ORDER, H5_ITER_INC, nullptr, collect_name, &names);
    for (const auto& name : names) {
      Handle ds(H5Dopen2(group.get(), name.c_str(), H5P_DEFAULT), H5Dclose, "open /series/" + name);
      const std::string kind = string_attribute(ds.get(), "mobsim_kind");
      const auto dims = dims_of(ds.get());
      if (kind.empty() || dims.size() != 3) continue;  // coordinates, or files from before kinds existed
      SeriesData s;
      s.name = name;
      s.kind = kind;
      s.units = string_attribute(ds.get(), "units");
      s.long_name = string_attribute(ds.get(), "long_name");
      s.headline = int_attribute(ds.get(), "mobsim_headline") != 0;
      s.replicates = dims[0];
      s.times = dims[1];
      s.cities = dims[2];
      s.values.resize(dims[0] * dims[1] * dims[2]);
      check(H5Dread(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, s.values.data()), "read " + name);
      out.series_order.push_back(name);
      out.series.emplace(name, std::move(s));
    }
    if (out.series.empty())
      throw OutputError(where + "its series carry no mobsim_kind attribute (written by an older mobsim?)");
    return out;
  } catch (const OutputError&) {
    throw;
  } catch (const std::exception& e) {
    throw OutputError(where + e.what());
  }
}

}  // namespace mobsim
