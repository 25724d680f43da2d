#pragma once
// The housing market's rules for households: a household shares its
// dwelling. Who a resident who needs a home can move in with, and the
// initial tenures drawn once per household (models/housing/housing_market.cpp
// places people; MODEL.md 7.3).
#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "agents.hpp"
#include "household_groups.hpp"
#include "rng.hpp"
#include "shared_state.hpp"

namespace mobsim::models {

inline constexpr int kHousingAdultMonths = 18 * 12;

// The members of some residents' households in one city (one pass over its
// rows), to find a housed member a resident can move in with.
class HouseholdHomes {
 public:
  HouseholdHomes() = default;
  // For the rows in `rows` that may need a home: the unhoused, the homeless
  // and those in reception who are no longer asylum seekers (not informal
  // residents who may upgrade, nor asylum seekers staying in reception).
  // The members of the households in `also` are found in the same pass.
  HouseholdHomes(std::span<const std::uint32_t> household, std::span<const std::uint8_t> tenure,
                 std::span<const std::uint8_t> legal, std::span<const std::uint32_t> rows,
                 std::span<const std::uint32_t> also = {});

  // The rows of a household in the city, ascending (null if it was not asked for).
  const std::vector<std::uint32_t>* members(std::uint32_t household) const;

  // The tenure of the first member of r's household (in row order, other
  // than r) in formal private, social or informal housing; none if no member
  // is housed there (provided housing is for its holder alone). A child
  // also joins an adult of the household in asylum reception.
  std::optional<Tenure> housed_member_tenure(std::uint32_t r, std::span<const std::uint8_t> tenure,
                                             std::span<const std::uint16_t> age) const;
  // Whether r's household has another adult member in the city who is
  // homeless or not yet placed.
  bool adult_member_without_home(std::uint32_t r, std::span<const std::uint8_t> tenure,
                                 std::span<const std::uint16_t> age) const;

 private:
  const std::vector<std::uint32_t>* members_of(std::uint32_t r) const;
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> members_;
  std::span<const std::uint32_t> household_;
};

// A city's shares of residents by kind of housing at the start.
struct InitialTenureShares {
  double social, informal, homeless;
};

// Each household of one city starts in one kind of housing, drawn once for
// it (keyed by its number with `by_household`; a resident without one by
// their id with `by_agent`). The homeless are households without anyone in
// work, drawn among those with the probability that makes the city's share
// of homeless residents its data's; the others informal, social or private
// by the city's shares of the rest.
void draw_household_tenures(const Rng& rng, AgentTable& a, std::size_t city, const HouseholdNumbers& numbers,
                            Column<std::uint32_t> household, Column<std::uint8_t> tenure,
                            const InitialTenureShares& shares, Purpose by_agent, Purpose by_household);

// The children of the households of `rows` take tenure `t` (they live where
// their household's adults do).
void children_follow(AgentTable& a, Column<std::uint32_t> household, Column<std::uint8_t> tenure,
                     std::span<const std::uint32_t> rows, Tenure t);

}  // namespace mobsim::models
