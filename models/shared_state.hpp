#pragma once
// The names of the agent columns and per-city fields the models share, and
// the small codes stored in them. Who owns, writes and reads each one is
// declared in each model's ModelInfo::state (sim/engine/state.hpp), checked by the
// engine, and listed in docs/STATE.md; `mobsim plan` prints the order.
#include <cstdint>
#include <string>
#include <vector>

#include "rng.hpp"
#include "scenario.hpp"

namespace mobsim::models {

inline constexpr int kSkillLevels = 3;  // Skill::low, medium, high

// ---- agent columns -------------------------------------------------------
// New agents start with every column zero, so zero always means "none".
// labour: the job held, 1 + sector * kSkillLevels + skill level of the job
// (which can be below the agent's own when a foreign qualification is not
// recognised); kNoJob when not employed.
inline const std::string kJobColumn = "job";
inline constexpr std::uint8_t kNoJob = 0;
inline constexpr std::size_t kJobCodes = 256;  // every value of the one-byte job column
// budget: savings (EUR, never negative). This month's income is not stored:
// it follows from the budget's rules (models/economy/income_rule.hpp).
inline const std::string kSavingsColumn = "savings_eur";
// housing: Tenure below.
inline const std::string kTenureColumn = "tenure";
// legal status: citizenship (0: of the country of birth; k + 1: naturalised
// in country k), the step a permit expires or an asylum decision is due
// (0: none), the step of arrival in the current city (0: present since the
// start or since birth or arrival from the hinterland; set by the models that
// bring people in from elsewhere), and whether the agent must leave (a permit
// ended without renewal, an asylum claim was refused).
inline const std::string kCitizenshipColumn = "citizenship";
inline const std::string kPermitEndColumn = "permit_end_step";
inline const std::string kArrivalColumn = "arrival_step";
inline const std::string kReturnDueColumn = "return_due";
// migration: 1 + the city an irregular migrant waiting in a transit hub is
// heading to; kNotInTransit otherwise.
inline const std::string kTransitColumn = "transit_destination";
inline constexpr std::uint16_t kNotInTransit = 0;

// circular schemes: 0 none; k + 1 while a participant of scheme k (from
// recruitment to return); kSchemeReturning during the step of the return.
// Migration decisions leave participants alone.
inline const std::string kSchemeColumn = "circular_scheme";
inline constexpr std::uint8_t kSchemeReturning = 0xFF;
// legal pathways: an application filed by a migration decision this step,
// 1 + pathway index (0 none), and the city applied to; the pathway model
// admits applicants up to its quota in the same step.
inline const std::string kPathwayApplicationColumn = "pathway_application";
inline const std::string kPathwayDestinationColumn = "pathway_destination";
// return support: 1 from a supported return until the returnee's arrival
// home has been handled by the return-support model.
inline const std::string kSupportedReturnColumn = "supported_return";

// provided: housing an employer or a policy provides (circular schemes to
// their participants, legal pathways to the admitted for their first
// months), outside the city's housing market (its capacity and rents).
// reception: an asylum seeker's place in the reception system (and their
// children's), in kind and free, outside the market, until the decision.
enum class Tenure : std::uint8_t {
  unhoused = 0,
  formal_private = 1,
  social = 2,
  informal = 3,
  homeless = 4,
  provided = 5,
  reception = 6
};
inline constexpr std::size_t kTenureCodes = 7;

// ---- per-city fields ------------------------------------------------------
// labour: jobs (filled or vacant, in agents) and their wage by sector and
// skill level [K * 3]; by skill level of the job seeker [3]: unemployment
// rate, monthly probability of finding a job and mean wage of a job;
// probability that a foreign qualification is not recognised [1].
inline const std::string kJobsField = "jobs";
inline const std::string kWageField = "wage_eur_per_month";
inline const std::string kUnemploymentRateField = "unemployment_rate_by_skill";
inline const std::string kJobFindingField = "job_finding_rate_by_skill";
inline const std::string kSkillWageField = "skill_wage_eur_per_month_by_skill";
inline const std::string kRecognitionPenaltyField = "recognition_penalty";
// housing: rent per person by tenure [formal_private, social, informal].
inline const std::string kRentField = "rent_eur_per_person_month";
// budget: monthly unemployment benefit, old-age income, living cost [1 each].
inline const std::string kBenefitField = "unemployment_benefit_eur_per_month";
inline const std::string kPensionField = "pension_eur_per_month";
inline const std::string kLivingCostField = "living_cost_eur_per_month";
// housing: what a resident pays for housing an employer or a policy
// (circular schemes, legal pathways) provides in this city, per month [1]
// (0 where none provides any); set by those policies while initialising.
inline const std::string kProvidedHousingCostField = "provided_housing_cost_eur_per_month";
// budget: an asylum seeker's monthly reception allowance [1], and the
// contribution period before unemployment benefit, in steps [1].
inline const std::string kAsylumAllowanceField = "asylum_allowance_eur_per_month";
inline const std::string kBenefitContributionField = "benefit_contribution_steps";
// remittances: informal jobs that the remittances received support at
// their yearly rate [1], in agents (the labour market keeps that many); remittances received and saved per adult resident [1], EUR, which
// the budget adds to savings with the next month's income.
inline const std::string kRemittanceJobsField = "remittance_jobs";
inline const std::string kRemittanceSavingsField = "remittance_savings_per_adult_eur";
// networks: residents by place of birth [places], and those settled for the
// qualifying stay of family reunification [places], in persons.
inline const std::string kDiasporaField = "diaspora_persons";
inline const std::string kSettledDiasporaField = "settled_diaspora_persons";
// legal status: the length of a work, family or study permit, in steps [1]
// (one owner for `legal.work_permit_years`; every model granting such a
// permit reads it here).
inline const std::string kWorkPermitStepsField = "work_permit_steps";
// labour: the age at which workers leave the labour force, in months [1]
// (one owner for `labour.retirement_age_years`; the budget pays old-age
// income from it).
inline const std::string kRetirementAgeField = "retirement_age_months";
// labour: the age from which young people may join the labour force, in
// months [1] (one owner for `labour.entry_age_years`; job programmes hire
// from it).
inline const std::string kLabourEntryAgeField = "labour_entry_age_months";
// labour: the share of residents of working age who take part in the labour
// force [1] (from the city's employment and unemployment rates; set once,
// when the world is built); newcomers take part with it.
inline const std::string kParticipationField = "labour_force_participation";
// budget: the age from which agents have a budget of their own, in months
// [1] (one owner for `budget.adult_age_years`; remittances count adults
// from it).
inline const std::string kAdultAgeField = "adult_age_months";
// legal status: for each nationality (countries of the world, then "other"),
// whether free movement into the city's country applies [nationalities].
inline const std::string kFreeMovementField = "free_movement_open";

// labour: open jobs by sector and skill after this step's hiring [K * 3];
// jobs created by policies since the labour model last ran [K * 3] (writers
// add, the labour model adds them to its jobs and sets them back to zero).
inline const std::string kVacanciesField = "vacancies_by_segment";
inline const std::string kJobsAddedField = "jobs_added_by_policies";

// ---- policy fields -------------------------------------------------------
// The levers through which instruments act (border closures, demand shocks,
// recognition, undocumented residents' access, housing programmes, legal
// pathways, return support) are in levers.hpp. Whether a given undocumented resident is among those with
// access to services (the same people every step): this uniform draw below
// the access share.
inline double service_access_draw(const Rng& rng, std::uint64_t agent_id) {
  return rng.agent(agent_id, 0, purpose("undocumented.service_access")).unit(0);
}
// circular schemes: remittance share of the participants of each scheme
// [schemes + 1] (index 0 unused) and what they sent this step, EUR in agent
// units, on their city of residence [schemes + 1] (filled by remittances).
inline const std::string kSchemeRemittanceShareField = "scheme_remittance_share";
inline const std::string kSchemeRemittancesField = "scheme_remittances_eur";

// The sectors of the scenario, in name order; exactly one may be informal.
struct Sectors {
  explicit Sectors(const ScenarioSpec& spec);
  std::vector<std::string> names;
  std::vector<double> wage_index;
  std::vector<double> separation_rate_per_year;
  std::vector<double> relative_demand_growth_per_year;
  std::vector<bool> informal;
  int informal_sector = -1;  // index, or -1
  std::size_t size() const { return names.size(); }
  int index(const std::string& name) const;  // -1 if unknown
};

inline std::uint8_t job_code(std::size_t sector, int skill) {
  return static_cast<std::uint8_t>(1 + sector * kSkillLevels + static_cast<std::size_t>(skill));
}
// Index of a job's segment (sector * 3 + skill) in [K * 3] fields.
inline std::size_t job_segment(std::uint8_t job) { return static_cast<std::size_t>(job - 1); }
inline std::size_t job_sector(std::uint8_t job) { return job_segment(job) / kSkillLevels; }
inline int job_skill(std::uint8_t job) { return static_cast<int>(job_segment(job) % kSkillLevels); }

// Nationality index of an agent for free-movement purposes: the country of
// naturalisation, else the country of birth, else "other" (= country count).
inline std::size_t nationality(std::uint8_t citizenship, std::uint16_t birth_country, std::size_t countries) {
  if (citizenship > 0) return citizenship - 1u;
  return birth_country < countries ? birth_country : countries;
}

}  // namespace mobsim::models
