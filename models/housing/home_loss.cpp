#include "home_loss.hpp"

#include <algorithm>

#include "shared_state.hpp"

namespace mobsim::models {

bool home_that_can_be_lost(std::uint8_t tenure) {
  return tenure == code(Tenure::formal_private) || tenure == code(Tenure::social) || tenure == code(Tenure::informal);
}

double persons_lost_per_pick(std::span<const std::uint32_t> household, std::span<const std::uint8_t> tenure,
                             std::span<const std::uint8_t> employment, std::size_t city,
                             const HouseholdNumbers& numbers) {
  const std::size_t n = tenure.size();
  if (n == 0) return 0.0;
  thread_local HouseholdGroups groups;
  groups.reset(city, numbers);
  std::vector<std::uint32_t> group(n, HouseholdGroups::kNone);
  std::vector<std::uint32_t> housed;  // members in a home that can be lost, by group
  std::vector<std::uint8_t> earning;
  for (std::size_t r = 0; r < n; ++r) {
    if (household[r] == kNoHousehold) continue;
    const std::uint32_t g = group[r] = groups.index(household[r]);
    if (g >= housed.size()) {
      housed.resize(g + 1, 0);
      earning.resize(g + 1, 0);
    }
    housed[g] += home_that_can_be_lost(tenure[r]);
    earning[g] |= static_cast<std::uint8_t>(employment[r] == code(Employment::employed));
  }
  double persons = 0;
  for (std::size_t r = 0; r < n; ++r) {
    if (!home_that_can_be_lost(tenure[r])) continue;
    const std::uint32_t g = group[r];
    if (g == HouseholdGroups::kNone) {
      persons += employment[r] != code(Employment::employed);
    } else if (!earning[g]) {
      persons += housed[g];
    }
  }
  return persons / static_cast<double>(n);
}

double home_loss_picks_per_step(double homeless, double exit_per_step, double persons_per_pick) {
  if (!(persons_per_pick > 0) || !(homeless > 0)) return 0.0;
  return exit_per_step * homeless / persons_per_pick;
}

std::vector<std::uint32_t> pick_rows(const Rng& rng, std::uint32_t city, std::uint32_t step, Purpose purpose,
                                     double mean, std::uint32_t rows) {
  std::vector<std::uint32_t> picked;
  if (rows == 0) return picked;
  auto stream = rng.city_stream(city, step, purpose);
  const auto count = poisson(stream, mean);
  for (std::int64_t i = 0; i < count; ++i) {
    const double u = r123::u01<double>(static_cast<std::uint32_t>(stream()));
    picked.push_back(std::min(rows - 1, static_cast<std::uint32_t>(u * rows)));
  }
  return picked;
}

}  // namespace mobsim::models
