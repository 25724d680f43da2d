#include "income_rule.hpp"

#include <stdexcept>

#include "declare.hpp"
#include "shared_state.hpp"

namespace mobsim::models {

namespace {
// An age no agent reaches: the pension age where no labour model retires anyone.
constexpr int kNobodyRetires = 1 << 20;
}  // namespace

bool IncomeRule::available(const World& world) { return world.field_schema().has(kBenefitField); }

IncomeRule::IncomeRule(const World& world) {
  const auto& fields = world.field_schema();
  benefit_ = fields.find(kBenefitField);
  pension_ = fields.find(kPensionField);
  living_ = fields.find(kLivingCostField);
  allowance_ = fields.find(kAsylumAllowanceField);
  contribution_ = fields.find(kBenefitContributionField);
  adult_ = fields.find(kAdultAgeField);
  if (world.schema().has(kJobColumn)) {
    job_ = world.schema().find<std::uint8_t>(kJobColumn);
    wage_ = fields.find(kWageField);
  }
  if (world.schema().has(kArrivalColumn)) arrival_ = world.schema().find<std::uint16_t>(kArrivalColumn);
  if (fields.has(kRetirementAgeField)) retirement_ = fields.find(kRetirementAgeField);
}

Incomes IncomeRule::in(const World& world, std::size_t c) const {
  const AgentTable& a = world.agents(c);
  const auto& f = world.fields();
  Incomes in;
  in.employment = a.col(core::employment);
  in.legal = a.col(core::legal_status);
  in.age = a.col(core::age_months);
  if (arrival_) {
    in.arrival = a.col(*arrival_);
    in.contributed_by_arrival_step = static_cast<int>(world.step()) - static_cast<int>(f.at(contribution_, c)[0]);
  }
  if (job_) {
    in.job = a.col(*job_);
    const auto wage = f.at(*wage_, c);
    if (wage.size() + 1 > in.wage_by_job.size()) throw std::logic_error("too many job segments");
    for (std::size_t seg = 0; seg < wage.size(); ++seg) in.wage_by_job[seg + 1] = static_cast<float>(wage[seg]);
  }
  in.benefit = static_cast<float>(f.at(benefit_, c)[0]);
  in.asylum_allowance = static_cast<float>(f.at(allowance_, c)[0]);
  in.pension = static_cast<float>(f.at(pension_, c)[0]);
  // Without a labour model the employed earn the living cost.
  in.fallback_wage = static_cast<float>(f.at(living_, c)[0]);
  in.pension_age_months = retirement_ ? static_cast<int>(f.at(*retirement_, c)[0]) : kNobodyRetires;
  return in;
}

int IncomeRule::adult_months(const World& world, std::size_t city) const {
  return static_cast<int>(world.fields().at(adult_, city)[0]);
}

std::vector<StateRead> IncomeRule::reads(Phase phase, const std::string& when_absent) {
  const std::string no_jobs = "the employed earn the city's living cost (no job column)";
  std::vector<StateRead> reads;
  for (const std::string* name :
       {&kBenefitField, &kPensionField, &kLivingCostField, &kAsylumAllowanceField, &kBenefitContributionField,
        &kAdultAgeField})
    reads.push_back(when_absent.empty() ? reads_field(*name, phase) : optional(reads_field(*name, phase), when_absent));
  for (auto& read : std::vector<StateRead>{
      optional(reads_column(kJobColumn, phase), no_jobs),
      optional(reads_field(kWageField, phase), no_jobs),
      optional(reads_field(kRetirementAgeField, phase), "nobody retires, so nobody draws old-age income"),
      // Set when people arrive (boundary, decide and arrive phases): last step's.
      optional(reads_column(kArrivalColumn, phase, ReadTiming::last_step),
               "every unemployed resident with papers has completed the contribution period"),
       })
    reads.push_back(std::move(read));
  return reads;
}

}  // namespace mobsim::models
