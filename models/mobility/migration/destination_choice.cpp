// Stage (b): where to, for someone considering a move. A multinomial logit
// over the reachable cities and staying; utilities are relative to staying,
// income as a log ratio and distance per 100 km, so that staying is the
// reference every destination is weighed against.
#include <algorithm>
#include <cmath>

#include "migration_model.hpp"

namespace mobsim::models::migration {

// What is open to this agent into j. Citizenship, an internal move and free
// movement open every door; otherwise each channel has its own chance.
ChannelOdds BehaviouralMigration::access(const World& world, const StepTables& t, std::size_t i, std::size_t j,
                                         std::size_t nat, std::uint16_t origin, int skill, int age_months) const {
  ChannelOdds acc;
  const std::size_t n = t.cities;
  const bool legal = legal_open_[i * n + j];
  if (legal) {
    const bool same_country = geography_.city(i).country_index == geography_.city(j).country_index;
    if (same_country || nat == geography_.city(j).country_index || world.fields().at(free_, j)[nat] > 0) {
      acc.citizen_or_free = true;
      return acc;
    }
    acc.family = t.family[origin * n + j];
    acc.work = std::min(1.0, world.fields().at(visa_, j)[static_cast<std::size_t>(skill)] * visa_multiplier_[i * n + j]);
    acc.pathway = static_cast<std::uint8_t>(world.fields().at(pathway_, j)[i * kSkillLevels + static_cast<std::size_t>(skill)]);
    if (age_months < study_max_age_months_ && skill > 0) acc.study = world.fields().at(study_, j)[0];
  }
  if (irregular_open_[i * n + j]) acc.irregular = p_.irregular_willingness;
  return acc;
}

// The city chosen (i: stays). Keeps each destination's channel odds in
// c.options: the channel choice (channels.cpp) draws from the same odds the
// utility anticipated.
std::size_t BehaviouralMigration::choose_destination(ChunkDecisions& c, const AgentDecision& agent,
                                                     double log_stay) const {
  const StepTables& t = c.tables;
  const std::size_t i = c.city, n = t.cities, b = agent.birth_country, countries = geography_.countries().size();
  const std::uint32_t r = agent.row;
  const std::uint16_t origin = c.origin[r];
  const int skill = c.skill[r];
  const double stay = std::exp(log_stay);
  for (std::size_t j = 0; j < n; ++j) {
    if (j == i) {
      c.utility[j] = p_.stay_constant + (geography_.city(i).country_index == b ? p_.home_bonus : 0.0);
      continue;
    }
    c.options[j] = access(c.world, t, i, j, agent.nationality, origin, skill, c.age[r]);
    const double reachable = c.options[j].any();
    if (reachable <= 0) {
      c.utility[j] = kMinusInfinity;
      continue;
    }
    const bool fq = skill > 0 && b != geography_.city(j).country_index;
    const bool abroad = geography_.city(j).country_index != geography_.city(i).country_index;
    const double cost = travel_cost(i, j) * t.cost_factor[origin * n + j];
    c.utility[j] = p_.move_constant + t.size_term[j] +
                   p_.income_weight * (t.log_income[(j * kSkillLevels + static_cast<std::size_t>(skill)) * 2 + fq] - log_stay) +
                   t.network_term[origin * n + j] -
                   distance_term_[i * n + j] -
                   p_.cost_weight * cost / stay + (abroad ? p_.international_constant : 0.0) +
                   (b < countries ? p_.language_bonus * language_[b * n + j] + p_.colonial_bonus * colonial_[b * n + j]
                                  : 0.0) +
                   (geography_.city(j).country_index == b ? p_.home_bonus : 0.0) +
                   (reachable < 1.0 ? p_.access_weight * std::log(reachable) : 0.0);  // log 1 = 0
  }
  c.chooser.set_utilities(c.utility);
  return c.chooser.choose(agent.draw.unit(2));
}

}  // namespace mobsim::models::migration
