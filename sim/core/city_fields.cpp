#include "city_fields.hpp"

#include <stdexcept>

namespace mobsim {

CityField CityFieldSchema::add(std::string name, std::uint32_t width, std::string meaning) {
  for (const auto& f : fields_)
    if (f.name == name) throw std::logic_error("city field declared twice: " + name);
  if (log_) log_->record(StateLog::Access::add, StateKind::city_field, name);
  fields_.push_back({std::move(name), width, std::move(meaning)});
  return CityField{static_cast<std::uint32_t>(fields_.size() - 1), width};
}

CityField CityFieldSchema::find(const std::string& name) const {
  if (log_) log_->record(StateLog::Access::find, StateKind::city_field, name);
  for (std::size_t i = 0; i < fields_.size(); ++i)
    if (fields_[i].name == name) return CityField{static_cast<std::uint32_t>(i), fields_[i].width};
  throw std::logic_error("no selected model provides the city field '" + name + "'");
}

bool CityFieldSchema::has(const std::string& name) const {
  if (log_) log_->record(StateLog::Access::probe, StateKind::city_field, name);
  for (const auto& f : fields_)
    if (f.name == name) return true;
  return false;
}

CityFieldStore::CityFieldStore(const CityFieldSchema& schema, std::size_t cities) {
  for (std::size_t i = 0; i < schema.size(); ++i) data_.emplace_back(cities * schema.width(i), 0.0);
}

void CityFieldStore::checkpoint(StateArchive& ar, const CityFieldSchema& schema, std::span<const std::uint32_t> stored,
                                const std::vector<bool>& keep_own) {
  if (!ar.is_loading()) {
    for (std::size_t i = 0; i < data_.size(); ++i) ar.span(schema.name(i), std::span(data_[i]));
    return;
  }
  for (const std::uint32_t i : stored) {
    if (i < keep_own.size() && keep_own[i]) {
      std::vector<double> theirs(data_[i].size());
      ar.span(schema.name(i), std::span(theirs));
    } else {
      ar.span(schema.name(i), std::span(data_[i]));
    }
  }
}

}  // namespace mobsim
