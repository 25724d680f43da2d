#pragma once
// Per-city state shared between models: named arrays of `width` numbers per
// city (e.g. a wage for every sector x skill level). A model declares the
// fields it writes while it is set up and looks up the fields it reads by
// name when the world exists, so data flow between models is explicit.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "state.hpp"
#include "state_archive.hpp"

namespace mobsim {

struct CityField {
  std::uint32_t index = 0;
  std::uint32_t width = 0;
};

class CityFieldSchema {
 public:
  // Throws std::logic_error if the name is taken.
  CityField add(std::string name, std::uint32_t width, std::string meaning);
  // Throws std::logic_error naming the field if no selected model declares it.
  CityField find(const std::string& name) const;
  bool has(const std::string& name) const;
  std::size_t size() const { return fields_.size(); }
  std::uint32_t width(std::size_t i) const { return fields_[i].width; }
  const std::string& name(std::size_t i) const { return fields_[i].name; }
  // Records what the models set up next create and look up (nullptr: stop).
  void attach(StateLog* log) const { log_ = log; }

 private:
  struct Decl {
    std::string name;
    std::uint32_t width;
    std::string meaning;
  };
  std::vector<Decl> fields_;
  mutable StateLog* log_ = nullptr;
};

class CityFieldStore {
 public:
  CityFieldStore(const CityFieldSchema& schema, std::size_t cities);
  std::span<double> at(CityField f, std::size_t city) { return {data_[f.index].data() + city * f.width, f.width}; }
  std::span<const double> at(CityField f, std::size_t city) const {
    return {data_[f.index].data() + city * f.width, f.width};
  }
  // Every field's values (a checkpoint); the schema gives their names.
  // Loading, `stored` gives the schema's index of each field the checkpoint
  // holds, in its order (saving ignores it), and fields marked in
  // `keep_own` keep their values instead of taking the checkpoint's.
  void checkpoint(StateArchive& ar, const CityFieldSchema& schema, std::span<const std::uint32_t> stored,
                  const std::vector<bool>& keep_own);

 private:
  std::vector<std::vector<double>> data_;
};

}  // namespace mobsim
