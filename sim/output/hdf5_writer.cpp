#include "hdf5_writer.hpp"

#include <hdf5.h>
#include <hdf5_hl.h>
#include <unistd.h>

#include <cmath>
#include <ctime>
#include <stdexcept>

#include "hdf5_handle.hpp"
#include "hdf5_util.hpp"
#include "output_errors.hpp"
#include "mobsim_git_commit.hpp"
#include "mobsim_version.hpp"

namespace mobsim {

namespace {

// What a value means over time, for readers that do not know the series:
// CF cell_methods and mobsim's own kind and headline flag.
void series_attributes(hid_t ds, const SeriesDecl& decl) {
  attr_string(ds, "units", decl.units);
  attr_string(ds, "long_name", decl.long_name);
  attr_string(ds, "cell_methods", decl.kind == SeriesKind::flow ? "time: sum" : "time: point");
  attr_string(ds, "mobsim_kind", name_of(decl.kind));
  attr_number(ds, "mobsim_headline", static_cast<std::int32_t>(decl.headline ? 1 : 0), H5T_NATIVE_INT32);
  if (decl.books_sign != 0)
    attr_number(ds, "mobsim_books_sign", static_cast<std::int32_t>(decl.books_sign), H5T_NATIVE_INT32);
}

Handle create_dataset(hid_t where, const std::string& name, hid_t type, const std::vector<hsize_t>& dims,
                      const std::vector<hsize_t>& chunk = {}) {
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose,
               "create space for " + name);
  Handle dcpl = dataset_plist(chunk);
  // The writer hands HDF5 whole chunks (Hdf5Writer::write_block): with no
  // chunk cache each is compressed and written at once, so that a full disk
  // stops the run at the year it fills, not after the last step.
  Handle dapl(H5Pcreate(H5P_DATASET_ACCESS), H5Pclose, "create dataset access plist");
  if (!chunk.empty()) check(H5Pset_chunk_cache(dapl.get(), 0, 0, 1.0), "disable the chunk cache");
  return Handle(H5Dcreate2(where, name.c_str(), type, space.get(), H5P_DEFAULT, dcpl.get(), dapl.get()), H5Dclose,
                "create dataset " + name);
}

Handle string_coordinate(hid_t where, const std::string& name, const std::vector<std::string>& values) {
  Handle type = utf8_string_type();
  Handle ds = create_dataset(where, name, type.get(), {values.size()});
  std::vector<const char*> ptrs;
  for (const auto& v : values) ptrs.push_back(v.c_str());
  check(H5Dwrite(ds.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, ptrs.data()), "write " + name);
  return ds;
}

struct Coordinates {
  Handle replicate, time, city, origin, destination;
};

// Writes the replicate and time dimension scales into `group`, and city
// (and origin and destination when `with_od`) unless `time_only`.
Coordinates write_coordinates(hid_t group, const Engine& engine, bool with_od, bool time_only = false) {
  const Clock& clock = engine.clock();
  const hsize_t R = engine.replicate_seeds().size();
  const auto T = static_cast<hsize_t>(clock.time_points());
  Coordinates out;

  std::vector<std::int32_t> replicate_index(R);
  for (hsize_t r = 0; r < R; ++r) replicate_index[r] = static_cast<std::int32_t>(r);
  out.replicate = create_dataset(group, "replicate", H5T_STD_I32LE, {R});
  check(H5Dwrite(out.replicate.get(), H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, replicate_index.data()),
        "write replicate");
  check(H5DSset_scale(out.replicate.get(), "replicate"), "make replicate a dimension");
  attr_string(out.replicate.get(), "long_name", "replicate index");

  std::vector<std::int32_t> months(T);
  for (hsize_t t = 0; t < T; ++t) months[t] = clock.months_since_start(static_cast<int>(t));
  out.time = create_dataset(group, "time", H5T_STD_I32LE, {T});
  check(H5Dwrite(out.time.get(), H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, months.data()), "write time");
  check(H5DSset_scale(out.time.get(), "time"), "make time a dimension");
  attr_string(out.time.get(), "units", clock.cf_units());
  // The model resolves months, not days: twelve equal months per year.
  attr_string(out.time.get(), "calendar", "360_day");
  attr_string(out.time.get(), "standard_name", "time");
  attr_string(out.time.get(), "long_name", "start of month (state at the end of the step)");
  attr_string(out.time.get(), "axis", "T");
  if (time_only) return out;

  std::vector<std::string> names;
  for (const auto& c : engine.geography().cities()) names.push_back(c.name);
  auto name_scale = [&](const char* name, const char* long_name) {
    Handle ds = string_coordinate(group, name, names);
    check(H5DSset_scale(ds.get(), name), std::string("make ") + name + " a dimension");
    attr_string(ds.get(), "long_name", long_name);
    return ds;
  };
  out.city = name_scale("city", "city");
  if (with_od) {
    out.origin = name_scale("origin", "city moved from");
    out.destination = name_scale("destination", "city moved to");
  }
  return out;
}

std::string utc_now() {
  std::time_t now = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return buf;
}

}  // namespace

struct Hdf5Writer::Impl {
  Handle file;
  Handle series_group;
  std::vector<Handle> series;
  std::vector<bool> series_is_count;
  Handle flows;
  Handle flows_by_channel;
  std::vector<Handle> entry_groups;
  std::vector<std::vector<Handle>> entry_series;  // [entry output][series]
  std::vector<std::vector<bool>> entry_is_count;
  std::size_t cities = 0;
  std::size_t channels = 0;
  std::size_t time_points = 0;
  std::size_t chunk_time = 1;  // time points per chunk
  // Time points of a replicate held back until they fill a whole chunk, so
  // that each chunk is compressed and written once (replicates run side by
  // side would otherwise evict each other's chunks from the chunk cache
  // and force a read-modify-write per time point). Values by [time in block].
  struct Block {
    std::size_t first_time = 0, filled = 0;
    std::vector<Frame> frames;
  };
  std::map<std::size_t, Block> pending;  // by replicate
  std::vector<double> buffer;
  std::vector<std::int64_t> int_buffer;
};

template <class F>
void Hdf5Writer::guarded(F&& action) {
  if (failure_) std::rethrow_exception(failure_);
  // HDF5 keeps an error stack per thread (Debian's build is thread-safe),
  // and replicates write from whichever thread runs them: silence the
  // automatic printing on this one (errors become exceptions).
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  try {
    action();
  } catch (const Hdf5Error& e) {
    failure_ = std::make_exception_ptr(
        WriteError(shown_as_, e.system_error().empty() ? std::string(e.what()) : e.system_error(),
                   std::string(e.what()) + "\n" + e.stack()));
    std::rethrow_exception(failure_);
  }
}

Hdf5Writer::Hdf5Writer(const std::filesystem::path& path, const Engine& engine, const OutputMetadata& meta,
                       const std::filesystem::path& shown_as)
    : impl_(std::make_unique<Impl>()), path_(path), shown_as_(shown_as.empty() ? path : shown_as) {
  guarded([&] { create(engine, meta); });
}

void Hdf5Writer::create(const Engine& engine, const OutputMetadata& meta) {
  const Geography& geo = engine.geography();
  const hsize_t C = geo.city_count();
  const hsize_t R = engine.replicate_seeds().size();
  const auto T = static_cast<hsize_t>(engine.clock().time_points());
  impl_->cities = C;
  std::vector<std::string> countries, continents;
  std::vector<double> lat, lon;
  for (const auto& c : geo.cities()) {
    countries.push_back(c.country);
    continents.push_back(c.continent);
    lat.push_back(c.latitude_deg);
    lon.push_back(c.longitude_deg);
  }

  Handle fcpl(H5Pcreate(H5P_FILE_CREATE), H5Pclose, "create file plist");
  check(H5Pset_link_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "track links");
  check(H5Pset_attr_creation_order(fcpl.get(), H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED), "track attrs");
  impl_->file = Handle(H5Fcreate(path_.c_str(), H5F_ACC_EXCL, fcpl.get(), H5P_DEFAULT), H5Fclose,
                       "create output file " + path_.string());
  const hid_t root = impl_->file.get();

  // Dimension scales (netCDF coordinate variables), in the root group for
  // /flows and the city metadata, and again in /series so that the group
  // opens on its own with labelled coordinates.
  Coordinates coords = write_coordinates(root, engine, true);
  const hid_t replicate = coords.replicate.get(), time = coords.time.get(), city = coords.city.get();

  auto attach = [](hid_t ds, std::initializer_list<hid_t> scales) {
    unsigned idx = 0;
    for (hid_t s : scales) check(H5DSattach_scale(ds, s, idx++), "attach dimension scale");
  };

  Handle seeds = create_dataset(root, "replicate_seed", H5T_STD_U64LE, {R});
  check(H5Dwrite(seeds.get(), H5T_NATIVE_UINT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, engine.replicate_seeds().data()),
        "write replicate_seed");
  attach(seeds.get(), {replicate});
  attr_string(seeds.get(), "long_name", "Philox key of the replicate, derived from the master seed");

  Handle country_ds = string_coordinate(root, "country", countries);
  attach(country_ds.get(), {city});
  attr_string(country_ds.get(), "long_name", "country of the city");
  Handle continent_ds = string_coordinate(root, "continent", continents);
  attach(continent_ds.get(), {city});
  attr_string(continent_ds.get(), "long_name", "continent of the city");
  Handle lat_ds = create_dataset(root, "latitude", H5T_IEEE_F64LE, {C});
  check(H5Dwrite(lat_ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, lat.data()), "write latitude");
  attach(lat_ds.get(), {city});
  attr_string(lat_ds.get(), "units", "degrees_north");
  attr_string(lat_ds.get(), "long_name", "latitude of the city centre");
  Handle lon_ds = create_dataset(root, "longitude", H5T_IEEE_F64LE, {C});
  check(H5Dwrite(lon_ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, lon.data()), "write longitude");
  attach(lon_ds.get(), {city});
  attr_string(lon_ds.get(), "units", "degrees_east");
  attr_string(lon_ds.get(), "long_name", "longitude of the city centre");

  // Per-city series, written one time point at a time.
  Handle gcpl = group_creation_plist();
  impl_->series_group =
      Handle(H5Gcreate2(root, "series", H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), H5Gclose, "create group series");
  Coordinates series_coords = write_coordinates(impl_->series_group.get(), engine, false);
  const hsize_t chunk_t = std::min<hsize_t>(T, 12);
  impl_->time_points = T;
  impl_->chunk_time = chunk_t;
  for (const auto& decl : engine.series()) {
    Handle ds = create_dataset(impl_->series_group.get(), decl.name,
                               decl.is_count ? H5T_STD_I64LE : H5T_IEEE_F64LE, {R, T, C}, {1, chunk_t, C});
    attach(ds.get(), {series_coords.replicate.get(), series_coords.time.get(), series_coords.city.get()});
    series_attributes(ds.get(), decl);
    impl_->series.push_back(std::move(ds));
    impl_->series_is_count.push_back(decl.is_count);
  }
  impl_->flows = create_dataset(root, "flows", H5T_STD_I64LE, {R, T, C, C}, {1, chunk_t, C, C});
  attach(impl_->flows.get(), {replicate, time, coords.origin.get(), coords.destination.get()});
  attr_string(impl_->flows.get(), "units", "persons");
  attr_string(impl_->flows.get(), "long_name", "Moves between simulated cities during the step");

  // The same moves by the channel they used (legal route, irregular, return, ...).
  impl_->channels = engine.channels().size();
  const hsize_t K = impl_->channels;
  Handle channel = string_coordinate(root, "channel", engine.channels());
  check(H5DSset_scale(channel.get(), "channel"), "make channel a dimension");
  attr_string(channel.get(), "long_name", "channel of the move");
  impl_->flows_by_channel =
      create_dataset(root, "flows_by_channel", H5T_STD_I64LE, {R, T, K, C, C}, {1, chunk_t, K, C, C});
  attach(impl_->flows_by_channel.get(), {replicate, time, channel.get(), coords.origin.get(), coords.destination.get()});
  attr_string(impl_->flows_by_channel.get(), "units", "persons");
  attr_string(impl_->flows_by_channel.get(), "long_name",
              "Moves between simulated cities during the step, by channel; sums over channel to /flows");

  // Series of one number per time point for each entry of a collection
  // (e.g. /schemes/NAME/participants_abroad), each subgroup with its own
  // replicate and time coordinates so that it opens on its own.
  std::map<std::string, Handle> parent_groups;
  for (const auto& out : engine.entry_outputs()) {
    auto parent = parent_groups.find(out.group);
    if (parent == parent_groups.end())
      parent = parent_groups
                   .emplace(out.group, Handle(H5Gcreate2(root, out.group.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT),
                                              H5Gclose, "create group " + out.group))
                   .first;
    Handle group(H5Gcreate2(parent->second.get(), out.entry.c_str(), H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), H5Gclose,
                 "create group " + out.group + "/" + out.entry);
    Coordinates entry_coords = write_coordinates(group.get(), engine, false, true);
    std::vector<Handle> datasets;
    std::vector<bool> counts;
    for (const auto& decl : out.series) {
      Handle ds = create_dataset(group.get(), decl.name, decl.is_count ? H5T_STD_I64LE : H5T_IEEE_F64LE, {R, T},
                                 {1, chunk_t});
      attach(ds.get(), {entry_coords.replicate.get(), entry_coords.time.get()});
      series_attributes(ds.get(), decl);
      datasets.push_back(std::move(ds));
      counts.push_back(decl.is_count);
    }
    impl_->entry_groups.push_back(std::move(group));
    impl_->entry_series.push_back(std::move(datasets));
    impl_->entry_is_count.push_back(std::move(counts));
  }

  attr_string(root, "Conventions", "CF-1.8");
  attr_string(root, "title", "mobsim run" + (meta.scenario_file.empty() ? "" : ": " + meta.scenario_file));
  attr_string(root, "source", std::string("mobsim ") + MOBSIM_VERSION);
  attr_string(root, "history", utc_now() + " " + meta.command_line);
  attr_string(root, "mobsim_version", MOBSIM_VERSION);
  attr_string(root, "git_commit", MOBSIM_GIT_COMMIT);
  attr_string(root, "scenario_file", meta.scenario_file);
  attr_string(root, "scenario", meta.scenario_toml);
  attr_number(root, "seed", engine.master_seed(), H5T_NATIVE_UINT64);
  attr_number(root, "people_per_agent", engine.people_per_agent(), H5T_NATIVE_INT64);
  attr_number(root, "threads", static_cast<std::int32_t>(meta.threads), H5T_NATIVE_INT32);
}

Hdf5Writer::~Hdf5Writer() = default;

void Hdf5Writer::write(std::size_t replicate, int time_index, const Frame& frame) {
  guarded([&] {
    const auto t = static_cast<std::size_t>(time_index);
    Impl::Block& block = impl_->pending[replicate];
    if (block.filled == 0) {
      block.first_time = t - t % impl_->chunk_time;
      block.frames.resize(std::min(impl_->chunk_time, impl_->time_points - block.first_time));
    }
    if (t != block.first_time + block.filled) throw std::logic_error("output time points out of order");
    block.frames[block.filled++] = frame;
    if (block.filled < block.frames.size()) return;
    write_block(replicate);
    impl_->pending.erase(replicate);
  });
}

// Writes the time points of one replicate's block: one hyperslab per dataset.
void Hdf5Writer::write_block(std::size_t replicate) {
  const Impl::Block& block = impl_->pending.at(replicate);
  const hsize_t r = replicate, t0 = block.first_time, n = block.frames.size();
  auto write_slab = [&](hid_t ds, const std::vector<hsize_t>& start, const std::vector<hsize_t>& count, bool is_count,
                        auto&& value_at) {
    hsize_t total = 1;
    for (auto c : count) total *= c;
    const hsize_t per_time = total / n;
    Handle file_space(H5Dget_space(ds), H5Sclose, "get dataset space");
    check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr),
          "select slab");
    Handle mem_space(H5Screate_simple(1, &total, nullptr), H5Sclose, "create memory space");
    // Counts are stored as integers, everything else as doubles.
    auto fill_and_write = [&](auto& buffer, hid_t mem_type, auto&& convert) {
      buffer.resize(total);
      for (hsize_t k = 0; k < total; ++k) buffer[k] = convert(value_at(k / per_time, k % per_time));
      check(H5Dwrite(ds, mem_type, mem_space.get(), file_space.get(), H5P_DEFAULT, buffer.data()),
            "write time points");
    };
    if (is_count)
      fill_and_write(impl_->int_buffer, H5T_NATIVE_INT64, [](double v) { return std::llround(v); });
    else
      fill_and_write(impl_->buffer, H5T_NATIVE_DOUBLE, [](double v) { return v; });
  };
  const hsize_t C = impl_->cities, K = impl_->channels;
  const auto& frames = block.frames;
  for (std::size_t i = 0; i < impl_->series.size(); ++i)
    write_slab(impl_->series[i].get(), {r, t0, 0}, {1, n, C}, impl_->series_is_count[i],
               [&](hsize_t t, hsize_t k) { return frames[t].series[i][k]; });
  write_slab(impl_->flows.get(), {r, t0, 0, 0}, {1, n, C, C}, true,
             [&](hsize_t t, hsize_t k) { return frames[t].flows[k]; });
  write_slab(impl_->flows_by_channel.get(), {r, t0, 0, 0, 0}, {1, n, K, C, C}, true,
             [&](hsize_t t, hsize_t k) { return frames[t].flows_by_channel[k]; });
  for (std::size_t e = 0; e < impl_->entry_series.size(); ++e)
    for (std::size_t i = 0; i < impl_->entry_series[e].size(); ++i)
      write_slab(impl_->entry_series[e][i].get(), {r, t0}, {1, n}, impl_->entry_is_count[e][i],
                 [&](hsize_t t, hsize_t) { return frames[t].entries[e][i]; });
}

void Hdf5Writer::finish(const RunStats& stats) {
  if (!impl_->pending.empty()) throw std::logic_error("output finished before every time point was written");
  guarded([&] { close_all(stats); });
}

void Hdf5Writer::close_all(const RunStats& stats) {
  Handle gcpl = group_creation_plist();
  {
    Handle run(H5Gcreate2(impl_->file.get(), "run_statistics", H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), H5Gclose,
               "create group run_statistics");
    attr_number(run.get(), "wall_seconds", stats.wall_seconds, H5T_NATIVE_DOUBLE);
    attr_number(run.get(), "agent_steps", stats.agent_steps, H5T_NATIVE_UINT64);
    attr_number(run.get(), "peak_agents", stats.peak_agents, H5T_NATIVE_UINT64);
    attr_number(run.get(), "agent_state_bytes", static_cast<std::uint64_t>(stats.agent_state_bytes), H5T_NATIVE_UINT64);
    attr_number(run.get(), "peak_resident_bytes", stats.peak_resident_bytes, H5T_NATIVE_UINT64);
    attr_number(run.get(), "concurrent_replicates", static_cast<std::int32_t>(stats.concurrent_replicates),
                H5T_NATIVE_INT32);
    for (const auto& [phase, seconds] : stats.phase_seconds)
      attr_number(run.get(), "seconds_" + phase, seconds, H5T_NATIVE_DOUBLE);
    attr_number(run.get(), "checkpoint_seconds", stats.checkpoint_seconds, H5T_NATIVE_DOUBLE);
    attr_number(run.get(), "checkpoint_state_bytes", stats.checkpoint_bytes, H5T_NATIVE_UINT64);
    attr_number(run.get(), "resumed_replicates", static_cast<std::int32_t>(stats.resumed_replicates), H5T_NATIVE_INT32);
  }
  // Closing a dataset writes its last chunks: each close is checked.
  for (auto& ds : impl_->series) ds.close("write a series");
  for (auto& entry : impl_->entry_series)
    for (auto& ds : entry) ds.close("write an entry series");
  for (auto& group : impl_->entry_groups) group.close("write an entry group");
  impl_->flows.close("write flows");
  impl_->flows_by_channel.close("write flows by channel");
  impl_->series_group.close("write the series group");
  check(H5Fflush(impl_->file.get(), H5F_SCOPE_GLOBAL), "flush output");
  impl_->file.close("close output");
}

}  // namespace mobsim
