// What is known once per run about each pair of cities (and each country
// of birth): which channels a corridor leaves open, shared languages and
// colonial ties, irregular routes and their transit hubs, and the distance
// and moving-cost terms. Decisions look these up for every destination of
// every agent considering a move, so they are not recomputed per step.
#include <algorithm>
#include <cmath>

#include "migration_model.hpp"

namespace mobsim::models::migration {

int BehaviouralMigration::city_index(const std::string& name) const {
  for (std::size_t c = 0; c < geography_.city_count(); ++c)
    if (geography_.city(c).name == name) return static_cast<int>(c);
  return -1;
}

void BehaviouralMigration::read_corridors(const ScenarioSpec& spec) {
  const std::size_t n = geography_.city_count();
  legal_open_.assign(n * n, true);
  irregular_open_.assign(n * n, true);
  visa_multiplier_.assign(n * n, 1.0);
  for (const auto& corridor : spec.entries("corridors")) {
    const int a = city_index(corridor.text("origin")), b = city_index(corridor.text("destination"));
    if (a < 0 || b < 0) continue;  // a corridor between cities not simulated in this run
    const std::size_t k = static_cast<std::size_t>(a) * n + static_cast<std::size_t>(b);
    legal_open_[k] = corridor.flag("legal_open");
    irregular_open_[k] = corridor.flag("irregular_open");
    visa_multiplier_[k] = corridor.real("work_visa_multiplier");
  }
}

// Language and colonial ties between a birth country b (or the rest of the
// world, b = countries) and each city's country.
void BehaviouralMigration::read_language_and_colonial_ties(const ScenarioSpec& spec) {
  const std::size_t n = geography_.city_count();
  const std::size_t countries = geography_.countries().size();
  language_.assign((countries + 1) * n, 0.0);
  colonial_.assign((countries + 1) * n, 0.0);
  for (std::size_t b = 0; b < countries; ++b) {
    const auto& from = *spec.find_entry("countries", geography_.countries()[b]);
    for (std::size_t j = 0; j < n; ++j) {
      const auto& to = *spec.find_entry("countries", geography_.city(j).country);
      bool shared = false;
      for (const auto& l : from.names("languages"))
        shared = shared || std::find(to.names("languages").begin(), to.names("languages").end(), l) !=
                               to.names("languages").end();
      language_[b * n + j] = shared ? 1.0 : 0.0;
      const auto& ties = from.names("colonial_ties");
      colonial_[b * n + j] = std::find(ties.begin(), ties.end(), geography_.city(j).country) != ties.end() ? 1.0 : 0.0;
    }
  }
}

// Irregular routes by pair of cities, from the continents' data, and the
// cities they may pass through (transit_hub in channels.cpp picks one).
void BehaviouralMigration::read_transit_hubs_and_routes(const ScenarioSpec& spec) {
  const std::size_t n = geography_.city_count();
  for (std::size_t c = 0; c < n; ++c)
    hub_.push_back(spec.find_entry("cities", geography_.city(c).name)->flag("transit_hub"));
  irregular_route_.assign(n * n, false);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& to = spec.find_entry("continents", geography_.city(i).continent)->names("irregular_routes_to");
    for (std::size_t j = 0; j < n; ++j)
      irregular_route_[i * n + j] = std::find(to.begin(), to.end(), geography_.city(j).continent) != to.end();
  }
}

// The distance term of each pair of cities (the logit needs it for every
// destination of every agent considering a move), and the median cost of
// moving from each city, against which savings measure the capability to
// move (consideration.cpp).
void BehaviouralMigration::build_distance_terms_and_typical_costs() {
  const std::size_t n = geography_.city_count();
  distance_term_.resize(n * n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j)
      distance_term_[i * n + j] = p_.distance_weight * std::log(std::max(1.0, geography_.distance_km(i, j)) / 100.0);
  typical_cost_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<double> costs;
    for (std::size_t j = 0; j < n; ++j)
      if (j != i) costs.push_back(travel_cost(i, j));
    std::nth_element(costs.begin(), costs.begin() + static_cast<std::ptrdiff_t>(costs.size() / 2), costs.end());
    typical_cost_[i] = costs.empty() ? p_.move_fixed_cost_eur : costs[costs.size() / 2];
  }
}

}  // namespace mobsim::models::migration
