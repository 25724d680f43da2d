#include "sweep.hpp"

#include <boost/random/sobol.hpp>
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <numeric>
#include <set>
#include <sstream>

#include "rng.hpp"
#include "scenario_loader.hpp"

namespace mobsim {

namespace fs = std::filesystem;

namespace {

constexpr Purpose kLatinHypercube = purpose("sweep.latin_hypercube");
constexpr std::size_t kMaxPoints = 100000;

// Exactly, so that a point's scenario says the value the design gave.
std::string number_text(double v, bool integer) {
  if (integer) return std::to_string(static_cast<long long>(v));
  char text[40];
  std::snprintf(text, sizeof text, "%.17g", v);
  std::string s = text;
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // a TOML float
  return s;
}

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}
  SourcePos pos(const toml::source_region& r) const {
    return SourcePos{file_, static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
  }
  void error(const toml::source_region& where, std::string key, std::string message, std::string suggestion = "") {
    diags_.push_back(Diagnostic{pos(where), std::move(key), std::move(message), std::move(suggestion)});
  }
  void error_at_file(std::string message) { diags_.push_back(Diagnostic{SourcePos{file_, 0, 0}, "", std::move(message), ""}); }
  bool failed() const { return !diags_.empty(); }
  void throw_if_failed() {
    if (!diags_.empty()) throw SweepError(std::move(diags_));
  }

  std::optional<double> number(const toml::node& n, const std::string& key) {
    if (const auto* i = n.as_integer()) return static_cast<double>(i->get());
    if (const auto* f = n.as_floating_point()) return f->get();
    error(n.source(), key, "must be a number, not " + type_name(n));
    return std::nullopt;
  }
  std::optional<std::int64_t> integer(const toml::node& n, const std::string& key, std::int64_t lo, std::int64_t hi) {
    const auto* i = n.as_integer();
    if (i == nullptr) {
      error(n.source(), key, "must be an integer, not " + type_name(n));
      return std::nullopt;
    }
    if (i->get() < lo || i->get() > hi) {
      error(n.source(), key, "must be from " + std::to_string(lo) + " to " + std::to_string(hi) + ", not " +
                                 std::to_string(i->get()));
      return std::nullopt;
    }
    return i->get();
  }
  static std::string type_name(const toml::node& n) {
    switch (n.type()) {
      case toml::node_type::string: return "a string";
      case toml::node_type::integer: return "an integer";
      case toml::node_type::floating_point: return "a number";
      case toml::node_type::boolean: return "a boolean";
      case toml::node_type::array: return "an array";
      case toml::node_type::table: return "a table";
      default: return "a date or time";
    }
  }

 private:
  std::string file_;
  std::vector<Diagnostic> diags_;
};

std::vector<std::vector<double>> unit_design(SweepDesign design, std::size_t points, std::size_t dims,
                                             std::uint64_t seed) {
  std::vector<std::vector<double>> u(points, std::vector<double>(dims, 0.0));
  if (design == SweepDesign::latin_hypercube) {
    // One stratum of 1/points per point in every dimension, in a random
    // order per dimension, at a random place inside it (keyed draws).
    const Rng rng(seed);
    for (std::size_t j = 0; j < dims; ++j) {
      std::vector<std::size_t> order(points);
      std::iota(order.begin(), order.end(), 0);
      for (std::size_t i = points; i > 1; --i) {  // Fisher-Yates
        const Draw d = rng.agent(j, static_cast<std::uint32_t>(i), kLatinHypercube);
        std::swap(order[i - 1], order[static_cast<std::size_t>(d.unit(0) * static_cast<double>(i))]);
      }
      for (std::size_t i = 0; i < points; ++i) {
        const Draw d = rng.agent(j, static_cast<std::uint32_t>(points + 1 + i), kLatinHypercube);
        u[i][j] = (static_cast<double>(order[i]) + d.unit(1)) / static_cast<double>(points);
      }
    }
  } else {
    // Sobol (Joe and Kuo's direction numbers, Boost.Random), whose sequence
    // starts after the origin: (1/2, 1/2, ...), (3/4, 1/4, ...), ...
    boost::random::sobol engine(dims);
    for (std::size_t i = 0; i < points; ++i)
      for (std::size_t j = 0; j < dims; ++j) u[i][j] = std::ldexp(static_cast<double>(engine()), -64);
  }
  return u;
}

}  // namespace

const char* name_of(SweepDesign design) {
  switch (design) {
    case SweepDesign::grid: return "grid";
    case SweepDesign::latin_hypercube: return "latin_hypercube";
    case SweepDesign::sobol: return "sobol";
  }
  return "?";
}

std::vector<std::string> SweepSpec::overrides(std::size_t point) const {
  std::vector<std::string> out = sets;
  for (std::size_t j = 0; j < parameters.size(); ++j)
    out.push_back(parameters[j].key + "=" + number_text(values.at(point)[j], parameters[j].integer));
  if (replicates > 0) out.push_back("run.replicates=" + std::to_string(replicates));
  return out;
}

std::string SweepSpec::describe(std::size_t point) const {
  std::string out;
  for (std::size_t j = 0; j < parameters.size(); ++j)
    out += (j ? ", " : "") + parameters[j].key + "=" + number_text(values.at(point)[j], parameters[j].integer);
  return out;
}

fs::path sweep_point_path(const fs::path& folder, std::size_t point) {
  char name[32];
  std::snprintf(name, sizeof name, "point-%04zu.h5", point);
  return folder / name;
}

fs::path default_sweep_folder(const SweepSpec& sweep) { return fs::path(sweep.file.stem().string() + ".points"); }

SweepSpec load_sweep(const fs::path& file, const ParamTable& table) {
  SweepSpec s;
  s.file = file;
  Reader in(file.string());
  std::ifstream stream(file, std::ios::binary);
  if (!stream) {
    in.error_at_file("cannot read sweep file '" + file.string() + "'");
    in.throw_if_failed();
  }
  std::stringstream buffer;
  buffer << stream.rdbuf();
  s.text = buffer.str();
  toml::table root;
  try {
    root = toml::parse(s.text, file.string());
  } catch (const toml::parse_error& e) {
    in.error(e.source(), "", std::string(e.description()));
    in.throw_if_failed();
  }

  static const std::vector<std::string> kKeys{"scenario", "design", "points", "seed", "replicates", "set", "parameters"};
  for (auto&& [key, node] : root) {
    const std::string k(key.str());
    if (std::find(kKeys.begin(), kKeys.end(), k) == kKeys.end()) {
      const std::string near = closest_match(k, kKeys);
      in.error(key.source(), k, "unknown key in a sweep file", near.empty() ? "" : "did you mean '" + near + "'?");
    }
  }

  if (const auto* n = root.get("scenario"); n == nullptr) {
    in.error(root.source(), "scenario", "missing: the scenario the sweep varies (a path relative to this file)");
  } else if (const auto* str = n->as_string(); str == nullptr) {
    in.error(n->source(), "scenario", "must be a string, not " + Reader::type_name(*n));
  } else {
    s.scenario = (file.parent_path() / str->get()).lexically_normal();
    std::error_code ec;
    if (!fs::is_regular_file(s.scenario, ec))
      in.error(n->source(), "scenario", "scenario file '" + s.scenario.string() + "' not found");
  }

  if (const auto* n = root.get("design")) {
    const auto* str = n->as_string();
    const std::string d = str ? str->get() : "";
    if (d == "grid") s.design = SweepDesign::grid;
    else if (d == "latin_hypercube") s.design = SweepDesign::latin_hypercube;
    else if (d == "sobol") s.design = SweepDesign::sobol;
    else {
      const std::string near = closest_match(d, {"grid", "latin_hypercube", "sobol"});
      in.error(n->source(), "design", "must be \"grid\", \"latin_hypercube\" or \"sobol\"",
               near.empty() ? "" : "did you mean '" + near + "'?");
    }
  }
  const toml::node* points_node = root.get("points");
  if (points_node != nullptr) {
    if (s.design == SweepDesign::grid)
      in.error(points_node->source(), "points", "a grid has as many points as its levels make; give points only for "
                                                 "latin_hypercube or sobol");
    else if (const auto v = in.integer(*points_node, "points", 1, kMaxPoints))
      s.points = static_cast<int>(*v);
  } else if (s.design != SweepDesign::grid) {
    in.error(root.source(), "points", std::string("missing: the number of points of the ") + name_of(s.design) +
                                          " design");
  }
  if (const auto* n = root.get("seed"))
    if (const auto v = in.integer(*n, "seed", 0, std::numeric_limits<std::int64_t>::max()))
      s.seed = static_cast<std::uint64_t>(*v);
  s.replicates = 0;  // the scenario's own unless given
  if (const auto* n = root.get("replicates"))
    if (const auto v = in.integer(*n, "replicates", 1, 100000)) s.replicates = static_cast<int>(*v);
  if (const auto* n = root.get("set")) {
    const auto* list = n->as_array();
    if (list == nullptr) in.error(n->source(), "set", "must be an array of \"key=value\" strings");
    else
      for (const auto& e : *list) {
        const auto* str = e.as_string();
        if (str == nullptr || str->get().find('=') == std::string::npos)
          in.error(e.source(), "set", "each override is a \"key=value\" string, e.g. \"run.people_per_agent=100\"");
        else
          s.sets.push_back(str->get());
      }
  }

  std::vector<std::string> numeric;
  for (const auto& d : table.globals())
    if ((d.type == ParamType::real || d.type == ParamType::integer) &&
        (d.key.rfind("run.", 0) != 0 || d.key == "run.people_per_agent"))  // scale: convergence studies
      numeric.push_back(d.key);
  const auto* params = root.get("parameters");
  if (params == nullptr || params->as_table() == nullptr || params->as_table()->empty()) {
    in.error(params ? params->source() : root.source(), "parameters",
             "missing: at least one [parameters.\"section.name\"] table with the range to sweep");
  } else {
    for (auto&& [key, node] : *params->as_table()) {
      const std::string k(key.str());
      const std::string path = "parameters." + k;
      const ParamDecl* decl = table.find(k);
      if (decl == nullptr || std::find(numeric.begin(), numeric.end(), k) == numeric.end()) {
        const std::string near = closest_match(k, numeric);
        in.error(key.source(), path,
                 decl == nullptr ? "no such parameter"
                 : k.rfind("run.", 0) == 0
                     ? "of the run settings only run.people_per_agent is swept (replicates give the seeds, a "
                       "sweep keeps the scenario's seed, and every point has the same calendar)"
                     : "only numeric parameters can be swept",
                 near.empty() ? "" : "did you mean '" + near + "'?");
        continue;
      }
      const auto* t = node.as_table();
      if (t == nullptr) {
        in.error(node.source(), path, "must be a table: { min = ..., max = ... } or { values = [...] }");
        continue;
      }
      SweepParameter p;
      p.key = k;
      p.integer = decl->type == ParamType::integer;
      p.unit = decl->unit;
      p.meaning = decl->meaning;
      const auto declared = [&](double v) {
        return (!decl->min || v >= *decl->min) && (!decl->max || v <= *decl->max);
      };
      const std::string range = "[" + (decl->min ? number_text(*decl->min, false) : std::string("-inf")) + ", " +
                                (decl->max ? number_text(*decl->max, false) : std::string("inf")) + "]";
      for (auto&& [fk, fv] : *t) {
        const std::string f(fk.str());
        if (f != "min" && f != "max" && f != "levels" && f != "values") {
          const std::string near = closest_match(f, {"min", "max", "levels", "values"});
          in.error(fk.source(), path + "." + f, "unknown key", near.empty() ? "" : "did you mean '" + near + "'?");
        }
      }
      bool ok = true;
      const auto bound = [&](const char* name, const std::optional<double>& fallback) -> std::optional<double> {
        if (const auto* n = t->get(name)) {
          const auto v = in.number(*n, path + "." + name);
          if (v && !declared(*v)) {
            in.error(n->source(), path + "." + name,
                     number_text(*v, false) + " is outside the parameter's declared range " + range);
            return std::nullopt;
          }
          return v;
        }
        return fallback;
      };
      const auto lo = bound("min", decl->min), hi = bound("max", decl->max);
      const auto* values = t->get("values");
      const auto* levels = t->get("levels");
      if (values != nullptr) {
        if (s.design != SweepDesign::grid) {
          in.error(values->source(), path + ".values", "explicit values belong to a grid design");
          ok = false;
        } else if (levels != nullptr || t->get("min") || t->get("max")) {
          in.error(values->source(), path + ".values", "give either values or min, max and levels, not both");
          ok = false;
        } else if (const auto* list = values->as_array(); list == nullptr || list->empty()) {
          in.error(values->source(), path + ".values", "must be a non-empty array of numbers");
          ok = false;
        } else {
          std::set<double> seen;
          for (const auto& e : *list) {
            const auto v = in.number(e, path + ".values");
            if (!v) { ok = false; continue; }
            if (!declared(*v)) {
              in.error(e.source(), path + ".values", number_text(*v, false) + " is outside the declared range " + range);
              ok = false;
            } else if (!seen.insert(*v).second) {
              in.error(e.source(), path + ".values", number_text(*v, false) + " is given twice");
              ok = false;
            }
            if (v && p.integer && *v != std::floor(*v)) {
              in.error(e.source(), path + ".values", "the parameter is an integer");
              ok = false;
            }
            if (v) p.values.push_back(*v);
          }
        }
      } else {
        if (!lo || !hi) {
          in.error(node.source(), path, "give min and max: the parameter declares no range " + range);
          ok = false;
        } else if (!(*lo < *hi)) {
          in.error(node.source(), path, "min must be below max");
          ok = false;
        } else {
          p.min = *lo;
          p.max = *hi;
        }
        if (s.design == SweepDesign::grid) {
          p.levels = 3;
          if (levels != nullptr) {
            if (const auto v = in.integer(*levels, path + ".levels", 2, 1000)) p.levels = static_cast<int>(*v);
            else ok = false;
          }
        } else if (levels != nullptr) {
          in.error(levels->source(), path + ".levels", "levels belong to a grid design");
          ok = false;
        }
      }
      if (ok) s.parameters.push_back(std::move(p));
    }
  }
  in.throw_if_failed();

  // The design.
  if (s.design == SweepDesign::grid) {
    std::vector<std::vector<double>> axes;
    std::size_t total = 1;
    for (const auto& p : s.parameters) {
      std::vector<double> axis = p.values;
      if (axis.empty())
        for (int i = 0; i < p.levels; ++i) {
          const double x = p.min + (p.max - p.min) * i / (p.levels - 1);
          axis.push_back(p.integer ? std::round(x) : x);
        }
      total *= axis.size();
      axes.push_back(std::move(axis));
      if (total > kMaxPoints) break;
    }
    if (total > kMaxPoints) {
      in.error(params->source(), "parameters", "the grid has more than " + std::to_string(kMaxPoints) + " points");
      in.throw_if_failed();
    }
    // The last parameter varies fastest.
    for (std::size_t k = 0; k < total; ++k) {
      std::vector<double> v(axes.size());
      std::size_t rest = k;
      for (std::size_t j = axes.size(); j-- > 0;) {
        v[j] = axes[j][rest % axes[j].size()];
        rest /= axes[j].size();
      }
      s.values.push_back(std::move(v));
    }
    s.points = static_cast<int>(total);
  } else {
    const auto u = unit_design(s.design, static_cast<std::size_t>(s.points), s.parameters.size(), s.seed);
    for (const auto& row : u) {
      std::vector<double> v;
      for (std::size_t j = 0; j < row.size(); ++j) {
        const auto& p = s.parameters[j];
        const double x = p.min + row[j] * (p.max - p.min);
        v.push_back(p.integer ? std::clamp(std::round(x), p.min, p.max) : x);
      }
      s.values.push_back(std::move(v));
    }
  }
  return s;
}

}  // namespace mobsim
