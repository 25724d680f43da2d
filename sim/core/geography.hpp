#pragma once
// The cities of a run and the places people can be born in, built once from
// the scenario. Places: cities [0, C), each city's rural hinterland [C, 2C),
// and the rest of the world (2C).
#include <Eigen/Core>

#include <cstdint>
#include <string>
#include <vector>

#include "scenario.hpp"

namespace mobsim {

struct City {
  std::string name;
  std::string country;
  std::string continent;
  double latitude_deg = 0;
  double longitude_deg = 0;
  std::int64_t population = 0;  // persons at the start of the run (projected from the data's year)
  std::uint16_t country_index = 0;
};

class Geography {
 public:
  // Cities named in world.cities, or every defined city when the list is empty.
  explicit Geography(const ScenarioSpec& spec);

  std::size_t city_count() const { return cities_.size(); }
  const City& city(std::size_t c) const { return cities_[c]; }
  const std::vector<City>& cities() const { return cities_; }
  const std::vector<std::string>& countries() const { return countries_; }

  std::uint16_t city_place(std::size_t c) const { return static_cast<std::uint16_t>(c); }
  std::uint16_t hinterland_place(std::size_t c) const { return static_cast<std::uint16_t>(city_count() + c); }
  std::uint16_t rest_of_world_place() const { return static_cast<std::uint16_t>(2 * city_count()); }

  // Country of a place; the rest of the world has no country of its own, so
  // people born there are foreign-born in every city.
  static constexpr std::uint16_t kNoCountry = 0xFFFF;
  std::uint16_t country_of_place(std::uint16_t place) const { return place_country_[place]; }
  bool foreign_born(std::uint16_t origin_place, std::size_t city) const {
    return place_country_[origin_place] != cities_[city].country_index;
  }

  double distance_km(std::size_t a, std::size_t b) const { return distance_km_(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)); }
  const Eigen::MatrixXd& distance_matrix_km() const { return distance_km_; }

 private:
  std::vector<City> cities_;
  std::vector<std::string> countries_;
  std::vector<std::uint16_t> place_country_;
  Eigen::MatrixXd distance_km_;
};

// Great-circle distance on a sphere of the mean Earth radius (haversine).
double great_circle_km(double lat1_deg, double lon1_deg, double lat2_deg, double lon2_deg);

}  // namespace mobsim
