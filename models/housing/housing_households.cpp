#include "housing_households.hpp"

#include <algorithm>

namespace mobsim::models {

HouseholdHomes::HouseholdHomes(std::span<const std::uint32_t> household, std::span<const std::uint8_t> tenure,
                               std::span<const std::uint8_t> legal, std::span<const std::uint32_t> rows,
                               std::span<const std::uint32_t> also)
    : household_(household) {
  std::vector<std::uint32_t> wanted(also.begin(), also.end());
  for (const std::uint32_t r : rows)
    if (tenure[r] == code(Tenure::unhoused) || tenure[r] == code(Tenure::homeless) ||
        (tenure[r] == code(Tenure::reception) && legal[r] != code(LegalStatus::asylum_seeker)))
      wanted.push_back(household[r]);
  if (!wanted.empty()) members_ = rows_of_households(household, wanted);
}

const std::vector<std::uint32_t>* HouseholdHomes::members(std::uint32_t household) const {
  if (members_.empty() || household == kNoHousehold) return nullptr;
  const auto it = members_.find(household);
  return it == members_.end() ? nullptr : &it->second;
}

const std::vector<std::uint32_t>* HouseholdHomes::members_of(std::uint32_t r) const {
  return household_.empty() ? nullptr : members(household_[r]);
}

std::optional<Tenure> HouseholdHomes::housed_member_tenure(std::uint32_t r, std::span<const std::uint8_t> tenure,
                                                           std::span<const std::uint16_t> age) const {
  const auto* members = members_of(r);
  if (members == nullptr) return std::nullopt;
  const bool child = age[r] < kHousingAdultMonths;
  for (const std::uint32_t m : *members) {
    if (m == r) continue;
    const auto t = static_cast<Tenure>(tenure[m]);
    if (t == Tenure::formal_private || t == Tenure::social || t == Tenure::informal) return t;
    if (child && t == Tenure::reception && age[m] >= kHousingAdultMonths) return t;
  }
  return std::nullopt;
}

bool HouseholdHomes::adult_member_without_home(std::uint32_t r, std::span<const std::uint8_t> tenure,
                                               std::span<const std::uint16_t> age) const {
  const auto* members = members_of(r);
  if (members == nullptr) return false;
  for (const std::uint32_t m : *members)
    if (m != r && age[m] >= kHousingAdultMonths &&
        (tenure[m] == code(Tenure::homeless) || tenure[m] == code(Tenure::unhoused)))
      return true;
  return false;
}

void draw_household_tenures(const Rng& rng, AgentTable& a, std::size_t city, const HouseholdNumbers& numbers,
                            Column<std::uint32_t> household_column, Column<std::uint8_t> tenure_column,
                            const InitialTenureShares& s, Purpose by_agent, Purpose by_household) {
  const auto id = a.col(core::id);
  const auto employment = a.col(core::employment);
  const auto household = a.col(household_column);
  auto tenure = a.col(tenure_column);
  const auto n = static_cast<std::uint32_t>(a.size());
  thread_local HouseholdGroups groups;
  groups.reset(city, numbers);
  std::vector<std::uint32_t> group(n);
  std::vector<std::uint8_t> earning;
  for (std::uint32_t r = 0; r < n; ++r) {
    // A resident without a household number is a household of their own.
    group[r] = household[r] == kNoHousehold ? HouseholdGroups::kNone : groups.index(household[r]);
    if (group[r] == HouseholdGroups::kNone) continue;
    if (group[r] >= earning.size()) earning.resize(group[r] + 1, 0);
    earning[group[r]] |= static_cast<std::uint8_t>(employment[r] == code(Employment::employed));
  }
  const auto earns = [&](std::uint32_t r) {
    return group[r] == HouseholdGroups::kNone ? employment[r] == code(Employment::employed) : earning[group[r]] != 0;
  };
  std::size_t without_earner = 0;
  for (std::uint32_t r = 0; r < n; ++r) without_earner += !earns(r);
  const double p_homeless =
      without_earner > 0 ? std::min(1.0, s.homeless * n / static_cast<double>(without_earner)) : 0.0;
  const double housed = std::max(1e-12, 1.0 - s.homeless);
  for (std::uint32_t r = 0; r < n; ++r) {
    const Draw d = household[r] == kNoHousehold ? rng.agent(id[r], 0, by_agent)
                                                : rng.agent(household[r], 0, by_household);
    const double u = d.unit(1) * housed;
    tenure[r] = code(!earns(r) && d.unit(0) < p_homeless ? Tenure::homeless
                     : u < s.informal                     ? Tenure::informal
                     : u < s.informal + s.social          ? Tenure::social
                                                          : Tenure::formal_private);
  }
}

void children_follow(AgentTable& a, Column<std::uint32_t> household_column, Column<std::uint8_t> tenure_column,
                     std::span<const std::uint32_t> rows, Tenure t) {
  if (rows.empty()) return;
  const auto household = a.col(household_column);
  const auto age = a.col(core::age_months);
  auto tenure = a.col(tenure_column);
  std::vector<std::uint32_t> households;
  for (const std::uint32_t r : rows) households.push_back(household[r]);
  for (const auto& [h, members] : rows_of_households(household, households))
    for (const std::uint32_t m : members)
      if (age[m] < kHousingAdultMonths) tenure[m] = code(t);
}

}  // namespace mobsim::models
