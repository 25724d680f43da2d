#pragma once
// The validated, read-only description of a run. Only the loader builds one;
// nothing during a run changes it (the mutable state lives in World).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "errors.hpp"
#include "param.hpp"

namespace mobsim {

// A resolved value and where it came from (a file, a --set argument, or the
// declaration's default).
struct Setting {
  Value value;
  SourcePos where;
  bool is_default = false;
  std::vector<SourcePos> element_positions;  // for lists: one per element
};

struct CollectionEntry {
  std::string name;
  SourcePos where;
  std::map<std::string, Setting> fields;  // every declared field, defaults filled in

  const Setting& field(const std::string& key) const;  // throws std::logic_error if undeclared
  double real(const std::string& key) const;
  std::int64_t integer(const std::string& key) const;
  const std::string& text(const std::string& key) const;
  const std::vector<double>& reals(const std::string& key) const;
  const std::vector<std::string>& names(const std::string& key) const;  // name and text lists
  bool flag(const std::string& key) const;
  const RealTable& real_table(const std::string& key) const;
};

class ScenarioSpec {
 public:
  ScenarioSpec() = default;

  const Setting& setting(const std::string& key) const;  // throws std::logic_error if undeclared
  double real(const std::string& key) const;
  std::int64_t integer(const std::string& key) const;
  bool flag(const std::string& key) const;
  const std::string& text(const std::string& key) const;  // text, choice, month, reference
  const std::vector<std::string>& names(const std::string& key) const;
  const RealTable& real_table(const std::string& key) const;

  // Entries of a collection in name order (empty if none defined).
  const std::vector<CollectionEntry>& entries(const std::string& collection) const;
  const CollectionEntry* find_entry(const std::string& collection, const std::string& name) const;

  // Every parameter with its resolved value, defaults included, as TOML that
  // loads back into an identical spec (stored in each output file).
  std::string resolved_toml() const;

  const std::string& main_file() const { return main_file_; }
  // What the checks found worth saying that does not stop a run (a policy
  // that never acts), in file order.
  const std::vector<Diagnostic>& warnings() const { return warnings_; }

 private:
  friend class ScenarioBuilder;
  const ParamTable* table_ = nullptr;
  std::string main_file_;
  std::map<std::string, Setting> globals_;
  std::map<std::string, std::vector<CollectionEntry>> collections_;
  std::vector<Diagnostic> warnings_;
};

}  // namespace mobsim
