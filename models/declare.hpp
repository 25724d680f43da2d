#pragma once
// Short-hands for writing parameter declarations in model files; bind them
// to the members they fill with `bind` (param_binding.hpp).
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "param.hpp"
#include "param_binding.hpp"
#include "state.hpp"

namespace mobsim::models {

inline ParamDecl real_param(std::string key, std::string unit, std::optional<double> def, std::optional<double> min,
                            std::optional<double> max, std::string meaning, std::string source) {
  ParamDecl d;
  d.key = std::move(key);
  d.type = ParamType::real;
  d.unit = std::move(unit);
  if (def) d.default_value = *def;
  d.min = min;
  d.max = max;
  d.meaning = std::move(meaning);
  d.source = std::move(source);
  return d;
}

// `decl` with the range a calibration may vary it over (docs/CALIBRATION.md).
inline ParamDecl plausible(ParamDecl decl, double min, double max, std::string source) {
  decl.plausible = PlausibleRange{min, max, std::move(source)};
  return decl;
}

inline ParamDecl integer_param(std::string key, std::string unit, std::int64_t def, double min, double max,
                               std::string meaning, std::string source) {
  ParamDecl d;
  d.key = std::move(key);
  d.type = ParamType::integer;
  d.unit = std::move(unit);
  d.default_value = def;
  d.min = min;
  d.max = max;
  d.meaning = std::move(meaning);
  d.source = std::move(source);
  return d;
}

inline ParamDecl text_param(std::string key, std::optional<std::string> def, std::string meaning, std::string source) {
  ParamDecl d;
  d.key = std::move(key);
  d.type = ParamType::text;
  d.unit = "-";
  if (def) d.default_value = *def;
  d.meaning = std::move(meaning);
  d.source = std::move(source);
  return d;
}

inline ParamDecl bool_param(std::string key, std::optional<bool> def, std::string meaning, std::string source) {
  ParamDecl d;
  d.key = std::move(key);
  d.type = ParamType::boolean;
  d.unit = "-";
  if (def) d.default_value = *def;
  d.meaning = std::move(meaning);
  d.source = std::move(source);
  return d;
}

// A name (or list of names) of entries of `collection`.
inline ParamDecl reference_param(std::string key, std::string collection, bool list, std::string meaning,
                                 std::string source, bool required = true) {
  ParamDecl d;
  d.key = std::move(key);
  d.type = list ? ParamType::reference_list : ParamType::reference;
  d.unit = "-";
  if (!required) d.default_value = std::vector<std::string>{};
  d.collection = std::move(collection);
  d.meaning = std::move(meaning);
  d.source = std::move(source);
  return d;
}

// One of `choices`.
inline ParamDecl choice_param(std::string key, std::vector<std::string> choices, std::string def, std::string meaning,
                              std::string source) {
  ParamDecl d;
  d.key = std::move(key);
  d.type = ParamType::choice;
  d.unit = "-";
  d.choices = std::move(choices);
  d.default_value = std::move(def);
  d.meaning = std::move(meaning);
  d.source = std::move(source);
  return d;
}

// A calendar month "YYYY-MM".
inline ParamDecl month_param(std::string key, std::optional<std::string> def, std::string meaning, std::string source) {
  ParamDecl d;
  d.key = std::move(key);
  d.type = ParamType::month;
  d.unit = "YYYY-MM";
  if (def) d.default_value = *def;
  d.meaning = std::move(meaning);
  d.source = std::move(source);
  return d;
}

// A list of free-text names (no default: required).
inline ParamDecl text_list_param(std::string key, std::optional<std::vector<std::string>> def, std::string meaning,
                                 std::string source) {
  ParamDecl d;
  d.key = std::move(key);
  d.type = ParamType::text_list;
  d.unit = "-";
  if (def) d.default_value = *def;
  d.meaning = std::move(meaning);
  d.source = std::move(source);
  return d;
}

// A share in [0, 1].
inline ParamDecl share_param(std::string key, std::optional<double> def, std::string meaning, std::string source) {
  return real_param(std::move(key), "1", def, 0.0, 1.0, std::move(meaning), std::move(source));
}

// ---- the state contract (sim/engine/state.hpp) ----------------------------------
// A per-city field this model creates: `shape` says what its width holds.
inline OwnedState owns_field(std::string name, std::string shape, std::string units, std::string meaning,
                             std::vector<Phase> written_in) {
  return OwnedState{StateKind::city_field, std::move(name), "double", std::move(shape), std::move(units),
                    std::move(meaning), std::move(written_in)};
}

// An agent column of element type T this model creates.
template <class T>
OwnedState owns_column(std::string name, std::string units, std::string meaning, std::vector<Phase> written_in) {
  return OwnedState{StateKind::agent_column, std::move(name), element_type_name<T>(), "1 per agent", std::move(units),
                    std::move(meaning), std::move(written_in)};
}

// The same, created only when the model has work to do (entries of its
// collection), so that an idle policy slot adds no column and no field.
inline OwnedState only_when_used(OwnedState owned) {
  owned.only_when_used = true;
  return owned;
}

// A read in `phase` (std::nullopt: only while observing or initialising).
inline StateRead reads_field(std::string name, std::optional<Phase> phase, ReadTiming timing = ReadTiming::this_step) {
  return StateRead{StateKind::city_field, std::move(name), phase, timing, false, ""};
}
inline StateRead reads_column(std::string name, std::optional<Phase> phase, ReadTiming timing = ReadTiming::this_step) {
  return StateRead{StateKind::agent_column, std::move(name), phase, timing, false, ""};
}
// The same read, allowed to have no provider: `when_absent` says what the model does then.
inline StateRead optional(StateRead read, std::string when_absent) {
  read.optional = true;
  read.when_absent = std::move(when_absent);
  return read;
}

// A write into state another model owns.
inline StateWrite writes_field(std::string name, std::vector<Phase> phases, std::string why) {
  return StateWrite{StateKind::city_field, std::move(name), std::move(phases), false, std::move(why)};
}
inline StateWrite writes_column(std::string name, std::vector<Phase> phases, std::string why) {
  return StateWrite{StateKind::agent_column, std::move(name), std::move(phases), false, std::move(why)};
}
inline StateWrite optional(StateWrite write) {
  write.optional = true;
  return write;
}

// A model that touches other models' state only while its scenario gives it
// work (instruments in use) or only when they are selected: every read and
// write it declares so far becomes optional, the reads saying `why`.
inline void all_optional(StateDecls& state, const std::string& why) {
  for (auto& read : state.reads)
    if (!read.optional) read = optional(read, why);
  for (auto& write : state.writes) write = optional(write);
}

// The same declaration without a default: every entry must give it (the
// range and unit stay those of the default's type).
inline ParamDecl required(ParamDecl decl) {
  decl.default_value = std::monostate{};
  return decl;
}

// The source of the city data fields: scenarios/data/cities.toml, whose
// figures cite their own sources.
inline const std::string kCityData = "city data (scenarios/data/cities.toml)";
// The same for the country data.
inline const std::string kCountryData = "country data (scenarios/data/countries.toml)";

// The start of a source that is a modelling assumption, followed by its
// reasoning (or alone where the meaning says it all).
inline const std::string kAssumption = "assumption: ";

// Declarations a model adds to a collection it does not own (the city
// data), as ModelInfo::fields lists them.
inline std::vector<std::pair<std::string, ParamDecl>> with_collection(const std::string& collection,
                                                                      std::vector<ParamDecl> decls) {
  std::vector<std::pair<std::string, ParamDecl>> out;
  for (auto& decl : decls) out.emplace_back(collection, std::move(decl));
  return out;
}

}  // namespace mobsim::models
