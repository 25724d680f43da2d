#include "scenario.hpp"

#include <algorithm>
#include <stdexcept>

namespace mobsim {

namespace {

template <class T>
const T& get_as(const Setting& s, const std::string& key) {
  if (const T* v = std::get_if<T>(&s.value)) return *v;
  throw std::logic_error("parameter '" + key + "' read with the wrong type");
}

}  // namespace

const Setting& CollectionEntry::field(const std::string& key) const {
  auto it = fields.find(key);
  if (it == fields.end()) throw std::logic_error("undeclared field '" + key + "' read from '" + name + "'");
  return it->second;
}
double CollectionEntry::real(const std::string& key) const { return get_as<double>(field(key), key); }
std::int64_t CollectionEntry::integer(const std::string& key) const {
  return get_as<std::int64_t>(field(key), key);
}
const std::string& CollectionEntry::text(const std::string& key) const {
  return get_as<std::string>(field(key), key);
}
const std::vector<double>& CollectionEntry::reals(const std::string& key) const {
  return get_as<std::vector<double>>(field(key), key);
}

const std::vector<std::string>& CollectionEntry::names(const std::string& key) const {
  return get_as<std::vector<std::string>>(field(key), key);
}
bool CollectionEntry::flag(const std::string& key) const { return get_as<bool>(field(key), key); }
const RealTable& CollectionEntry::real_table(const std::string& key) const {
  return get_as<RealTable>(field(key), key);
}

const Setting& ScenarioSpec::setting(const std::string& key) const {
  auto it = globals_.find(key);
  if (it == globals_.end()) throw std::logic_error("undeclared parameter '" + key + "' read");
  return it->second;
}
double ScenarioSpec::real(const std::string& key) const { return get_as<double>(setting(key), key); }
std::int64_t ScenarioSpec::integer(const std::string& key) const {
  return get_as<std::int64_t>(setting(key), key);
}
bool ScenarioSpec::flag(const std::string& key) const { return get_as<bool>(setting(key), key); }
const std::string& ScenarioSpec::text(const std::string& key) const {
  return get_as<std::string>(setting(key), key);
}
const std::vector<std::string>& ScenarioSpec::names(const std::string& key) const {
  return get_as<std::vector<std::string>>(setting(key), key);
}

const RealTable& ScenarioSpec::real_table(const std::string& key) const {
  return get_as<RealTable>(setting(key), key);
}

const std::vector<CollectionEntry>& ScenarioSpec::entries(const std::string& collection) const {
  static const std::vector<CollectionEntry> none;
  auto it = collections_.find(collection);
  return it == collections_.end() ? none : it->second;
}

const CollectionEntry* ScenarioSpec::find_entry(const std::string& collection,
                                                const std::string& name) const {
  for (const auto& e : entries(collection))
    if (e.name == name) return &e;
  return nullptr;
}

std::string ScenarioSpec::resolved_toml() const {
  std::string out =
      "# Resolved mobsim scenario: every parameter with its value, defaults included.\n"
      "# Running this text again reproduces the run.\n";
  std::string section;
  for (const auto& decl : table_->globals()) {
    const auto dot = decl.key.rfind('.');
    const std::string this_section = decl.key.substr(0, dot);
    if (this_section != section) {
      section = this_section;
      out += "\n[" + section + "]\n";
    }
    out += toml_key(decl.key.substr(dot + 1)) + " = " + to_toml_text(setting(decl.key).value) + "\n";
  }
  for (const auto& collection : table_->collections()) {
    for (const auto& entry : entries(collection.name)) {
      out += "\n[" + toml_key(collection.name) + "." + toml_key(entry.name) + "]\n";
      for (const auto& field : collection.fields)
        out += toml_key(field.key) + " = " + to_toml_text(entry.field(field.key).value) + "\n";
    }
  }
  return out;
}

}  // namespace mobsim
