// The Model interface of behavioural migration: what is read once per run,
// the columns and fields looked up, each step's tables and decisions, and
// the series observed.
#include <algorithm>

#include "levers.hpp"
#include "migration_model.hpp"

namespace mobsim::models::migration {

BehaviouralMigration::BehaviouralMigration(ModelSetup& setup) : geography_(setup.geography), clock_(setup.clock) {
  const auto& spec = setup.spec;
  read_params(spec);
  read_corridors(spec);
  read_language_and_colonial_ties(spec);
  read_transit_hubs_and_routes(spec);
  build_distance_terms_and_typical_costs();
  build_age_factors();
  transit_ = setup.schema.add<std::uint16_t>(kTransitColumn, "1 + city an irregular migrant in transit heads to; 0 none");
  next_ = setup.schema.add<std::uint16_t>(
      "next_decision_step",
      "step of the agent's next decision opportunity (+ 0x8000), or of its next band of ages; 0 not yet scheduled");
  build_opportunity_bands();
}

void BehaviouralMigration::initialise(World& world) {
  const auto& s = world.schema();
  savings_ = s.find<float>(kSavingsColumn);
  job_ = s.find<std::uint8_t>(kJobColumn);
  tenure_ = s.find<std::uint8_t>(kTenureColumn);
  citizenship_ = s.find<std::uint8_t>(kCitizenshipColumn);
  permit_end_ = s.find<std::uint16_t>(kPermitEndColumn);
  arrival_ = s.find<std::uint16_t>(kArrivalColumn);
  return_due_ = s.find<std::uint8_t>(kReturnDueColumn);
  const auto& f = world.field_schema();
  skill_wage_ = f.find(kSkillWageField);
  wage_ = f.find(kWageField);
  unemployment_ = f.find(kUnemploymentRateField);
  penalty_ = f.find(kRecognitionPenaltyField);
  rent_ = f.find(kRentField);
  benefit_ = f.find(kBenefitField);
  living_ = f.find(kLivingCostField);
  diaspora_ = f.find(kDiasporaField);
  settled_ = f.find(kSettledDiasporaField);
  free_ = f.find(kFreeMovementField);
  visa_ = f.find("work_visa_grant_rate");
  study_ = f.find("study_visa_grant_rate");
  decision_ = f.find("asylum_decision_months");
  permit_steps_ = f.find(kWorkPermitStepsField);
  outside_ = world.flow("returns_to_rest_of_world");
  for (const auto& name : kChannelNames) channel_id_.push_back(world.channel(name));
  relocation_ = RelocationColumns::find(world);
  // Policies, when their models are selected.
  if (s.has(kSchemeColumn)) scheme_ = s.find<std::uint8_t>(kSchemeColumn);
  if (f.has(kLegalPathwayField)) {
    pathway_ = f.find(kLegalPathwayField);
    application_ = s.find<std::uint8_t>(kPathwayApplicationColumn);
    applied_to_ = s.find<std::uint16_t>(kPathwayDestinationColumn);
  }
  move_factor_ = f.find(international_move_lever().name);
  if (f.has(kReturnIncentiveField)) {
    return_programme_ = f.find("return_programme");
    incentive_ = f.find(kReturnIncentiveField);
    supported_ = s.find<std::uint8_t>(kSupportedReturnColumn);
  }
  returns_.assign(world.city_count(), 0.0);
  skilled_.assign(world.city_count(), 0.0);
  // The initial adults' first decision opportunities (geometric waits from
  // step 0); those who come of age later are scheduled then.
  parallel_for_chunks(make_chunks(world), [&](std::size_t, const Chunk& ch) {
    AgentTable& a = world.agents(ch.city);
    const auto id = a.col(core::id);
    const auto age = a.col(core::age_months);
    const auto origin = a.col(core::origin);
    auto next = a.col(next_);
    for (std::uint32_t r = ch.begin; r < ch.end; ++r) {
      if (age[r] < p_.min_age_months) continue;
      const bool migrant = home_of(origin[r]) != ch.city;
      next[r] = schedule(0, age[r], migrant, world.rng().agent(id[r], 0, kDecideDraw).unit(3));
    }
  });
}

void BehaviouralMigration::run(Phase, World& world) {
  std::fill(returns_.begin(), returns_.end(), 0.0);
  std::fill(skilled_.begin(), skilled_.end(), 0.0);
  const StepTables tables = build_tables(world);
  decide(world, tables);
}

void BehaviouralMigration::observe(const World& world, SeriesOut& out) const {
  auto& returns = out["returns"];
  auto& skilled_emigrants = out["skilled_emigrants"];
  if (world.step() == 0) return;
  const double scale = static_cast<double>(world.people_per_agent());
  for (std::size_t c = 0; c < world.city_count(); ++c) {
    returns[c] = returns_[c] * scale;
    skilled_emigrants[c] = skilled_[c] * scale;
  }
}

void BehaviouralMigration::read_params(const ScenarioSpec& spec) {
  auto r = [&](const char* key) { return spec.real(std::string("migration.") + key); };
  p_.consider_hazard_per_year = r("consider_hazard_per_year");
  p_.age_peak_years = r("age_peak_years");
  p_.age_spread_years = r("age_spread_years");
  p_.age_floor = r("age_floor");
  p_.unemployed_multiplier = r("unemployed_multiplier");
  p_.income_gap_weight = r("income_gap_weight");
  p_.network_tie_multiplier = r("network_tie_multiplier");
  p_.capability_floor = r("capability_floor");
  p_.income_weight = r("income_weight");
  p_.size_weight = r("size_weight");
  p_.move_constant = r("move_constant");
  p_.network_weight = r("network_weight");
  p_.distance_weight = r("distance_weight");
  p_.cost_weight = r("cost_weight");
  p_.language_bonus = r("language_bonus");
  p_.colonial_bonus = r("colonial_bonus");
  p_.international_constant = r("international_constant");
  p_.stay_constant = r("stay_constant");
  p_.home_bonus = r("home_bonus");
  p_.access_weight = r("access_weight");
  p_.income_floor_share = r("income_floor_share");
  p_.travel_cost_eur_per_km = r("travel_cost_eur_per_km");
  p_.move_fixed_cost_eur = r("move_fixed_cost_eur");
  p_.irregular_cost_eur = r("irregular_cost_eur");
  p_.network_cost_reduction = r("network_cost_reduction");
  p_.network_half_persons = r("network_half_persons");
  p_.family_max_probability = r("family_max_probability");
  p_.family_half_persons = r("family_half_persons");
  p_.irregular_willingness = r("irregular_willingness");
  p_.irregular_failure_probability = r("irregular_failure_probability");
  p_.asylum_application_probability = r("asylum_application_probability");
  p_.transit_months = r("transit_months");
  p_.transit_share = r("transit_share");
  p_.transit_max_detour = r("transit_max_detour");
  p_.transit_give_up_probability = r("transit_give_up_probability");
  p_.return_hazard_per_year = r("return_hazard_per_year");
  p_.return_unemployed_multiplier = r("return_unemployed_multiplier");
  p_.savings_target_months = r("savings_target_months");
  p_.return_target_multiplier = r("return_target_multiplier");
  p_.return_decay_years = r("return_decay_years");
  p_.settled_return_factor = r("settled_return_factor");
  p_.min_age_months = static_cast<int>(spec.integer("migration.min_age_years")) * 12;
  p_.study_max_age_months = static_cast<int>(spec.integer("migration.study_max_age_years")) * 12;
}

}  // namespace mobsim::models::migration
