// Arrivals from each city's rural hinterland: the documented external source
// of internal (rural-urban) migrants. The number arriving in a step is
// Poisson with mean rate x residents x step length; newcomers are young
// adults born in the hinterland, citizens, looking for work. In the
// labour-linked variant the rate follows the expected urban income of a
// low-skill newcomer (Harris & Todaro 1970).
#include <cmath>

#include "declare.hpp"
#include "newcomers.hpp"
#include "register_models.hpp"
#include "shared_state.hpp"

namespace mobsim::models {

namespace {

constexpr Purpose kArrivalsDraw = purpose("hinterland.arrivals");
constexpr Purpose kNewcomerDraw = purpose("hinterland.newcomer");

constexpr const char* kYoungArrivals =
    "assumption: rural-urban migrants are mostly young adults (UN DESA, International Migration Report; "
    "Rogers-Castro migration age schedules peak in the early twenties)";

struct Params {
  int min_age_years, max_age_years;
  double male_share, high_skill_share, medium_skill_share, income_elasticity, savings_months;
};

const ParamBindings<Params>& bound_params() {
  static const ParamBindings<Params> table{
      bind(&Params::min_age_years, integer_param("hinterland.min_age_years", "years", 15, 0, 80,
                                                 "Youngest age of arrivals (uniform ages)", kYoungArrivals)),
      bind(&Params::max_age_years, integer_param("hinterland.max_age_years", "years", 34, 0, 100,
                                                 "Oldest age of arrivals (uniform ages)", kYoungArrivals)),
      bind(&Params::male_share,
           real_param("hinterland.male_share", "1", 0.5, 0.0, 1.0, "Share of men among arrivals",
                      "assumption: rural-urban migration in Africa is roughly sex-balanced (UN DESA 2019)")),
      bind(&Params::high_skill_share,
           real_param("hinterland.high_skill_share", "1", 0.05, 0.0, 1.0, "Share of arrivals with tertiary education",
                      "assumption: tertiary attainment in rural areas is low (UNESCO UIS)")),
      bind(&Params::medium_skill_share,
           real_param("hinterland.medium_skill_share", "1", 0.35, 0.0, 1.0,
                      "Share of arrivals with upper-secondary education", "assumption: as high_skill_share")),
      bind(
          &Params::income_elasticity,
          plausible(real_param("hinterland.income_elasticity", "1", 1.0, 0.0, 10.0,
                     "labour_linked: elasticity of the arrival rate with respect to the expected urban income of a "
                     "low-skill newcomer (wage x (1 - unemployment rate)), relative to the start",
                     "Harris & Todaro (1970): rural-urban migration responds to expected urban income; unit elasticity "
                     "is an assumption"), 0.5, 2.0,
                     kAssumption + "half to twice the default")),
      bind(&Params::savings_months,
           real_param("hinterland.savings_months", "months of living cost and rent", 3.0, 0.0, 120.0,
                      "Savings an arrival from the hinterland brings, in months of the city's living cost plus formal "
                      "private rent",
                      "assumption: people moving within their country mostly arrange a job, a study place or "
                      "family housing first; the same 3 months (two months' deposit and a month's costs) as "
                      "arrivals from abroad (international.savings_months)")),
  };
  return table;
}

class HinterlandArrivals : public Model {
 public:
  HinterlandArrivals(ModelSetup& setup, bool labour_linked) : clock_(setup.clock), labour_linked_(labour_linked) {
    const auto& spec = setup.spec;
    const Params p = bound_params().read(spec);
    ages_ = NewcomerAges(p.min_age_years, p.max_age_years);
    male_share_ = p.male_share;
    high_skill_ = p.high_skill_share;
    medium_skill_ = p.medium_skill_share;
    income_elasticity_ = p.income_elasticity;
    savings_months_ = p.savings_months;
    for (const auto& city : setup.geography.cities())
      rate_per_year_.push_back(spec.find_entry("cities", city.name)->real("hinterland_inflow_per_1000") / 1000.0);
  }

  void initialise(World& world) override {
    flow_ = world.flow("hinterland_inflow");
    arrival_savings_.find(world, savings_months_);
    participation_.find(world);
    if (!labour_linked_) return;
    skill_wage_ = world.field_schema().find(kSkillWageField);
    unemployment_ = world.field_schema().find(kUnemploymentRateField);
    for (std::size_t c = 0; c < world.city_count(); ++c) reference_income_.push_back(expected_income(world, c));
  }

  void run(Phase, World& world) override {
    const std::uint32_t step = world.step();
    const Geography& geo = world.geography();
    parallel_for_cities(world, [&](std::size_t c) {
      AgentTable& agents = world.agents(c);
      double rate = rate_per_year_[c];
      if (labour_linked_ && reference_income_[c] > 0)
        rate *= std::pow(expected_income(world, c) / reference_income_[c], income_elasticity_);
      const double mean = rate * clock_.years_per_step() * static_cast<double>(agents.size());
      auto stream = world.rng().city_stream(static_cast<std::uint32_t>(c), step, kArrivalsDraw);
      const auto count = static_cast<std::size_t>(poisson(stream, mean));
      if (count == 0) return;
      const std::size_t first = world.create_agents(c, count, flow_);
      const CoreColumns a = core_columns(agents);
      const float savings = arrival_savings_.amount(world, c);
      for (std::size_t r = first; r < first + count; ++r) {
        const Draw d = world.rng().agent(a.id[r], step, kNewcomerDraw);
        draw_newcomer(a, r, d, geo.hinterland_place(c), ages_, male_share_, high_skill_, medium_skill_);
        participation_.apply(world, c, a, r, step);
        // Citizens of the country with savings for settling in, and no
        // arrival step (they count as settled residents, like those present
        // at the start).
        a.legal_status[r] = code(LegalStatus::citizen);
        if (arrival_savings_.savings) agents.col(*arrival_savings_.savings)[r] = savings;
      }
    });
  }

  // Nothing changes after initialise: rates, handles and the reference
  // incomes taken from the initial fields (recomputed alike on a restart).
  void checkpoint(StateArchive&) override {}

 private:
  // What a low-skill newcomer can expect to earn: wage x employment chance.
  double expected_income(const World& world, std::size_t c) const {
    return world.fields().at(skill_wage_, c)[0] * (1.0 - world.fields().at(unemployment_, c)[0]);
  }

  const Clock& clock_;
  bool labour_linked_ = false;
  double income_elasticity_ = 0, savings_months_ = 0;
  ArrivalSavings arrival_savings_;
  NewcomerParticipation participation_;
  CityField skill_wage_, unemployment_;
  std::vector<double> reference_income_;
  std::vector<double> rate_per_year_;  // arrivals per resident per year
  NewcomerAges ages_;
  double male_share_ = 0.5, high_skill_ = 0, medium_skill_ = 0;
  FlowId flow_ = 0;
};

ModelInfo hinterland_info(bool labour_linked) {
  ModelInfo info;
  info.slot = "hinterland";
  info.slot_meaning = "Arrivals from each city's rural hinterland (internal migration)";
  info.name = labour_linked ? "labour_linked" : "constant_rate";
  info.summary = labour_linked ? "Poisson arrivals at a city-specific rate that follows the expected urban income of a "
                                 "low-skill newcomer (Harris-Todaro); newcomers are young adult citizens"
                               : "Poisson arrivals at a city-specific rate per resident; newcomers are young adult "
                                 "citizens";
  info.is_default = labour_linked;
  info.phases = {Phase::boundary};
  info.flows = {FlowDecl{"hinterland_inflow", true, "Arrivals from the city's rural hinterland during the step", true}};
  if (labour_linked) info.requires_slots = {"labour"};
  // The expected income of a low-skill newcomer (constant_rate reads nothing).
  if (labour_linked)
    info.state.reads = {reads_field(kSkillWageField, Phase::boundary),
                        reads_field(kUnemploymentRateField, Phase::boundary)};
  ArrivalSavings::declare(info.state, Phase::boundary);
  NewcomerParticipation::declare(info.state, Phase::boundary);
  info.make = [labour_linked](ModelSetup& setup) { return std::make_unique<HinterlandArrivals>(setup, labour_linked); };
  if (labour_linked) return info;  // parameters are declared once, with the constant-rate model

  info.params = bound_params().declarations();
  info.fields = {
      {"cities", text_param("hinterland_name", std::string(""), "Name of the city's rural hinterland",
                            "city data (scenarios/data/cities.toml)")},
      {"cities", real_param("hinterland_inflow_per_1000", "per 1000 residents per year", std::nullopt, 0.0, 200.0,
                            "Arrivals from the rural hinterland per 1000 residents per year",
                            "city data (scenarios/data/cities.toml)")},
  };
  info.checks.push_back([](const ScenarioSpec& spec, std::vector<Diagnostic>& diags) {
    const Params p = bound_params().read(spec);
    if (p.max_age_years < p.min_age_years)
      diags.push_back(Diagnostic{spec.setting("hinterland.max_age_years").where, "hinterland.max_age_years",
                                 "is below hinterland.min_age_years", ""});
    if (p.high_skill_share + p.medium_skill_share > 1.0 + 1e-12)
      diags.push_back(Diagnostic{spec.setting("hinterland.medium_skill_share").where, "hinterland.medium_skill_share",
                                 "high_skill_share + medium_skill_share exceeds 1", ""});
  });
  return info;
}

}  // namespace

ModelInfo constant_rate_hinterland() { return hinterland_info(false); }
ModelInfo labour_linked_hinterland() { return hinterland_info(true); }

}  // namespace mobsim::models
