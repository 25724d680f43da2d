// What every decision of a step reads from the other models (wages,
// unemployment, rents, diasporas), tabulated once per step by city, origin,
// nationality and skill, so that the decision loop looks values up instead
// of computing logs and powers per agent.
#include <algorithm>
#include <cmath>

#include "migration_model.hpp"

namespace mobsim::models::migration {

StepTables BehaviouralMigration::build_tables(const World& world) const {
  StepTables t;
  const std::size_t n = world.city_count();
  const std::size_t countries = geography_.countries().size();
  t.cities = n;
  t.places = 2 * n + 1;
  t.nationalities = countries + 1;
  t.log_income.assign(n * kSkillLevels * 2, 0.0);
  for (std::size_t j = 0; j < n; ++j)
    for (int s = 0; s < kSkillLevels; ++s)
      for (int fq = 0; fq < 2; ++fq) t.log_income[(j * kSkillLevels + static_cast<std::size_t>(s)) * 2 + static_cast<std::size_t>(fq)] =
          std::log(newcomer_income(world, j, s, fq == 1));
  t.size_term.resize(n);
  for (std::size_t j = 0; j < n; ++j)
    t.size_term[j] = p_.size_weight * std::log(std::max(1.0, static_cast<double>(world.agents(j).size()) *
                                                               static_cast<double>(world.people_per_agent())) /
                                               1.0e6);
  t.best_elsewhere.assign(n * (countries + 1) * kSkillLevels, kMinusInfinity);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t b = 0; b <= countries; ++b)
      for (int s = 0; s < kSkillLevels; ++s) {
        double best = kMinusInfinity;
        for (std::size_t j = 0; j < n; ++j) {
          if (j == i || (!legal_open_[i * n + j] && !irregular_open_[i * n + j])) continue;
          const bool fq = s > 0 && b != geography_.city(j).country_index;
          best = std::max(best, t.log_income[(j * kSkillLevels + static_cast<std::size_t>(s)) * 2 + fq]);
        }
        t.best_elsewhere[(i * (countries + 1) + b) * kSkillLevels + static_cast<std::size_t>(s)] = best;
      }
  t.network_term.assign(t.places * n, 0.0);
  t.family.assign(t.places * n, 0.0);
  t.cost_factor.assign(t.places * n, 1.0);
  t.network_abroad.assign(n * t.places, false);
  for (std::size_t j = 0; j < n; ++j) {
    const auto d = world.fields().at(diaspora_, j);
    const auto settled = world.fields().at(settled_, j);
    for (std::size_t o = 0; o < t.places; ++o) {
      t.network_term[o * n + j] = p_.network_weight * std::log1p(d[o] / 1000.0);
      t.family[o * n + j] = p_.family_max_probability * settled[o] / (settled[o] + p_.family_half_persons);
      t.cost_factor[o * n + j] = 1.0 - p_.network_cost_reduction * d[o] / (d[o] + p_.network_half_persons);
    }
  }
  build_stay_tables(world, t);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t o = 0; o < t.places; ++o)
      for (std::size_t j = 0; j < n && !t.network_abroad[i * t.places + o]; ++j)
        t.network_abroad[i * t.places + o] = j != i && geography_.city(j).country_index != geography_.city(i).country_index &&
                                             world.fields().at(diaspora_, j)[o] > 0 && o != geography_.city_place(j) &&
                                             o != geography_.hinterland_place(j);
  return t;
}

// Expected monthly income of a newcomer to city j after rent and living
// costs, floored at a share of the lowest wage (informal support).
double BehaviouralMigration::newcomer_income(const World& world, std::size_t j, int s, bool foreign_qualification) const {
  const auto hire = world.fields().at(skill_wage_, j);
  const auto u = world.fields().at(unemployment_, j);
  const double penalty = foreign_qualification ? world.fields().at(penalty_, j)[0] : 0.0;
  const auto su = static_cast<std::size_t>(s);
  const double wage = (1.0 - penalty) * hire[su] + penalty * hire[0];
  const double unemployed = (1.0 - penalty) * u[su] + penalty * u[0];
  // A newcomer out of work draws no unemployment benefit before the
  // contribution period has passed (the budget's rule): counted only where
  // there is none.
  const double benefit = world.fields().at(contribution_, j)[0] > 0 ? 0.0 : world.fields().at(benefit_, j)[0];
  const double income = (1.0 - unemployed) * wage + unemployed * benefit - world.fields().at(rent_, j)[0] -
                        world.fields().at(living_, j)[0];
  return std::max(income, p_.income_floor_share * hire[0]);
}

// Net monthly income of staying (after rent and living costs, floored
// likewise) for every situation an agent can be in, so that the decision
// loop looks it up instead of computing logs and powers per agent.
void BehaviouralMigration::build_stay_tables(const World& world, StepTables& t) const {
  const std::size_t n = t.cities;
  t.segments = wage_.width;
  t.stay_log_employed.assign(n * t.segments * kTenures, 0.0);
  t.stay_pow_employed.assign(n * t.segments * kTenures, 0.0);
  t.stay_log_other.assign(n * kSkillLevels * 2 * kTenures * 2, 0.0);
  t.stay_pow_other.assign(t.stay_log_other.size(), 0.0);
  t.best_pow.assign(t.best_elsewhere.size(), 0.0);
  for (std::size_t k = 0; k < t.best_elsewhere.size(); ++k)
    t.best_pow[k] = std::exp(p_.income_gap_weight * t.best_elsewhere[k]);
  for (std::size_t i = 0; i < n; ++i) {
    const auto wage = world.fields().at(wage_, i);
    const auto skill_wage = world.fields().at(skill_wage_, i);
    const auto u = world.fields().at(unemployment_, i);
    const auto rent = world.fields().at(rent_, i);
    const double living = world.fields().at(living_, i)[0];
    const double benefit = world.fields().at(benefit_, i)[0];
    const double penalty_here = world.fields().at(penalty_, i)[0];
    const double floor = p_.income_floor_share * skill_wage[0];
    auto rent_of = [&](std::size_t tenure) { return tenure >= 1 && tenure <= 3 ? rent[tenure - 1] : 0.0; };
    auto store = [&](std::vector<double>& logs, std::vector<double>& pows, std::size_t k, double income) {
      const double y = std::max(income, floor);
      logs[k] = std::log(y);
      pows[k] = std::pow(y, -p_.income_gap_weight);
    };
    for (std::size_t seg = 0; seg < t.segments; ++seg)
      for (std::size_t tenure = 0; tenure < kTenures; ++tenure)
        store(t.stay_log_employed, t.stay_pow_employed, (i * t.segments + seg) * kTenures + tenure,
              wage[seg] - rent_of(tenure) - living);
    for (int s = 0; s < kSkillLevels; ++s)
      for (int fq = 0; fq < 2; ++fq)
        for (std::size_t tenure = 0; tenure < kTenures; ++tenure)
          for (int irregular = 0; irregular < 2; ++irregular) {
            const double penalty = fq && s > 0 ? penalty_here : 0.0;
            const auto su = static_cast<std::size_t>(s);
            const double unemployed = (1.0 - penalty) * u[su] + penalty * u[0];
            const double income = (1.0 - unemployed) * ((1.0 - penalty) * skill_wage[su] + penalty * skill_wage[0]) +
                                  unemployed * (irregular ? 0.0 : benefit);
            store(t.stay_log_other, t.stay_pow_other,
                  (((i * kSkillLevels + su) * 2 + static_cast<std::size_t>(fq)) * kTenures + tenure) * 2 +
                      static_cast<std::size_t>(irregular),
                  income - rent_of(tenure) - living);
          }
  }
}

}  // namespace mobsim::models::migration
