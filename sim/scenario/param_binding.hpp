#pragma once
// Parameters declared once. A binding pairs a parameter's declaration (key,
// unit, default, range, meaning, source) with the member of a model's
// parameter struct that receives its value, so that a model lists each
// parameter in one place: the declarations it registers and the values it
// reads come from the same table, and no read function can fall out of step
// with them.
//
//   struct Params { double matching_elasticity; int entry_age_years; };
//   const ParamBindings<Params>& bound_params() {   // built on first use, after static initialisation
//     static const ParamBindings<Params> table{
//         bind(&Params::matching_elasticity, share_param("labour.matching_elasticity", 0.5, ...)),
//         bind(&Params::entry_age_years, integer_param("labour.entry_age_years", "years", 15, ...))};
//     return table;
//   }
//   info.params = bound_params().declarations();   // in the model's ModelInfo
//   p_ = bound_params().read(spec);                 // in the model's constructor
//
// Collection fields bind the same way and are read from an entry
// (`city_data().read(entry)`). A member of the wrong type for its declaration
// is a programming error: reading it throws std::logic_error naming the key.
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "param.hpp"
#include "scenario.hpp"

namespace mobsim {

namespace param_binding_detail {

template <class T, class Source>
T value_of(const Source& source, const std::string& key) {
  if constexpr (std::is_same_v<T, double>) {
    return source.real(key);
  } else if constexpr (std::is_same_v<T, bool>) {
    return source.flag(key);
  } else if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(source.integer(key));
  } else if constexpr (std::is_same_v<T, std::string>) {
    return source.text(key);
  } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
    return source.names(key);
  } else if constexpr (std::is_same_v<T, RealTable>) {
    return source.real_table(key);
  } else {
    static_assert(std::is_same_v<T, std::vector<double>>, "no scenario value of this type");
    return source.reals(key);
  }
}

}  // namespace param_binding_detail

template <class Params>
struct ParamBinding {
  ParamDecl decl;
  std::function<void(Params&, const ScenarioSpec&)> from_spec;
  std::function<void(Params&, const CollectionEntry&)> from_entry;
};

template <class Params, class T>
ParamBinding<Params> bind(T Params::*member, ParamDecl decl) {
  using param_binding_detail::value_of;
  ParamBinding<Params> binding;
  const std::string key = decl.key;
  if constexpr (!std::is_same_v<T, std::vector<double>>)  // lists of numbers exist only in collections
    binding.from_spec = [member, key](Params& p, const ScenarioSpec& spec) { p.*member = value_of<T>(spec, key); };
  binding.from_entry = [member, key](Params& p, const CollectionEntry& entry) {
    p.*member = value_of<T>(entry, key);
  };
  binding.decl = std::move(decl);
  return binding;
}

template <class Params>
class ParamBindings {
 public:
  ParamBindings(std::initializer_list<ParamBinding<Params>> bindings) : bindings_(bindings) {}

  std::vector<ParamDecl> declarations() const {
    std::vector<ParamDecl> out;
    for (const auto& b : bindings_) out.push_back(b.decl);
    return out;
  }

  // Global parameters ("section.name") from the resolved scenario.
  Params read(const ScenarioSpec& spec) const {
    Params p{};
    for (const auto& b : bindings_) {
      if (!b.from_spec) throw std::logic_error(b.decl.key + " is a list of numbers, which only collection entries hold");
      b.from_spec(p, spec);
    }
    return p;
  }

  // Fields of one collection entry ([circular_schemes.NAME], ...).
  Params read(const CollectionEntry& entry) const {
    Params p{};
    for (const auto& b : bindings_) b.from_entry(p, entry);
    return p;
  }

 private:
  std::vector<ParamBinding<Params>> bindings_;
};

}  // namespace mobsim
