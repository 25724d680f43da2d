#include "gather.hpp"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <algorithm>
#include <functional>
#include <map>

#include "hdf5_handle.hpp"
#include "hdf5_util.hpp"
#include "output_errors.hpp"

namespace mobsim {

namespace fs = std::filesystem;

namespace {

// Datasets with a leading replicate dimension gain the point dimension;
// the others (coordinates) are copied from the first point's file.
bool per_replicate(const std::string& path) {
  return path.rfind("series/", 0) == 0 || path.rfind("schemes/", 0) == 0 || path.rfind("pathways/", 0) == 0 ||
         path == "flows" || path == "flows_by_channel";
}

// Attributes HDF5's dimension scales keep for themselves.
bool scale_internal(const std::string& name) {
  return name == "DIMENSION_LIST" || name == "REFERENCE_LIST" || name == "CLASS" || name == "NAME";
}

Handle open_file(const fs::path& p) {
  return Handle(H5Fopen(p.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open " + p.string());
}

void copy_attributes(hid_t from, hid_t to) {
  H5O_info_t info{};
  check(H5Oget_info(from, &info), "attribute count");
  for (hsize_t i = 0; i < info.num_attrs; ++i) {
    Handle attr(H5Aopen_by_idx(from, ".", H5_INDEX_CRT_ORDER, H5_ITER_INC, i, H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                "open attribute");
    char name[256] = "";
    H5Aget_name(attr.get(), sizeof name, name);
    if (scale_internal(name) || H5Aexists(to, name) > 0) continue;
    Handle type(H5Aget_type(attr.get()), H5Tclose, "attribute type");
    Handle space(H5Aget_space(attr.get()), H5Sclose, "attribute space");
    const auto n = static_cast<std::size_t>(std::max<hssize_t>(1, H5Sget_simple_extent_npoints(space.get())));
    std::vector<unsigned char> buffer(n * H5Tget_size(type.get()));
    check(H5Aread(attr.get(), type.get(), buffer.data()), std::string("read attribute ") + name);
    Handle copy(H5Acreate2(to, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
                std::string("create attribute ") + name);
    check(H5Awrite(copy.get(), type.get(), buffer.data()), std::string("write attribute ") + name);
    if (H5Tdetect_class(type.get(), H5T_VLEN) > 0 || H5Tis_variable_str(type.get()) > 0)
      H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, buffer.data());
  }
}

struct Listing {
  std::vector<std::string> datasets, groups;
};

herr_t list_link(hid_t group, const char* name, const H5L_info_t*, void* data) {
  auto* listing = static_cast<Listing*>(data);
  const hid_t obj = H5Oopen(group, name, H5P_DEFAULT);
  if (obj < 0) return -1;
  const H5I_type_t type = H5Iget_type(obj);
  H5Oclose(obj);
  if (type == H5I_DATASET) listing->datasets.emplace_back(name);
  if (type == H5I_GROUP) listing->groups.emplace_back(name);
  return 0;
}

// The scale attached to each dimension of a dataset ("" where none).
herr_t scale_name(hid_t, unsigned, hid_t scale, void* data) {
  char name[512] = "";
  H5Iget_name(scale, name, sizeof name);
  *static_cast<std::string*>(data) = name;
  return 1;  // the first is enough
}

std::vector<std::string> scales_of(hid_t ds, int rank) {
  std::vector<std::string> out(static_cast<std::size_t>(rank));
  for (int d = 0; d < rank; ++d)
    if (H5DSget_num_scales(ds, static_cast<unsigned>(d)) > 0)
      H5DSiterate_scales(ds, static_cast<unsigned>(d), nullptr, scale_name, &out[static_cast<std::size_t>(d)]);
  return out;
}

// Attaches to each dimension of `dst` (from `offset` on) the output's copy
// of the scale the same dimension of `src` has in the first point's file.
void attach_like(hid_t src, hid_t dst, int rank, unsigned offset, const std::map<std::string, hid_t>& scales) {
  const auto source_scales = scales_of(src, rank);
  for (int d = 0; d < rank; ++d)
    if (const auto it = scales.find(source_scales[static_cast<std::size_t>(d)]); it != scales.end())
      check(H5DSattach_scale(dst, it->second, static_cast<unsigned>(d) + offset), "attach a dimension");
}

}  // namespace

GatherResult find_sweep_points(const SweepSpec& sweep, const fs::path& folder) {
  GatherResult r;
  for (std::size_t k = 0; k < static_cast<std::size_t>(sweep.points); ++k) {
    std::error_code ec;
    (fs::is_regular_file(sweep_point_path(folder, k), ec) ? r.gathered : r.missing).push_back(k);
  }
  return r;
}

void gather_sweep(const SweepSpec& sweep, const std::vector<std::string>& expected, const std::vector<std::size_t>& points,
                  const fs::path& folder, const fs::path& out) {
  if (points.empty()) throw GatherError("no point of the sweep has an output in '" + folder.string() + "'");
  // Every file must be the point it is named for.
  std::vector<Handle> files;
  for (const std::size_t k : points) {
    const fs::path p = sweep_point_path(folder, k);
    try {
      files.push_back(open_file(p));
    } catch (const Hdf5Error& e) {
      throw GatherError("cannot read '" + p.string() + "' (not a complete mobsim output?): " + e.what());
    }
    const std::string scenario = string_attribute(files.back().get(), "scenario");
    if (scenario != expected.at(k))
      throw GatherError("'" + p.string() + "' is not point " + std::to_string(k) + " of this sweep (" +
                        sweep.describe(k) + "): its resolved scenario differs; run the point again");
  }
  const hid_t first = files.front().get();
  Listing root;
  check(H5Literate(first, H5_INDEX_NAME, H5_ITER_INC, nullptr, list_link, &root), "list the first point's file");

  Handle file(H5Fcreate(out.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose, "create " + out.string());
  const hid_t f = file.get();
  copy_attributes(first, f);
  attr_string(f, "sweep", sweep.text);
  attr_string(f, "sweep_file", sweep.file.string());
  attr_string(f, "sweep_design", name_of(sweep.design));
  // The scenario of each point is /point_scenario; the root's would be the first point's only.
  if (H5Aexists(f, "scenario") > 0) H5Adelete(f, "scenario");

  // Every dataset of the first file below the root and its groups (not
  // the run statistics, timings of one run each), with whether it is a
  // coordinate (a dimension scale, or a root dataset without replicates).
  struct Item {
    std::string path;
    bool coordinate;
  };
  std::vector<Item> items;
  std::vector<std::string> groups;  // in creation order, parents first
  const auto add_items = [&](const std::string& prefix, const Listing& listing) {
    for (const auto& d : listing.datasets) {
      const std::string path = prefix + d;
      Handle ds(H5Dopen2(first, path.c_str(), H5P_DEFAULT), H5Dclose, "open " + path);
      items.push_back({path, H5DSis_scale(ds.get()) > 0 || (prefix.empty() && !per_replicate(path))});
    }
  };
  add_items("", root);
  const std::function<void(const std::string&)> walk = [&](const std::string& group) {
    Listing inner;
    Handle g(H5Gopen2(first, group.c_str(), H5P_DEFAULT), H5Gclose, "open " + group);
    check(H5Literate(g.get(), H5_INDEX_NAME, H5_ITER_INC, nullptr, list_link, &inner), "list " + group);
    groups.push_back(group);
    add_items(group + "/", inner);
    for (const auto& sub : inner.groups) walk(group + "/" + sub);
  };
  for (const auto& group : root.groups)
    if (group != "run_statistics") walk(group);
  for (const auto& group : groups) {
    Handle gcpl = group_creation_plist();
    Handle g(H5Gcreate2(f, group.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), H5Gclose, "create " + group);
    Handle src(H5Gopen2(first, group.c_str(), H5P_DEFAULT), H5Gclose, "open " + group);
    copy_attributes(src.get(), g.get());
  }

  // Coordinates as they are, dimension scales again.
  const auto P = static_cast<hsize_t>(points.size());
  std::map<std::string, hid_t> scales;  // "/series/time" -> its dataset in the output
  std::vector<Handle> kept;
  for (const auto& item : items) {
    if (!item.coordinate) continue;
    const std::string& name = item.path;
    Handle src(H5Dopen2(first, name.c_str(), H5P_DEFAULT), H5Dclose, "open " + name);
    Handle type(H5Dget_type(src.get()), H5Tclose, "type");
    Handle space(H5Dget_space(src.get()), H5Sclose, "space");
    const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));
    std::vector<unsigned char> buffer(std::max<std::size_t>(1, n) * H5Tget_size(type.get()));
    check(H5Dread(src.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), "read " + name);
    Handle dcpl = dataset_plist({});
    Handle dst(H5Dcreate2(f, name.c_str(), type.get(), space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT), H5Dclose,
               "create " + name);
    check(H5Dwrite(dst.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), "write " + name);
    if (H5Tis_variable_str(type.get()) > 0) H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, buffer.data());
    copy_attributes(src.get(), dst.get());
    if (H5DSis_scale(src.get()) > 0) {
      const std::string leaf = name.substr(name.rfind('/') + 1);
      check(H5DSset_scale(dst.get(), leaf.c_str()), "make " + name + " a dimension");
      scales["/" + name] = dst.get();
    }
    kept.push_back(std::move(dst));
  }
  // Coordinates on other coordinates (a city's country on city).
  for (const auto& item : items) {
    if (!item.coordinate) continue;
    Handle src(H5Dopen2(first, item.path.c_str(), H5P_DEFAULT), H5Dclose, "open " + item.path);
    if (H5DSis_scale(src.get()) > 0) continue;
    Handle dst(H5Dopen2(f, item.path.c_str(), H5P_DEFAULT), H5Dclose, "open " + item.path);
    Handle space(H5Dget_space(src.get()), H5Sclose, "space");
    attach_like(src.get(), dst.get(), H5Sget_simple_extent_ndims(space.get()), 0, scales);
  }
  // The point dimension in the root and in every group (each opens on its
  // own), the parameters on it and each point's scenario.
  Handle point_space(H5Screate_simple(1, &P, nullptr), H5Sclose, "point space");
  const auto point_scale = [&](const std::string& group) {
    std::vector<std::int32_t> index(points.begin(), points.end());
    const std::string path = group.empty() ? "point" : group + "/point";
    Handle dcpl = dataset_plist({});
    Handle ds(H5Dcreate2(f, path.c_str(), H5T_NATIVE_INT32, point_space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
              H5Dclose, "create " + path);
    check(H5Dwrite(ds.get(), H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, index.data()), "write " + path);
    check(H5DSset_scale(ds.get(), "point"), "make point a dimension");
    attr_string(ds.get(), "long_name", "sweep point (mobsim sweep lists them)");
    scales["/" + path] = ds.get();
    kept.push_back(std::move(ds));
  };
  point_scale("");
  for (const auto& group : groups) point_scale(group);
  {
    Handle dcpl = dataset_plist({});
    Handle gcpl = group_creation_plist();
    Handle params(H5Gcreate2(f, "parameters", H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), H5Gclose, "create parameters");
    point_scale("parameters");
    for (std::size_t j = 0; j < sweep.parameters.size(); ++j) {
      std::vector<double> v;
      for (const std::size_t k : points) v.push_back(sweep.values[k][j]);
      const auto& p = sweep.parameters[j];
      Handle pd(H5Dcreate2(params.get(), p.key.c_str(), H5T_NATIVE_DOUBLE, point_space.get(), H5P_DEFAULT,
                           dcpl.get(), H5P_DEFAULT),
                H5Dclose, "create parameter " + p.key);
      check(H5Dwrite(pd.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "write " + p.key);
      check(H5DSattach_scale(pd.get(), scales.at("/parameters/point"), 0), "attach point");
      attr_string(pd.get(), "units", p.unit);
      attr_string(pd.get(), "long_name", p.meaning);
    }
    Handle type = utf8_string_type();
    std::vector<const char*> texts;
    for (const std::size_t k : points) texts.push_back(expected[k].c_str());
    Handle sd(H5Dcreate2(f, "point_scenario", type.get(), point_space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
              H5Dclose, "create point_scenario");
    check(H5Dwrite(sd.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, texts.data()), "write point_scenario");
    check(H5DSattach_scale(sd.get(), scales.at("/point"), 0), "attach point");
  }

  // Every per-replicate dataset, point by point.
  for (const auto& item : items) {
    if (item.coordinate) continue;
    const std::string& name = item.path;
    const std::string group = name.find('/') == std::string::npos ? "" : name.substr(0, name.rfind('/'));
    Handle src(H5Dopen2(first, name.c_str(), H5P_DEFAULT), H5Dclose, "open " + name);
    Handle space(H5Dget_space(src.get()), H5Sclose, "space");
    const int rank = H5Sget_simple_extent_ndims(space.get());
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
    Handle file_type(H5Dget_type(src.get()), H5Tclose, "type");
    Handle type(H5Tget_native_type(file_type.get(), H5T_DIR_ASCEND), H5Tclose, "native type");
    std::vector<hsize_t> out_dims{P};
    out_dims.insert(out_dims.end(), dims.begin(), dims.end());
    std::vector<hsize_t> chunk{1};
    chunk.insert(chunk.end(), dims.begin(), dims.end());
    for (auto& c : chunk) c = std::max<hsize_t>(1, c);
    if (rank > 1) chunk[1] = 1;  // a replicate at a time
    Handle out_space(H5Screate_simple(rank + 1, out_dims.data(), nullptr), H5Sclose, "space " + name);
    Handle dcpl = dataset_plist(chunk);
    Handle dst(H5Dcreate2(f, name.c_str(), file_type.get(), out_space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
               H5Dclose, "create " + name);
    const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get()));
    std::vector<unsigned char> buffer(std::max<std::size_t>(1, n) * H5Tget_size(type.get()));
    for (std::size_t i = 0; i < files.size(); ++i) {
      Handle part(H5Dopen2(files[i].get(), name.c_str(), H5P_DEFAULT), H5Dclose,
                  "open " + name + " of point " + std::to_string(points[i]));
      Handle part_space(H5Dget_space(part.get()), H5Sclose, "space");
      std::vector<hsize_t> part_dims(static_cast<std::size_t>(rank));
      if (H5Sget_simple_extent_ndims(part_space.get()) != rank ||
          (H5Sget_simple_extent_dims(part_space.get(), part_dims.data(), nullptr), part_dims != dims))
        throw GatherError("'" + sweep_point_path(folder, points[i]).string() + "': " + name +
                          " has another shape than in the first point's file");
      check(H5Dread(part.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), "read " + name);
      std::vector<hsize_t> start(static_cast<std::size_t>(rank) + 1, 0), count = out_dims;
      start[0] = i;
      count[0] = 1;
      Handle selection(H5Dget_space(dst.get()), H5Sclose, "selection");
      check(H5Sselect_hyperslab(selection.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
            "select point");
      check(H5Dwrite(dst.get(), type.get(), space.get(), selection.get(), H5P_DEFAULT, buffer.data()), "write " + name);
    }
    copy_attributes(src.get(), dst.get());
    check(H5DSattach_scale(dst.get(), scales.at(group.empty() ? "/point" : "/" + group + "/point"), 0), "attach point");
    attach_like(src.get(), dst.get(), rank, 1, scales);
  }
  kept.clear();
  file.close("close " + out.string());
}

}  // namespace mobsim
