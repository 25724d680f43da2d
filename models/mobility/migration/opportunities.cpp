// When an agent gets to decide. Decision opportunities arrive with a
// per-step probability that bounds the chance to return or consider moving
// of every agent of the same age band and kind (born here or a migrant);
// each is then accepted with the agent's actual probabilities (thinning).
// Exact, and most agents are skipped without a draw. The age factor is
// bounded per band of ages, so that agents far from the peak age get fewer
// opportunities to reject.
#include <algorithm>
#include <cmath>

#include "decision_kernel.hpp"
#include "migration_model.hpp"

namespace mobsim::models::migration {

void BehaviouralMigration::build_opportunity_bands() {
  const double dt = years_per_step();
  band_months_ = std::max(kDecisionBandYears * 12, clock_.step_months);
  const double consider_without_age = p_.consider_hazard_per_year * dt *
                                      std::pow(kMaxIncomeGapRatio, p_.income_gap_weight) * p_.unemployed_multiplier *
                                      (1.0 + p_.network_tie_multiplier);
  const double return_max =
      p_.return_hazard_per_year * dt * p_.return_unemployed_multiplier * p_.return_target_multiplier;
  for (int band = 0; band * band_months_ <= kMaxAgeMonths; ++band) {
    double age_max = 0;
    for (int a = band * band_months_; a < (band + 1) * band_months_ && a <= kMaxAgeMonths; ++a)
      age_max = std::max(age_max, age_factor_[static_cast<std::size_t>(a)]);
    const double consider_max = consider_without_age * age_max;
    for (const bool migrant : {false, true}) {
      const double q = -std::expm1(-(consider_max + (migrant ? return_max : 0.0)));
      opportunity_[migrant].push_back(q);
      wait_scale_[migrant].push_back(1.0 / std::log1p(-q));
    }
  }
}

// The agent's next check after `step`: a geometric wait (uniform u) at its
// band's opportunity probability, flagged as an opportunity if it falls
// within the band of ages, else the first step of the next band (where the
// bound changes).
std::uint16_t BehaviouralMigration::schedule(std::uint32_t step, int age, bool migrant, double u) const {
  const int capped = std::min(age, kMaxAgeMonths);
  const int band = capped / band_months_;
  const int left_in_band = ((band + 1) * band_months_ - 1 - capped) / clock_.step_months;
  const double wait = std::floor(std::log(u) * wait_scale_[migrant][static_cast<std::size_t>(band)]);
  if (wait + 1 <= left_in_band)
    return static_cast<std::uint16_t>(std::min<double>(step + 1 + wait, kScheduledStep) + kOpportunityFlag);
  return static_cast<std::uint16_t>(std::min<std::uint32_t>(step + 1 + static_cast<std::uint32_t>(left_in_band),
                                                            kScheduledStep));
}

// A decision opportunity now? Scheduled ones are, and so is an order to
// leave; unscheduled agents (new, just arrived, just come of age) and those
// entering a new band of ages get one with the band's per-step probability.
// Whenever the check was due, the next one is scheduled a geometric number
// of steps ahead.
bool BehaviouralMigration::has_opportunity_now(ChunkDecisions& c, const AgentDecision& agent) const {
  const std::uint32_t r = agent.row;
  bool now = c.return_due[r] != 0;
  if ((c.next[r] & kScheduledStep) <= c.step) {
    const bool scheduled = c.next[r] == (c.step | kOpportunityFlag);
    now = now || scheduled || agent.draw.unit(0) < agent.opportunity;  // a band check, a missed or no schedule: afresh
    c.next[r] = schedule(c.step, c.age[r], agent.migrant, agent.draw.unit(3));
  }
  return now;
}

}  // namespace mobsim::models::migration
