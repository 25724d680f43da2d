#pragma once
// Household numbers and the grouping of a city's residents by household.
//
// A household number is unique in the world without a shared counter: the
// top bits hold the city that formed the household, the rest that city's
// serial (from 1; 0 is kNoHousehold). Members who live in the same city
// under the same number share income, costs and a dwelling; a member who
// moved to another city alone keeps the number (a household spread over two
// cities, the unit of the new economics of labour migration), and is grouped
// there with whoever joins them under it.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

namespace mobsim::models {

inline const std::string kHouseholdColumn = "household";
// households: the households with a member living in the city and the
// persons in them, as counted by the budget when it pools them (so that no
// other pass over every agent is needed), and one past the largest serial
// the city has given a household [3].
inline const std::string kHouseholdCountField = "households_counted";
inline constexpr std::uint32_t kNoHousehold = 0;

class HouseholdNumbers {
 public:
  explicit HouseholdNumbers(std::size_t cities)
      : serial_bits_(32 - std::bit_width(static_cast<std::uint32_t>(cities == 0 ? 1 : cities))) {
    if (serial_bits_ < 16) throw std::logic_error("too many cities for 32-bit household numbers");
  }
  // Serials run from 1 to max_serial().
  std::uint32_t max_serial() const { return (std::uint32_t{1} << serial_bits_) - 1; }
  std::uint32_t make(std::size_t city, std::uint32_t serial) const {
    if (serial == 0 || serial > max_serial())
      throw std::runtime_error("household numbers of city " + std::to_string(city) + " are exhausted");
    return (static_cast<std::uint32_t>(city) << serial_bits_) | serial;
  }
  std::size_t city_of(std::uint32_t household) const { return household >> serial_bits_; }
  // The number of serial 0 of `city`: a household of the city is base + its
  // serial, so number - base below the city's serial count tells one (any
  // other city's number falls outside, unsigned).
  std::uint32_t base_of(std::size_t city) const { return static_cast<std::uint32_t>(city) << serial_bits_; }
  std::uint32_t serial_of(std::uint32_t household) const { return household & max_serial(); }
  int serial_bits() const { return serial_bits_; }

 private:
  int serial_bits_;
};

// Dense indices 0, 1, ... for the households of one city's residents, in
// the order of their first member's row: an array for the households the
// city formed itself (indexed by serial), a hash map for the others.
class HouseholdGroups {
 public:
  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

  // Starts a new grouping of the rows of `city` (no group yet). Only the
  // entries the last grouping used are cleared, so this costs nothing per row.
  // (The numbering is kept by value: a thread's groups outlive the model
  // that last used them.)
  void reset(std::size_t city, const HouseholdNumbers& numbers) {
    for (const std::uint32_t h : households_)
      if (numbers_.city_of(h) == city_) native_[numbers_.serial_of(h)] = kNone;
    households_.clear();
    others_.clear();
    city_ = city;
    numbers_ = numbers;
  }
  // The group of `household` (not kNoHousehold), created if new.
  std::uint32_t index(std::uint32_t household) {
    if (numbers_.city_of(household) == city_) {
      const std::uint32_t serial = numbers_.serial_of(household);
      if (serial >= native_.size()) native_.resize(std::max<std::size_t>(serial + 1, native_.size() * 3 / 2), kNone);
      std::uint32_t& g = native_[serial];
      if (g == kNone) {
        g = static_cast<std::uint32_t>(households_.size());
        households_.push_back(household);
      }
      return g;
    }
    const auto [it, added] = others_.try_emplace(household, static_cast<std::uint32_t>(households_.size()));
    if (added) households_.push_back(household);
    return it->second;
  }
  std::uint32_t count() const { return static_cast<std::uint32_t>(households_.size()); }

 private:
  std::size_t city_ = 0;
  HouseholdNumbers numbers_{1};
  std::vector<std::uint32_t> native_;
  std::unordered_map<std::uint32_t, std::uint32_t> others_;
  std::vector<std::uint32_t> households_;  // of each group, in group order (what reset clears)
};

// The rows of the households in `wanted` among a city's `household` column,
// each household's rows ascending, found in one pass over the city (a bit
// per number, hashed, filters the rows before the map is looked up; eight
// rows at a time with AVX2, with the same result). kNoHousehold in `wanted`
// is ignored.
std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> rows_of_households(
    std::span<const std::uint32_t> household, std::span<const std::uint32_t> wanted);

}  // namespace mobsim::models
