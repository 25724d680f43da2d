#pragma once
// The labour market's stationary start: the flows of the labour force that
// the city data imply in the first months (entry at the entry age,
// separations, ageing out of youth, retirement), and what keeps the
// unemployment rates where the data start them: the hires per skill level
// (which set the vacancies at the start) and how much more (or less)
// readily employers hire a job seeker aged 15-24 than an older one. That
// weight is derived for each city: Germany's apprenticeships (young seekers
// placed faster than older ones) and South Africa's youth unemployment
// (placed far slower) are then both what the data say, without one factor
// for every city.
#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "agents.hpp"
#include "shared_state.hpp"
#include "world.hpp"

namespace mobsim::models {

using BySkill = std::array<double, kSkillLevels>;

// One city at the start, in agents, and its expected flows per step, by
// the skill level of the job held or searched at. "Young" is aged 15-24
// (the youth unemployment rate's ages).
struct StartFlows {
  BySkill seekers{}, young_seekers{};
  BySkill employed{}, young_employed{};
  BySkill separations{}, young_separations{};  // expected separations per step
  BySkill entrants{};                          // joining the labour force (as seekers) per step
  BySkill young_unemployed_ageing_out{};       // seekers turning 25 per step (seekers still, no longer young)
  BySkill young_employed_ageing_out{};
  BySkill unemployed_retiring{}, employed_retiring{};
};

// What counting the start needs from the labour market.
struct StartFlowRules {
  Column<std::uint8_t> job;                   // the job column (kJobColumn)
  std::vector<double> separation_probability;  // per step, by sector
  int entry_months = 0, retirement_months = 0;
  int step_months = 1;
  std::vector<double> participation;  // by city: share of an entering cohort that joins the labour force
};

// The skill level a seeker searches at (row of city's table).
using SearchLevel = std::function<int(std::size_t city, const AgentTable& agents, std::uint32_t row)>;

// Each city's labour force at the start by age and skill level (the job's
// for workers, the level searched at for seekers, their own for entrants),
// and its expected flows per step: entrants from the five cohorts below the
// entry age, ageing out of youth from those aged 20-24, retirement from
// those aged 60-64, each cohort spread evenly over its five years (the age
// profiles' 5-year groups are uniform within). Sums in chunk order.
std::vector<StartFlows> count_start_flows(const World& world, const StartFlowRules& rules, const SearchLevel& level);

// Hires per step at skill level s that keep its unemployment rate constant:
// dU / U = dL / L with dU = N + S - H - R_U and dL = N - R_U - R_E.
double stationary_hires(const StartFlows& f, int s);

// Seekers in the pool at hiring time (the step's separations and entrants
// have joined those at the start), all and young, at skill level s.
double matching_pool(const StartFlows& f, int s);
double young_matching_pool(const StartFlows& f, int s);

// Youth hires per step at which the young's unemployment rate changes at
// the same relative pace as the total rate (so their ratio stays put), at
// the stationary hires: H_y = N + S_y - A_U - U_y (dL_y / L_y + dU / U -
// dL / L), with dL_y = N - A_U - A_E (totals over skill levels).
double stationary_youth_hires(const StartFlows& f);

// The weight w of young seekers (older ones 1) whose expected youth hires,
// sum_s H_s w Y_s / (U_s - Y_s + w Y_s) over the matching pools, equal
// stationary_youth_hires; found by bisection (the sum rises with w) within
// [min_weight, max_weight]; 1 where the city has no young or no older seekers.
double youth_hiring_weight(const StartFlows& f, double min_weight, double max_weight);

}  // namespace mobsim::models
