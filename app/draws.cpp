#include "draws.hpp"

#include <hdf5.h>
#include <hdf5_hl.h>

#include <charconv>
#include <cmath>
#include <fstream>

#include "errors.hpp"
#include "hdf5_util.hpp"
#include "scenario_loader.hpp"

namespace mobsim {

namespace {

// Fields of one CSV line with their 1-based columns (no quoting: keys and
// numbers only).
std::vector<std::pair<std::string, int>> fields(const std::string& line) {
  std::vector<std::pair<std::string, int>> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    std::string text = line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    std::size_t lead = 0;
    while (lead < text.size() && text[lead] == ' ') ++lead;
    std::size_t end = text.size();
    while (end > lead && (text[end - 1] == ' ' || text[end - 1] == '\r')) --end;
    out.emplace_back(text.substr(lead, end - lead), static_cast<int>(start + lead + 1));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

std::vector<std::string> Draws::overrides(std::size_t d) const {
  std::vector<std::string> out;
  for (std::size_t j = 0; j < parameters.size(); ++j)
    out.push_back(parameters[j]->key + "=" + shortest_text(values[d][j]));
  return out;
}

Draws load_draws(const std::string& path, const ParamTable& table) {
  std::ifstream in(path);
  if (!in) throw ScenarioError(Diagnostic{SourcePos{path, 0, 0}, "", "cannot read the draws file", ""});
  Draws draws;
  draws.file = path;
  std::vector<Diagnostic> problems;
  const auto fail = [&](int line, int column, const std::string& key, const std::string& message,
                        const std::string& suggestion = "") {
    problems.push_back(Diagnostic{SourcePos{path, line, column}, key, message, suggestion});
  };
  std::string line;
  int number = 0;
  std::vector<std::string> names;
  for (const auto& d : table.globals())
    if (d.type == ParamType::real) names.push_back(d.key);
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \r") == std::string::npos) continue;
    const auto row = fields(line);
    if (draws.parameters.empty() && problems.empty()) {
      for (const auto& [key, column] : row) {
        const ParamDecl* d = table.find(key);
        if (d == nullptr || d->type != ParamType::real) {
          const std::string near = closest_match(key, names);
          fail(number, column, key, d ? "not a real parameter: draws set real parameters only"
                                      : "unknown parameter",
               near.empty() ? "" : "did you mean '" + near + "'?");
          continue;
        }
        for (const auto* seen : draws.parameters)
          if (seen == d) fail(number, column, key, "named twice in the header");
        draws.parameters.push_back(d);
      }
      if (!problems.empty()) break;
      continue;
    }
    if (row.size() != draws.parameters.size()) {
      fail(number, 1, "", "a draw of " + std::to_string(row.size()) + " values for " +
                              std::to_string(draws.parameters.size()) + " parameters");
      continue;
    }
    std::vector<double> values;
    for (std::size_t j = 0; j < row.size(); ++j) {
      const auto& [text, column] = row[j];
      const ParamDecl& d = *draws.parameters[j];
      double v = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) {
        fail(number, column, d.key, "'" + text + "' is not a number");
        continue;
      }
      if ((d.min && v < *d.min) || (d.max && v > *d.max))
        fail(number, column, d.key,
             shortest_text(v) + " is outside the valid range [" + (d.min ? shortest_text(*d.min) : "") + ", " +
                 (d.max ? shortest_text(*d.max) : "") + "]");
      values.push_back(v);
    }
    draws.values.push_back(std::move(values));
  }
  if (problems.empty() && draws.parameters.empty()) fail(1, 1, "", "empty: no header of parameter keys");
  if (problems.empty() && draws.values.empty()) fail(number, 1, "", "no draws below the header");
  if (!problems.empty()) throw ScenarioError(std::move(problems));
  return draws;
}

void write_draws(const std::filesystem::path& output, const Draws& draws, std::size_t replicates_per_draw) {
  Handle file(H5Fopen(output.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose, "open " + output.string());
  const hid_t f = file.get();
  Handle replicate(H5Dopen2(f, "replicate", H5P_DEFAULT), H5Dclose, "open replicate");
  const hsize_t replicates = draws.size() * replicates_per_draw;
  const hsize_t n = draws.size();
  Handle dcpl = dataset_plist({});
  std::vector<std::int32_t> which(replicates);
  for (hsize_t i = 0; i < replicates; ++i) which[i] = static_cast<std::int32_t>(i / replicates_per_draw);
  Handle replicate_space(H5Screate_simple(1, &replicates, nullptr), H5Sclose, "replicate space");
  Handle draw_of(H5Dcreate2(f, "draw", H5T_NATIVE_INT32, replicate_space.get(), H5P_DEFAULT, dcpl.get(), H5P_DEFAULT),
                 H5Dclose, "create draw");
  check(H5Dwrite(draw_of.get(), H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, which.data()), "write draw");
  check(H5DSattach_scale(draw_of.get(), replicate.get(), 0), "attach replicate");
  attr_string(draw_of.get(), "long_name", "calibrated parameter draw each replicate ran (/draws)");
  Handle gcpl = group_creation_plist();
  Handle group(H5Gcreate2(f, "draws", H5P_DEFAULT, gcpl.get(), H5P_DEFAULT), H5Gclose, "create draws");
  attr_string(group.get(), "draws_file", draws.file);
  Handle draw_space(H5Screate_simple(1, &n, nullptr), H5Sclose, "draw space");
  std::vector<std::int32_t> index(n);
  for (hsize_t d = 0; d < n; ++d) index[d] = static_cast<std::int32_t>(d);
  Handle scale(H5Dcreate2(group.get(), "draw", H5T_NATIVE_INT32, draw_space.get(), H5P_DEFAULT, dcpl.get(),
                          H5P_DEFAULT),
               H5Dclose, "create draws/draw");
  check(H5Dwrite(scale.get(), H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, index.data()), "write draws/draw");
  check(H5DSset_scale(scale.get(), "draw"), "make draw a dimension");
  attr_string(scale.get(), "long_name", "calibrated parameter draw (a row of the draws file)");
  for (std::size_t j = 0; j < draws.parameters.size(); ++j) {
    const ParamDecl& p = *draws.parameters[j];
    std::vector<double> v;
    for (const auto& row : draws.values) v.push_back(row[j]);
    Handle ds(H5Dcreate2(group.get(), p.key.c_str(), H5T_NATIVE_DOUBLE, draw_space.get(), H5P_DEFAULT, dcpl.get(),
                         H5P_DEFAULT),
              H5Dclose, "create draws/" + p.key);
    check(H5Dwrite(ds.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), "write draws/" + p.key);
    check(H5DSattach_scale(ds.get(), scale.get(), 0), "attach draw");
    attr_string(ds.get(), "units", p.unit);
    attr_string(ds.get(), "long_name", p.meaning);
  }
}

}  // namespace mobsim
