// Return migration: migrants go home with their own hazard (the
// target-saver model: higher when unemployed or once savings meet a target,
// and highest just after arrival), and must when a permit ended or a claim
// was refused (return_due, set by the legal status model).
#include <algorithm>
#include <cmath>

#include "migration_model.hpp"

namespace mobsim::models::migration {

// A return incentive (return support policies) counts towards a target
// saver's savings, and so brings returns forward.
double BehaviouralMigration::return_incentive(const ChunkDecisions& c, const AgentDecision& agent) const {
  return agent.migrant ? c.world.fields().at(incentive_, c.city)[agent.home] : 0.0;
}

// Probability that a migrant returns home this step: highest just after
// arrival, decaying with the stay to a settled level (residents present at
// the start count as settled); higher for the unemployed and for recent
// migrants who met their savings target.
double BehaviouralMigration::return_probability(const World& world, std::size_t i, std::uint16_t arrived,
                                                bool unemployed, float savings) const {
  const double years = (world.step() - arrived) * clock_.step_months / 12.0;
  const bool recent = arrived > 0;
  double h = p_.return_hazard_per_year *
             (recent ? std::max(p_.settled_return_factor, std::exp(-years / p_.return_decay_years))
                     : p_.settled_return_factor);
  if (unemployed) h *= p_.return_unemployed_multiplier;
  if (recent && savings >= p_.savings_target_months * world.fields().at(living_, i)[0]) h *= p_.return_target_multiplier;
  return -std::expm1(-h * years_per_step());
}

// Goes home, if it can: a decision to return is not replaced by a move
// elsewhere, so a migrant who cannot leave now stays until a later
// opportunity.
void BehaviouralMigration::return_home(ChunkDecisions& c, const AgentDecision& agent, double incentive) const {
  const std::size_t i = c.city, home = agent.home, n = c.tables.cities;
  const std::uint32_t r = agent.row;
  if (!border_open(c.world, agent.id, i, home)) return;  // stranded while borders are closed
  if (home == n) {  // born in the rest of the world: leaves the model
    c.leaving.push_back(r);
    c.returns += 1;
    return;
  }
  if (!legal_open_[i * n + home] && !irregular_open_[i * n + home]) return;  // corridor closed
  if (c.savings[r] + incentive < travel_cost(i, home) && !c.return_due[r]) return;  // cannot afford it yet
  if (const double programme = c.world.fields().at(return_programme_, i)[home]; programme > 0) {
    c.savings[r] = static_cast<float>(c.savings[r] + incentive);
    c.agents.col(*supported_)[r] = static_cast<std::uint8_t>(programme);
  }
  settle(c.world, c.agents, r, home, kReturn, agent.nationality, agent.draw, c.moves);
  c.returns += 1;
}

}  // namespace mobsim::models::migration
