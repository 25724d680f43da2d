#pragma once
// One declaration per scenario parameter. Parsing, validation, defaults,
// docs/SCENARIO.md and the resolved scenario stored in every output file are
// all derived from these declarations; nothing else lists parameters.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace mobsim {

enum class ParamType {
  real,            // floating point number
  integer,         // whole number
  boolean,
  text,            // free text
  choice,          // one of `choices`
  month,           // "YYYY-MM"
  real_list,       // array of numbers
  reference,       // name of an entry of `collection`
  reference_list,  // array of names of entries of `collection`
  text_list,       // array of free-text strings
  text_table,      // table of free-text values (e.g. sources of each figure)
  real_table,      // table of numbers keyed by names (of `collection` when set)
};

const char* type_name(ParamType type);

using TextTable = std::map<std::string, std::string>;
using RealTable = std::map<std::string, double>;
// std::monostate marks "no value": a declaration without a default is required.
using Value = std::variant<std::monostate, bool, std::int64_t, double, std::string,
                           std::vector<double>, std::vector<std::string>, TextTable, RealTable>;

// The range a behavioural parameter plausibly takes, inside its valid range,
// with the reason: sensitivity analysis and calibration vary the parameter
// over it (docs/CALIBRATION.md).
struct PlausibleRange {
  double min = 0.0;
  double max = 0.0;
  std::string source;  // citation, or "assumption: <reasoning>"
};

struct ParamDecl {
  std::string key;  // globals: "section.name"; collection fields: "name"
  ParamType type = ParamType::real;
  std::string unit;     // "1", "persons", "per 1000 residents per year", ...
  Value default_value;  // monostate: required
  std::optional<double> min;  // inclusive, for numbers and each list element
  std::optional<double> max;
  std::string meaning;  // one line
  std::string source;   // citation, or "assumption: <reasoning>"
  std::vector<std::string> choices;  // for ParamType::choice
  std::string collection;            // for reference types and real_table keys
  std::optional<std::size_t> list_length;  // exact length for real_list
  std::optional<PlausibleRange> plausible;  // real parameters a calibration may vary

  bool required() const { return std::holds_alternative<std::monostate>(default_value); }
};

// Named entries with declared fields, e.g. [cities.Freetown] or [age_profiles.europe].
struct CollectionDecl {
  std::string name;        // "cities"
  std::string entry_noun;  // "city"
  std::string meaning;
  std::vector<ParamDecl> fields;
  bool is_policy = false;  // entries are policies a scenario adds (listed by `mobsim validate`)
  // The month field from which an entry can first act ("start", "date"): a
  // fork from a warm-up (docs/CHECKPOINTS.md) may add an entry that acts
  // only after the warm-up's last step. Empty: entries act from the start.
  std::string acts_from;

  const ParamDecl* find_field(const std::string& field) const;
};

class ParamTable {
 public:
  void add(ParamDecl decl);  // a global parameter; throws std::logic_error on a duplicate
  void add_collection(CollectionDecl collection);
  void add_field(const std::string& collection, ParamDecl field);

  const ParamDecl* find(const std::string& key) const;
  const CollectionDecl* find_collection(const std::string& name) const;
  const std::vector<ParamDecl>& globals() const { return globals_; }
  const std::vector<CollectionDecl>& collections() const { return collections_; }

 private:
  std::vector<ParamDecl> globals_;
  std::vector<CollectionDecl> collections_;
};

// The shortest text that reads back as the same double ("0.3", "1", "1e-05").
std::string shortest_text(double x);
// Human-readable rendering of a value, as TOML would spell it.
std::string to_toml_text(const Value& value);
// A key as TOML spells it: bare when possible, quoted otherwise ("Zürich").
std::string toml_key(const std::string& key);

}  // namespace mobsim
