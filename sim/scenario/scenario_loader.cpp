#include "scenario_loader.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

namespace mobsim {

// Builds ScenarioSpec objects; the only code allowed to fill one in.
class ScenarioBuilder {
 public:
  static ScenarioSpec make(const ParamTable& table, std::string main_file) {
    ScenarioSpec spec;
    spec.table_ = &table;
    spec.main_file_ = std::move(main_file);
    return spec;
  }
  static auto& globals(ScenarioSpec& s) { return s.globals_; }
  static auto& collections(ScenarioSpec& s) { return s.collections_; }
  static auto& warnings(ScenarioSpec& s) { return s.warnings_; }
};

namespace {

namespace fs = std::filesystem;
using Diagnostics = std::vector<Diagnostic>;

// Flattened values of one file, or of several files merged in order.
struct Layer {
  std::map<std::string, Setting> globals;
  // (collection, entry, field) -> value
  std::map<std::tuple<std::string, std::string, std::string>, Setting> fields;
  // (collection, entry) -> where the entry was last mentioned
  std::map<std::pair<std::string, std::string>, SourcePos> entries;

  void overlay(const Layer& top) {
    for (const auto& [k, v] : top.globals) globals[k] = v;
    for (const auto& [k, v] : top.fields) fields[k] = v;
    for (const auto& [k, v] : top.entries) entries[k] = v;
  }
};

std::string join(const std::vector<std::string>& path) {
  std::string out;
  for (const auto& p : path) out += (out.empty() ? "" : ".") + p;
  return out;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t subst = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, subst});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string did_you_mean(const std::string& given, const std::vector<std::string>& candidates) {
  const std::string best = closest_match(given, candidates);
  return best.empty() ? "" : "did you mean '" + best + "'?";
}

const char* node_kind(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::array: return "an array";
    case toml::node_type::table: return "a table";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

const char* expected_kind(ParamType type) {
  switch (type) {
    case ParamType::real: return "a number";
    case ParamType::integer: return "an integer";
    case ParamType::boolean: return "true or false";
    case ParamType::text: return "a string";
    case ParamType::choice: return "a string naming one of the choices";
    case ParamType::month: return "a string \"YYYY-MM\"";
    case ParamType::real_list: return "an array of numbers";
    case ParamType::reference: return "a string (a name)";
    case ParamType::reference_list: return "an array of strings (names)";
    case ParamType::text_list: return "an array of strings";
    case ParamType::text_table: return "a table of strings";
    case ParamType::real_table: return "a table of numbers";
  }
  return "?";
}

std::string number_text(double x) { return to_toml_text(Value{x}); }

class Flattener {
 public:
  Flattener(const ParamTable& table, Diagnostics& diags, std::string file, Layer& out)
      : table_(table), diags_(diags), file_(std::move(file)), out_(out) {}

  // Top-level `base` entries found in the file, with their positions.
  std::vector<std::pair<std::string, SourcePos>> bases;

  void walk(const toml::table& t, std::vector<std::string>& path) {
    for (const auto& [key, node] : t) visit(key, node, path);
  }

 private:
  SourcePos pos(const toml::source_region& r) const {
    return SourcePos{file_, static_cast<int>(r.begin.line), static_cast<int>(r.begin.column)};
  }

  void error(const SourcePos& where, const std::string& key, std::string message,
             std::string suggestion = "") {
    diags_.push_back(Diagnostic{where, key, std::move(message), std::move(suggestion)});
  }

  void visit(const toml::key& key, const toml::node& node, std::vector<std::string>& path) {
    path.push_back(std::string(key.str()));
    const SourcePos key_pos = pos(key.source());
    if (path.size() == 1 && path[0] == "base") {
      read_base(node);
    } else if (const CollectionDecl* coll = table_.find_collection(path[0])) {
      visit_collection(*coll, node, path, key_pos);
    } else {
      visit_global(node, path, key_pos);
    }
    path.pop_back();
  }

  void read_base(const toml::node& node) {
    if (const auto* s = node.as_string()) {
      bases.emplace_back(s->get(), pos(node.source()));
    } else if (const auto* arr = node.as_array()) {
      for (const auto& el : *arr) {
        if (const auto* es = el.as_string()) bases.emplace_back(es->get(), pos(el.source()));
        else error(pos(el.source()), "base", std::string("expected a file name string, found ") + node_kind(el));
      }
    } else {
      error(pos(node.source()), "base",
            std::string("expected a file name or an array of file names, found ") + node_kind(node));
    }
  }

  void visit_collection(const CollectionDecl& coll, const toml::node& node, std::vector<std::string>& path,
                        const SourcePos& key_pos) {
    const std::string key_path = join(path);
    if (path.size() <= 2) {
      const auto* t = node.as_table();
      if (t == nullptr) {
        error(pos(node.source()), key_path,
              path.size() == 1 ? "expected a table of " + coll.entry_noun + " entries, found " + node_kind(node)
                               : "expected a table of " + coll.entry_noun + " fields, found " + node_kind(node));
        return;
      }
      if (path.size() == 2) out_.entries[{path[0], path[1]}] = key_pos;
      walk(*t, path);
      return;
    }
    const ParamDecl* decl = coll.find_field(path[2]);
    if (decl == nullptr || path.size() > 3) {
      std::vector<std::string> names;
      for (const auto& f : coll.fields) names.push_back(f.key);
      error(key_pos, key_path,
            "unknown field '" + path[2] + "' for " + coll.entry_noun + " '" + path[1] + "'",
            did_you_mean(path[2], names));
      return;
    }
    if (auto s = convert(node, *decl, key_path)) out_.fields[{path[0], path[1], path[2]}] = std::move(*s);
  }

  void visit_global(const toml::node& node, std::vector<std::string>& path, const SourcePos& key_pos) {
    const std::string key_path = join(path);
    if (const ParamDecl* decl = table_.find(key_path)) {
      if (auto s = convert(node, *decl, key_path)) out_.globals[key_path] = std::move(*s);
      return;
    }
    const std::string prefix = key_path + ".";
    const bool is_section = std::any_of(table_.globals().begin(), table_.globals().end(),
                                        [&](const ParamDecl& d) { return d.key.rfind(prefix, 0) == 0; });
    if (is_section) {
      if (const auto* t = node.as_table()) {
        walk(*t, path);
      } else {
        error(pos(node.source()), key_path, std::string("expected a table, found ") + node_kind(node));
      }
      return;
    }
    error(key_pos, key_path, "unknown key", suggest_key(path));
  }

  std::string suggest_key(const std::vector<std::string>& path) const {
    std::vector<std::string> candidates;
    if (path.size() == 1) {
      std::set<std::string> sections{"base"};
      for (const auto& d : table_.globals()) sections.insert(d.key.substr(0, d.key.find('.')));
      for (const auto& c : table_.collections()) sections.insert(c.name);
      candidates.assign(sections.begin(), sections.end());
      return did_you_mean(path[0], candidates);
    }
    // Same section: compare leaf names, suggest the full key.
    const std::string section = join({path.begin(), path.end() - 1}) + ".";
    std::vector<std::string> leaves;
    for (const auto& d : table_.globals())
      if (d.key.rfind(section, 0) == 0) leaves.push_back(d.key.substr(section.size()));
    if (!leaves.empty()) {
      const std::string best = closest_match(path.back(), leaves);
      return best.empty() ? "" : "did you mean '" + section + best + "'?";
    }
    for (const auto& d : table_.globals()) candidates.push_back(d.key);
    return did_you_mean(join(path), candidates);
  }

  bool check_range(const ParamDecl& decl, double x, const SourcePos& where, const std::string& key_path) {
    if (!std::isfinite(x)) {
      error(where, key_path, "value must be a finite number");
      return false;
    }
    if ((decl.min && x < *decl.min) || (decl.max && x > *decl.max)) {
      auto text = [&](double v) {
        return decl.type == ParamType::integer ? std::to_string(static_cast<long long>(v)) : number_text(v);
      };
      const std::string lo = decl.min ? text(*decl.min) : "-inf";
      const std::string hi = decl.max ? text(*decl.max) : "inf";
      error(where, key_path, "value " + text(x) + " is outside the valid range [" + lo + ", " + hi + "]");
      return false;
    }
    return true;
  }

  std::optional<double> as_number(const toml::node& node) {
    if (const auto* f = node.as_floating_point()) return f->get();
    if (const auto* i = node.as_integer()) return static_cast<double>(i->get());
    return std::nullopt;
  }

  std::optional<Setting> convert(const toml::node& node, const ParamDecl& decl, const std::string& key_path) {
    Setting s;
    s.where = pos(node.source());
    auto wrong_type = [&]() -> std::optional<Setting> {
      error(s.where, key_path, std::string("expected ") + expected_kind(decl.type) + ", found " + node_kind(node));
      return std::nullopt;
    };
    switch (decl.type) {
      case ParamType::real: {
        auto x = as_number(node);
        if (!x) return wrong_type();
        if (!check_range(decl, *x, s.where, key_path)) return std::nullopt;
        s.value = *x;
        return s;
      }
      case ParamType::integer: {
        const auto* i = node.as_integer();
        if (i == nullptr) return wrong_type();
        if (!check_range(decl, static_cast<double>(i->get()), s.where, key_path)) return std::nullopt;
        s.value = std::int64_t{i->get()};
        return s;
      }
      case ParamType::boolean: {
        const auto* b = node.as_boolean();
        if (b == nullptr) return wrong_type();
        s.value = b->get();
        return s;
      }
      case ParamType::text:
      case ParamType::reference: {
        const auto* str = node.as_string();
        if (str == nullptr) return wrong_type();
        s.value = str->get();
        return s;
      }
      case ParamType::choice: {
        const auto* str = node.as_string();
        if (str == nullptr) return wrong_type();
        if (std::find(decl.choices.begin(), decl.choices.end(), str->get()) == decl.choices.end()) {
          std::string list;
          for (const auto& c : decl.choices) list += (list.empty() ? "" : ", ") + c;
          error(s.where, key_path, "'" + str->get() + "' is not one of: " + list, did_you_mean(str->get(), decl.choices));
          return std::nullopt;
        }
        s.value = str->get();
        return s;
      }
      case ParamType::month: {
        const auto* str = node.as_string();
        if (str == nullptr) return wrong_type();
        const std::string& m = str->get();
        const bool shape = m.size() == 7 && m[4] == '-' &&
                           std::all_of(m.begin(), m.begin() + 4, ::isdigit) && std::isdigit(m[5]) &&
                           std::isdigit(m[6]);
        const int month = shape ? std::stoi(m.substr(5)) : 0;
        if (!shape || month < 1 || month > 12) {
          error(s.where, key_path, "'" + m + "' is not a month of the form \"YYYY-MM\"");
          return std::nullopt;
        }
        s.value = m;
        return s;
      }
      case ParamType::real_list: {
        const auto* arr = node.as_array();
        if (arr == nullptr) return wrong_type();
        std::vector<double> values;
        for (const auto& el : *arr) {
          SourcePos where = pos(el.source());
          auto x = as_number(el);
          if (!x) {
            error(where, key_path, std::string("expected a number in the array, found ") + node_kind(el));
            return std::nullopt;
          }
          if (!check_range(decl, *x, where, key_path)) return std::nullopt;
          values.push_back(*x);
          s.element_positions.push_back(where);
        }
        if (decl.list_length && values.size() != *decl.list_length) {
          error(s.where, key_path,
                "expected " + std::to_string(*decl.list_length) + " numbers, found " + std::to_string(values.size()));
          return std::nullopt;
        }
        s.value = std::move(values);
        return s;
      }
      case ParamType::reference_list:
      case ParamType::text_list: {
        const auto* arr = node.as_array();
        if (arr == nullptr) return wrong_type();
        std::vector<std::string> names;
        for (const auto& el : *arr) {
          const auto* str = el.as_string();
          if (str == nullptr) {
            error(pos(el.source()), key_path, std::string("expected a name string, found ") + node_kind(el));
            return std::nullopt;
          }
          names.push_back(str->get());
          s.element_positions.push_back(pos(el.source()));
        }
        s.value = std::move(names);
        return s;
      }
      case ParamType::text_table: {
        const auto* t = node.as_table();
        if (t == nullptr) return wrong_type();
        TextTable texts;
        for (const auto& [k, v] : *t) {
          const auto* str = v.as_string();
          if (str == nullptr) {
            error(pos(v.source()), key_path + "." + std::string(k.str()),
                  std::string("expected a string, found ") + node_kind(v));
            return std::nullopt;
          }
          texts[std::string(k.str())] = str->get();
        }
        s.value = std::move(texts);
        return s;
      }
      case ParamType::real_table: {
        const auto* t = node.as_table();
        if (t == nullptr) return wrong_type();
        RealTable numbers;
        for (const auto& [k, v] : *t) {
          const std::string entry_path = key_path + "." + std::string(k.str());
          const SourcePos where = pos(v.source());
          auto x = as_number(v);
          if (!x) {
            error(where, entry_path, std::string("expected a number, found ") + node_kind(v));
            return std::nullopt;
          }
          if (!check_range(decl, *x, where, entry_path)) return std::nullopt;
          numbers[std::string(k.str())] = *x;
          s.element_positions.push_back(pos(k.source()));
        }
        s.value = std::move(numbers);
        return s;
      }
    }
    return std::nullopt;
  }

  const ParamTable& table_;
  Diagnostics& diags_;
  std::string file_;
  Layer& out_;
};

class Loader {
 public:
  Loader(const ParamTable& table, Diagnostics& diags) : table_(table), diags_(diags) {}

  // Parses `text` (named `name`), loads its bases (relative to `dir`) and
  // returns the merged layer with this text on top.
  Layer load_text(const std::string& text, const std::string& name, const fs::path& dir) {
    Layer own;
    toml::table doc;
    try {
      doc = toml::parse(text, name);
    } catch (const toml::parse_error& e) {
      const auto& b = e.source().begin;
      diags_.push_back(Diagnostic{SourcePos{name, static_cast<int>(b.line), static_cast<int>(b.column)}, "",
                                  "TOML syntax error: " + std::string(e.description()), ""});
      return own;
    }
    Flattener flattener(table_, diags_, name, own);
    std::vector<std::string> path;
    flattener.walk(doc, path);

    Layer merged;
    for (const auto& [base, where] : flattener.bases) {
      const fs::path base_path = (dir / base).lexically_normal();
      std::error_code ec;
      if (!fs::is_regular_file(base_path, ec)) {
        diags_.push_back(Diagnostic{where, "base", "base scenario '" + base + "' not found (looked for " +
                                                       base_path.string() + ")", ""});
        continue;
      }
      if (is_being_loaded(base_path)) {
        diags_.push_back(Diagnostic{where, "base", "scenario '" + base + "' is its own base (a cycle of base files)", ""});
        continue;
      }
      merged.overlay(load_file(base_path, where));
    }
    merged.overlay(own);
    return merged;
  }

  bool is_being_loaded(const fs::path& file) const {
    std::error_code ec;
    return std::find(stack_.begin(), stack_.end(), fs::weakly_canonical(file, ec)) != stack_.end();
  }

  Layer load_file(const fs::path& file, const SourcePos& referenced_from) {
    std::error_code ec;
    const fs::path canonical = fs::weakly_canonical(file, ec);
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      diags_.push_back(Diagnostic{referenced_from, "", "cannot read scenario file '" + file.string() + "'", ""});
      return {};
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    stack_.push_back(canonical);
    Layer layer = load_text(buffer.str(), file.string(), file.parent_path());
    stack_.pop_back();
    return layer;
  }

 private:
  const ParamTable& table_;
  Diagnostics& diags_;
  std::vector<fs::path> stack_;
};

// "key.path=value" → a one-line TOML document; a bare word value is taken as
// a string so that `--set models.migration=gravity` works without quotes.
Layer load_override(const std::string& assignment, const ParamTable& table, Diagnostics& diags) {
  const std::string name = "<--set " + assignment + ">";
  const auto eq = assignment.find('=');
  if (eq == std::string::npos) {
    diags.push_back(Diagnostic{SourcePos{name, 1, 1}, "", "expected key.path=value", ""});
    return {};
  }
  std::string key = assignment.substr(0, eq);
  key.erase(0, key.find_first_not_of(" \t"));
  key.erase(key.find_last_not_of(" \t") + 1);
  if (key == "base") {
    diags.push_back(Diagnostic{SourcePos{name, 1, 1}, "base", "base cannot be set from the command line", ""});
    return {};
  }
  std::string text = assignment;
  try {
    (void)toml::parse(text, name);
  } catch (const toml::parse_error&) {
    const std::string value = assignment.substr(eq + 1);
    const bool bare_word = !value.empty() && value.find_first_of("\"'[]{}") == std::string::npos;
    if (bare_word) text = assignment.substr(0, eq + 1) + "\"" + value + "\"";
  }
  Loader loader(table, diags);
  return loader.load_text(text, name, fs::current_path());
}

ScenarioSpec build(const Layer& layer, const ParamTable& table, const std::string& main_file,
                   const std::vector<ScenarioCheck>& checks, Diagnostics& diags) {
  ScenarioSpec spec = ScenarioBuilder::make(table, main_file);
  auto& globals = ScenarioBuilder::globals(spec);
  auto& collections = ScenarioBuilder::collections(spec);
  const SourcePos no_pos{main_file, 0, 0};

  for (const auto& decl : table.globals()) {
    if (auto it = layer.globals.find(decl.key); it != layer.globals.end()) {
      globals[decl.key] = it->second;
    } else if (decl.required()) {
      diags.push_back(Diagnostic{no_pos, decl.key, "required parameter is missing", ""});
    } else {
      globals[decl.key] = Setting{decl.default_value, no_pos, true, {}};
    }
  }

  for (const auto& coll : table.collections()) {
    auto& entries = collections[coll.name];
    struct Incomplete {
      std::string name;
      SourcePos where;
      std::string missing;
    };
    std::vector<Incomplete> incomplete;
    for (const auto& [key, where] : layer.entries) {
      if (key.first != coll.name) continue;
      CollectionEntry entry{key.second, where, {}};
      std::vector<std::string> missing;
      for (const auto& field : coll.fields) {
        auto it = layer.fields.find({coll.name, key.second, field.key});
        if (it != layer.fields.end()) entry.fields[field.key] = it->second;
        else if (field.required()) missing.push_back(field.key);
        else entry.fields[field.key] = Setting{field.default_value, where, true, {}};
      }
      if (missing.empty()) {
        entries.push_back(std::move(entry));
      } else {
        std::string list;
        for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
        incomplete.push_back(Incomplete{key.second, where, list});
      }
    }
    std::vector<std::string> complete_names;
    for (const auto& e : entries) complete_names.push_back(e.name);
    for (const auto& [name, where, missing] : incomplete) {
      const std::string suggestion = did_you_mean(name, complete_names);
      if (!suggestion.empty()) {
        diags.push_back(Diagnostic{where, coll.name + "." + name,
                                   "unknown " + coll.entry_noun + " '" + name + "' (a new " + coll.entry_noun +
                                       " must also define: " + missing + ")",
                                   suggestion});
      } else {
        diags.push_back(Diagnostic{where, coll.name + "." + name,
                                   coll.entry_noun + " '" + name + "' is missing required field(s): " + missing,
                                   ""});
      }
    }
  }

  // Every name must refer to an entry that exists.
  auto check_refs = [&](const ParamDecl& decl, const Setting& s, const std::string& key_path) {
    const bool names_entries = decl.type == ParamType::reference || decl.type == ParamType::reference_list ||
                               (decl.type == ParamType::real_table && !decl.collection.empty());
    if (!names_entries) return;
    std::vector<std::string> known;
    for (const auto& e : spec.entries(decl.collection)) known.push_back(e.name);
    const CollectionDecl* coll = table.find_collection(decl.collection);
    const std::string noun = coll ? coll->entry_noun : decl.collection;
    auto check_one = [&](const std::string& name, const SourcePos& where) {
      if (std::find(known.begin(), known.end(), name) == known.end())
        diags.push_back(Diagnostic{where, key_path, "unknown " + noun + " '" + name + "'", did_you_mean(name, known)});
    };
    if (const auto* one = std::get_if<std::string>(&s.value)) check_one(*one, s.where);
    if (const auto* many = std::get_if<std::vector<std::string>>(&s.value))
      for (std::size_t i = 0; i < many->size(); ++i)
        check_one((*many)[i], i < s.element_positions.size() ? s.element_positions[i] : s.where);
    if (const auto* table = std::get_if<RealTable>(&s.value)) {
      std::size_t i = 0;
      for (const auto& [name, value] : *table) {
        (void)value;
        check_one(name, i < s.element_positions.size() ? s.element_positions[i] : s.where);
        ++i;
      }
    }
  };
  for (const auto& decl : table.globals())
    if (auto it = globals.find(decl.key); it != globals.end()) check_refs(decl, it->second, decl.key);
  for (const auto& coll : table.collections())
    for (const auto& entry : spec.entries(coll.name))
      for (const auto& field : coll.fields)
        check_refs(field, entry.field(field.key), coll.name + "." + entry.name + "." + field.key);

  if (diags.empty())
    for (const auto& check : checks) check(spec, diags);
  return spec;
}

// File order: files in order of first appearance, then line and column.
void sort_in_file_order(Diagnostics& diags) {
  std::vector<std::string> files;
  for (const auto& d : diags)
    if (std::find(files.begin(), files.end(), d.where.file) == files.end()) files.push_back(d.where.file);
  auto rank = [&](const Diagnostic& d) {
    return std::make_tuple(std::find(files.begin(), files.end(), d.where.file) - files.begin(), d.where.line,
                           d.where.column);
  };
  std::stable_sort(diags.begin(), diags.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) { return rank(a) < rank(b); });
}

// Errors stop the scenario; warnings alone do not (they go to the spec).
void throw_if_any(Diagnostics& diags) {
  Diagnostics errors;
  for (const auto& d : diags)
    if (d.severity == Severity::error) errors.push_back(d);
  if (errors.empty()) return;
  sort_in_file_order(errors);
  throw ScenarioError(std::move(errors));
}

ScenarioSpec load(const std::function<Layer(Loader&)>& read_main, const std::string& main_name,
                  const std::vector<std::string>& overrides, const ParamTable& table,
                  const std::vector<ScenarioCheck>& checks) {
  Diagnostics diags;
  Loader loader(table, diags);
  Layer layer = read_main(loader);
  for (const auto& assignment : overrides) layer.overlay(load_override(assignment, table, diags));
  throw_if_any(diags);
  ScenarioSpec spec = build(layer, table, main_name, checks, diags);
  throw_if_any(diags);
  sort_in_file_order(diags);
  ScenarioBuilder::warnings(spec) = std::move(diags);
  return spec;
}

}  // namespace

std::string closest_match(const std::string& given, const std::vector<std::string>& candidates) {
  // A typo is a few edits away; a truncated name matches the start of the
  // candidate. Accept up to max(2, len/3) edits.
  const std::size_t limit = std::max<std::size_t>(2, given.size() / 3);
  std::string best;
  std::size_t best_distance = limit + 1;
  for (const auto& c : candidates) {
    if (c == given) continue;
    std::size_t d = edit_distance(given, c);
    if (c.size() > given.size() + 1) d = std::min(d, edit_distance(given, c.substr(0, given.size())) + 1);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

ScenarioSpec load_scenario(const std::filesystem::path& file, const std::vector<std::string>& overrides,
                           const ParamTable& table, const std::vector<ScenarioCheck>& checks) {
  const std::string name = file.string();
  return load(
      [&](Loader& loader) {
        std::error_code ec;
        if (!fs::is_regular_file(file, ec)) {
          throw ScenarioError(Diagnostic{SourcePos{name, 0, 0}, "", "scenario file not found", ""});
        }
        return loader.load_file(file, SourcePos{name, 0, 0});
      },
      name, overrides, table, checks);
}

ScenarioSpec load_scenario_text(const std::string& text, const std::string& name,
                                const std::filesystem::path& base_dir, const std::vector<std::string>& overrides,
                                const ParamTable& table, const std::vector<ScenarioCheck>& checks) {
  return load([&](Loader& loader) { return loader.load_text(text, name, base_dir); }, name, overrides, table,
              checks);
}

}  // namespace mobsim
