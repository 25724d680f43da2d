// The Model interface of behavioural migration: what is read once per run,
// the columns and fields looked up, each step's tables and decisions, and
// the series observed.
#include <algorithm>

#include "levers.hpp"
#include "migration_model.hpp"

namespace mobsim::models::migration {

BehaviouralMigration::BehaviouralMigration(ModelSetup& setup)
    : geography_(setup.geography),
      clock_(setup.clock),
      p_(bound_params().read(setup.spec)),
      min_age_months_(p_.min_age_years * 12),
      study_max_age_months_(p_.study_max_age_years * 12) {
  const auto& spec = setup.spec;
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
  contribution_ = f.find(kBenefitContributionField);
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
  // Levers the instruments set (neutral: no pathway, no return support).
  move_factor_ = f.find(international_move_lever().name);
  pathway_ = f.find(legal_pathway_lever().name);
  return_programme_ = f.find(return_programme_lever().name);
  incentive_ = f.find(return_incentive_lever().name);
  // Columns of the instruments' participants, which exist only when an
  // instrument is in use: a lever above is non-neutral only then.
  if (s.has(kSchemeColumn)) scheme_ = s.find<std::uint8_t>(kSchemeColumn);
  if (s.has(kPathwayApplicationColumn)) {
    application_ = s.find<std::uint8_t>(kPathwayApplicationColumn);
    applied_to_ = s.find<std::uint16_t>(kPathwayDestinationColumn);
  }
  if (s.has(kSupportedReturnColumn)) supported_ = s.find<std::uint8_t>(kSupportedReturnColumn);
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
      if (age[r] < min_age_months_) continue;
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

void BehaviouralMigration::checkpoint(StateArchive& ar) {
  // What observe reports of the last step; the tables are the scenario's,
  // the decision schedule and transit are agent columns (the World's).
  ar("returns", returns_);
  ar("skilled", skilled_);
}

}  // namespace mobsim::models::migration
