#pragma once
// The housing market's rent formula (tested in tests/models/housing/housing_market_test.cpp).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace mobsim::models {

// Rent index of formal private housing: (occupancy / reference)^elasticity,
// within [0.25, 4]; occupancy = occupants / capacity (1 when there is no
// capacity); the reference is the occupancy at which the data's rent holds.
inline double rent_index(double occupants, double capacity, double reference_occupancy, double elasticity) {
  const double occupancy = capacity > 0 ? occupants / capacity : 1.0;
  return std::clamp(std::pow(occupancy / reference_occupancy, elasticity), 0.25, 4.0);
}

}  // namespace mobsim::models

// ---- the housing survey: the housing phase's pass over every agent ----

namespace mobsim::models {

// The smallest float >= d: for any float x, x < d exactly when x <
// float_ceiling(d) (and x >= d when x >= float_ceiling(d)), so tests of
// float columns against double thresholds can be done in float.
inline float float_ceiling(double d) {
  float f = static_cast<float>(d);
  if (static_cast<double>(f) < d) f = std::nextafter(f, std::numeric_limits<float>::infinity());
  return f;
}

struct TenureColumns {
  const std::uint64_t* id;
  const std::uint16_t* age_months;
  const std::uint8_t* employment;
  const float* income;   // EUR per month, of the rows from income_first on
  const float* savings;  // EUR
  const std::uint8_t* tenure;
  std::uint32_t income_first = 0;
};

struct TenureTests {
  int adult_months;
  float rent;        // float_ceiling of the private rent per person
  float affordable;  // float_ceiling of the income needed for formal housing
  float deposit;     // float_ceiling of the savings needed for formal housing
};

// Rows [begin, end): counts residents by tenure code into residents[0 .. kTenureCodes)
// and lists, in row order with their ids, everyone who may need placing or
// a draw this housing phase: the unhoused, the homeless, private tenants in
// the labour force who can pay the rent neither from income nor from
// savings, informal adults who can afford formal housing, and residents in
// asylum reception (who leave it after their decision). Returns how
// many were listed.
std::size_t survey_tenure_plain(const TenureColumns& c, const TenureTests& tests, std::uint32_t begin,
                                std::uint32_t end, std::int64_t* residents, std::uint32_t* rows, std::uint64_t* ids);

// The same results, 32 agents at a time where the processor has AVX2.
std::size_t survey_tenure(const TenureColumns& c, const TenureTests& tests, std::uint32_t begin, std::uint32_t end,
                          std::int64_t* residents, std::uint32_t* rows, std::uint64_t* ids);

}  // namespace mobsim::models
