// Stage (a): whether to consider moving. The hazard is base x age x income
// gap x capability x unemployment x ties abroad: aspirations (the income
// gap, the youth peak) and capabilities (savings against the cost of
// moving) both have to be there (Carling 2002; de Haas 2021).
#include <algorithm>
#include <cmath>

#include "migration_model.hpp"

namespace mobsim::models::migration {

// The relative hazard by age in months, tabulated once: a Gaussian around
// the peak age above a floor (Rogers & Castro migration schedules).
void BehaviouralMigration::build_age_factors() {
  for (int a = 0; a <= kMaxAgeMonths; ++a) {
    const double z = (a / 12.0 - p_.age_peak_years) / p_.age_spread_years;
    age_factor_.push_back(p_.age_floor + (1.0 - p_.age_floor) * std::exp(-z * z));
  }
}

// The agent considers moving when the opportunity's draw u falls in
// [p_return, p_return + (1 - p_return) p_consider): returning and
// considering are exclusive outcomes of one draw. Returns the log of the
// net income of staying (the logit's reference) if it does.
std::optional<double> BehaviouralMigration::log_stay_income_if_considering(const ChunkDecisions& c,
                                                                           const AgentDecision& agent, double u,
                                                                           double p_return) const {
  const StepTables& t = c.tables;
  const std::size_t i = c.city, b = agent.birth_country, countries = geography_.countries().size();
  const std::uint32_t r = agent.row;
  // The income of staying is tabulated by situation (step_tables.cpp): by
  // job segment for the employed, else by skill and status.
  std::size_t stay_key;
  const std::vector<double>* stay_logs;
  const std::vector<double>* stay_pows;
  if (c.employment[r] == code(Employment::employed) && c.job[r] != kNoJob) {
    stay_key = (i * t.segments + job_segment(c.job[r])) * kTenures + c.tenure[r];
    stay_logs = &t.stay_log_employed;
    stay_pows = &t.stay_pow_employed;
  } else {
    const std::size_t fq = c.skill[r] > 0 && b != c.country;
    stay_key = (((i * kSkillLevels + c.skill[r]) * 2 + fq) * kTenures + c.tenure[r]) * 2 +
               (c.legal[r] == code(LegalStatus::irregular));
    stay_logs = &t.stay_log_other;
    stay_pows = &t.stay_pow_other;
  }
  // exp(w * gap) with gap = log(best / stay) clamped to [0, log 30]:
  // max(1, exp(w * best) * stay^-w), at most 30^w.
  const double gap_factor = std::clamp(
      t.best_pow[(i * (countries + 1) + b) * kSkillLevels + c.skill[r]] * (*stay_pows)[stay_key], 1.0, c.gap_factor_max);
  double x = c.consider_base_hazard * age_factor_[std::min<int>(c.age[r], kMaxAgeMonths)] * gap_factor *
             std::clamp(c.savings[r] / typical_cost_[i], p_.capability_floor, 1.0);
  if (c.employment[r] == code(Employment::unemployed)) x *= p_.unemployed_multiplier;
  if (t.network_abroad[i * t.places + c.origin[r]]) x *= 1.0 + p_.network_tie_multiplier;
  // Since 1 - exp(-x) <= x, a draw at or above p_return + (1 - p_return) x
  // settles it without the exponential (most do).
  if (u < p_return || u >= p_return + (1.0 - p_return) * x) return std::nullopt;
  if (u >= p_return + (1.0 - p_return) * -std::expm1(-x)) return std::nullopt;
  return (*stay_logs)[stay_key];
}

}  // namespace mobsim::models::migration
