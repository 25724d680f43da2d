#pragma once
// Short-hands for writing parameter declarations in model files.
#include <optional>
#include <string>

#include "param.hpp"

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

}  // namespace mobsim::models
