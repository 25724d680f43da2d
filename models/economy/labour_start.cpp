#include "labour_start.hpp"

#include <algorithm>

#include "parallel.hpp"

namespace mobsim::models {

namespace {

double total(const BySkill& x) {
  double sum = 0;
  for (double v : x) sum += v;
  return sum;
}

// Expected youth hires at weight w.
double youth_hires(const StartFlows& f, double w) {
  double hires = 0;
  for (int s = 0; s < kSkillLevels; ++s) {
    const double pool = matching_pool(f, s), young = young_matching_pool(f, s);
    const double weighted = pool - young + w * young;
    if (weighted > 0) hires += stationary_hires(f, s) * w * young / weighted;
  }
  return hires;
}

}  // namespace

std::vector<StartFlows> count_start_flows(const World& world, const StartFlowRules& rules, const SearchLevel& level) {
  const auto chunks = make_chunks(world);
  const double per_step = rules.step_months / 60.0;
  const int entry = rules.entry_months, retirement = rules.retirement_months;
  std::vector<StartFlows> per_chunk(chunks.size());
  parallel_for_chunks(chunks, [&](std::size_t i, const Chunk& ch) {
    const AgentTable& a = world.agents(ch.city);
    const auto age = a.col(core::age_months);
    const auto skill = a.col(core::skill);
    const auto employment = a.col(core::employment);
    const auto job = a.col(rules.job);
    StartFlows& t = per_chunk[i];
    for (std::uint32_t r = ch.begin; r < ch.end; ++r) {
      const int months = age[r];
      if (months >= entry - 60 && months < entry) t.entrants[skill[r]] += 1;  // scaled below
      if (employment[r] == code(Employment::inactive)) continue;
      const double young = months < 25 * 12, leaving_youth = months >= 20 * 12 && months < 25 * 12;
      const double retiring = months >= retirement - 60 && months < retirement;
      if (employment[r] == code(Employment::employed)) {
        const auto s = static_cast<std::size_t>(job_skill(job[r]));
        const double p = rules.separation_probability[job_sector(job[r])];
        t.employed[s] += 1;
        t.young_employed[s] += young;
        t.separations[s] += p;
        t.young_separations[s] += young * p;
        t.young_employed_ageing_out[s] += leaving_youth;
        t.employed_retiring[s] += retiring;
      } else {
        const auto s = static_cast<std::size_t>(level(ch.city, a, r));
        t.seekers[s] += 1;
        t.young_seekers[s] += young;
        t.young_unemployed_ageing_out[s] += leaving_youth;
        t.unemployed_retiring[s] += retiring;
      }
    }
  });
  std::vector<StartFlows> flows(world.city_count());
  const auto add = [](BySkill& to, const BySkill& from, double scale) {
    for (int s = 0; s < kSkillLevels; ++s) to[s] += scale * from[s];
  };
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    StartFlows& f = flows[chunks[i].city];
    const StartFlows& k = per_chunk[i];
    add(f.seekers, k.seekers, 1.0);
    add(f.young_seekers, k.young_seekers, 1.0);
    add(f.employed, k.employed, 1.0);
    add(f.young_employed, k.young_employed, 1.0);
    add(f.separations, k.separations, 1.0);
    add(f.young_separations, k.young_separations, 1.0);
    add(f.entrants, k.entrants, per_step * rules.participation[chunks[i].city]);
    add(f.young_unemployed_ageing_out, k.young_unemployed_ageing_out, per_step);
    add(f.young_employed_ageing_out, k.young_employed_ageing_out, per_step);
    add(f.unemployed_retiring, k.unemployed_retiring, per_step);
    add(f.employed_retiring, k.employed_retiring, per_step);
  }
  return flows;
}

double stationary_hires(const StartFlows& f, int s) {
  const auto i = static_cast<std::size_t>(s);
  const double labour_force = f.seekers[i] + f.employed[i];
  const double leaving_seekers = f.unemployed_retiring[i];
  const double d_labour_force = f.entrants[i] - leaving_seekers - f.employed_retiring[i];
  const double keep_rate = labour_force > 0 ? f.seekers[i] * d_labour_force / labour_force : 0.0;
  return std::max(0.0, f.entrants[i] + f.separations[i] - leaving_seekers - keep_rate);
}

double matching_pool(const StartFlows& f, int s) {
  const auto i = static_cast<std::size_t>(s);
  return f.seekers[i] + f.separations[i] + f.entrants[i];
}

double young_matching_pool(const StartFlows& f, int s) {
  const auto i = static_cast<std::size_t>(s);
  return f.young_seekers[i] + f.young_separations[i] + f.entrants[i];
}

double stationary_youth_hires(const StartFlows& f) {
  const double unemployed = total(f.seekers), young_unemployed = total(f.young_seekers);
  const double labour_force = unemployed + total(f.employed);
  const double young_labour_force = young_unemployed + total(f.young_employed);
  if (unemployed <= 0 || labour_force <= 0 || young_labour_force <= 0) return 0.0;
  double hires = 0;
  for (int s = 0; s < kSkillLevels; ++s) hires += stationary_hires(f, s);
  const double entrants = total(f.entrants), ageing_out = total(f.young_unemployed_ageing_out);
  const double d_unemployed = entrants + total(f.separations) - hires - total(f.unemployed_retiring);
  const double d_labour_force = entrants - total(f.unemployed_retiring) - total(f.employed_retiring);
  const double d_young_labour_force = entrants - ageing_out - total(f.young_employed_ageing_out);
  const double drift = d_young_labour_force / young_labour_force + d_unemployed / unemployed - d_labour_force / labour_force;
  return entrants + total(f.young_separations) - ageing_out - young_unemployed * drift;
}

double youth_hiring_weight(const StartFlows& f, double min_weight, double max_weight) {
  const double young = total(f.young_seekers), older = total(f.seekers) - young;
  if (young <= 0 || older <= 0) return 1.0;
  const double target = stationary_youth_hires(f);
  double lo = min_weight, hi = max_weight;
  if (youth_hires(f, lo) >= target) return lo;
  if (youth_hires(f, hi) <= target) return hi;
  for (int i = 0; i < 60; ++i) {
    const double mid = 0.5 * (lo + hi);
    (youth_hires(f, mid) < target ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace mobsim::models
