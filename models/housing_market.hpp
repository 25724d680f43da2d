#pragma once
// The housing market's rent formula (tested in tests/models/housing_market_test.cpp).
#include <algorithm>
#include <cmath>

namespace mobsim::models {

// Rent index of formal private housing: (occupancy / target)^elasticity,
// within [0.25, 4]; occupancy = occupants / capacity (1 when there is no capacity).
inline double rent_index(double occupants, double capacity, double target_occupancy, double elasticity) {
  const double occupancy = capacity > 0 ? occupants / capacity : 1.0;
  return std::clamp(std::pow(occupancy / target_occupancy, elasticity), 0.25, 4.0);
}

}  // namespace mobsim::models
