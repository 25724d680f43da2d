#include "geography.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "engine_params.hpp"

namespace mobsim {

double great_circle_km(double lat1_deg, double lon1_deg, double lat2_deg, double lon2_deg) {
  constexpr double kEarthRadiusKm = 6371.0088;  // IUGG mean radius
  constexpr double kRad = std::numbers::pi / 180.0;
  const double dlat = (lat2_deg - lat1_deg) * kRad;
  const double dlon = (lon2_deg - lon1_deg) * kRad;
  const double a = std::sin(dlat / 2) * std::sin(dlat / 2) +
                   std::cos(lat1_deg * kRad) * std::cos(lat2_deg * kRad) * std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2.0 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a)));
}

Geography::Geography(const ScenarioSpec& spec) {
  std::vector<std::string> names = spec.names("world.cities");
  if (names.empty())
    for (const auto& e : spec.entries("cities")) names.push_back(e.name);

  for (const auto& name : names) {
    const CollectionEntry& e = *spec.find_entry("cities", name);
    City c;
    c.name = name;
    c.country = e.text("country");
    c.continent = e.text("continent");
    c.latitude_deg = e.real("latitude_deg");
    c.longitude_deg = e.real("longitude_deg");
    c.population = population_at_start(e, spec);
    auto it = std::find(countries_.begin(), countries_.end(), c.country);
    if (it == countries_.end()) {
      countries_.push_back(c.country);
      it = countries_.end() - 1;
    }
    c.country_index = static_cast<std::uint16_t>(it - countries_.begin());
    cities_.push_back(std::move(c));
  }

  const std::size_t n = cities_.size();
  place_country_.resize(2 * n + 1);
  for (std::size_t c = 0; c < n; ++c) {
    place_country_[city_place(c)] = cities_[c].country_index;
    place_country_[hinterland_place(c)] = cities_[c].country_index;
  }
  place_country_[rest_of_world_place()] = kNoCountry;

  distance_km_.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
  for (std::size_t a = 0; a < n; ++a)
    for (std::size_t b = 0; b < n; ++b)
      distance_km_(static_cast<Eigen::Index>(a), static_cast<Eigen::Index>(b)) =
          great_circle_km(cities_[a].latitude_deg, cities_[a].longitude_deg, cities_[b].latitude_deg,
                          cities_[b].longitude_deg);
}

}  // namespace mobsim
