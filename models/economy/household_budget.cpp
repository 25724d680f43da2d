// Monthly budget of every household (or, without a households model, every
// adult): income (wage, unemployment benefit, an asylum seeker's reception
// allowance or old-age income) minus living costs and rent goes into
// savings, which can never fall below zero (spending adjusts). Members of a
// household pool income and savings and pay living costs by an equivalence
// scale (household_pooling.hpp). Savings pay for moving. Residents without
// papers get no cash: the services a city opens to them are in kind.
#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <optional>
#include <span>

#include "declare.hpp"
#include "household_budget.hpp"
#include "household_pooling.hpp"
#include "income_rule.hpp"
#include "register_models.hpp"
#include "shared_state.hpp"

namespace mobsim::models {

namespace {

constexpr Purpose kInitDraw = purpose("budget.init");

struct Params {
  double initial_savings_months;
  int adult_age_years;
  double asylum_allowance_share;
  double additional_adult_weight, child_weight;
  double benefit_contribution_months;
};

constexpr const char* kEquivalenceScale =
    "OECD-modified equivalence scale (Hagenaars, de Vos & Zaidi 1994), used by Eurostat for equivalised disposable "
    "income (ilc_di): 1 for the first adult, 0.5 for each other person aged 14 and over, 0.3 for each child under "
    "14; applied here with the model's adult age (budget.adult_age_years) as the line between adults and children";

const ParamBindings<Params>& bound_params() {
  static const ParamBindings<Params> table{
      bind(&Params::initial_savings_months,
           real_param("budget.initial_savings_months", "months of income", 3.0, 0.0, 120.0,
                      "Mean savings of adults at the start, in months of their income",
                      "assumption: household deposits of a few months of income (World Bank Global Findex 2021 reports "
                      "that about half of adults in developing economies could raise emergency funds within a month)")),
      bind(&Params::adult_age_years,
           integer_param("budget.adult_age_years", "years", 18, 12, 25,
                         "Age from which agents have their own budget (children live on their families')",
                         "UN Convention on the Rights of the Child, art. 1: a child is a person below 18")),
      bind(&Params::additional_adult_weight,
           real_param("budget.additional_adult_weight", "1", 0.5, 0.0, 1.0,
                      "Living cost of each further adult of a household, as a share of a single adult's",
                      kEquivalenceScale)),
      bind(&Params::benefit_contribution_months,
           real_param("budget.benefit_contribution_months", "months", 12.0, 0.0, 120.0,
                      "Months in the city before an unemployed resident can draw unemployment benefit (the "
                      "contribution period; residents present at the start, born in the city or arrived from its "
                      "hinterland have it)",
                      "approx.: national rules ask for about a year of contributions in the last two or three years: "
                      "Germany 12 months in 30 (SGB III section 142), Switzerland 12 months in 2 years (AVIG art. 13), "
                      "Spain 360 days in 6 years, France 6 months in 24; 12 (periods worked in another city or "
                      "country are not counted: EU aggregation under Regulation 883/2004 art. 61 is not modelled)")),
      bind(&Params::child_weight,
           real_param("budget.child_weight", "1", 0.3, 0.0, 1.0,
                      "Living cost of a child of a household, as a share of a single adult's", kEquivalenceScale)),
      bind(&Params::asylum_allowance_share,
           share_param("budget.asylum_allowance_share", 1.0,
                       "Reception allowance of an asylum seeker out of work, as a share of the city's living cost "
                       "(instead of unemployment benefit)",
                       "Reception Conditions Directive 2013/33/EU, art. 17: material reception conditions (food, "
                       "clothing, a daily expenses allowance, in kind or in cash) ensure an adequate standard of "
                       "living; assumption: they cover the living cost, so 1 (housing in reception centres is not "
                       "modelled: rent is paid like other residents')")),
  };
  return table;
}

// What the city data give the budget (scenarios/data/cities.toml).
struct CityData {
  double living_cost_eur_per_month;
  double unemployment_benefit_replacement;
  double pension_replacement;
};

const ParamBindings<CityData>& city_data() {
  static const ParamBindings<CityData> table{
      bind(&CityData::living_cost_eur_per_month,
           real_param("living_cost_eur_per_month", "EUR per month", std::nullopt, 0.0, 1.0e4,
                      "Basic monthly consumption of an adult, rent excluded", kCityData)),
      bind(&CityData::unemployment_benefit_replacement,
           share_param("unemployment_benefit_replacement", std::nullopt,
                       "Unemployment benefit as a share of the mean wage (0 where there is none)", kCityData)),
      bind(&CityData::pension_replacement,
           share_param("pension_replacement", std::nullopt, "Old-age income as a share of the mean wage", kCityData)),
  };
  return table;
}

struct CityBudget {
  double benefit = 0;      // EUR per month
  double pension = 0;      // EUR per month
  double living_cost = 0;  // EUR per month
};

class HouseholdBudget : public Model {
 public:
  explicit HouseholdBudget(ModelSetup& setup) : clock_(setup.clock) {
    const auto& spec = setup.spec;
    const Params p = bound_params().read(spec);
    initial_savings_months_ = p.initial_savings_months;
    asylum_allowance_share_ = p.asylum_allowance_share;
    adult_months_ = p.adult_age_years * 12;
    contribution_steps_ = static_cast<int>(std::ceil(p.benefit_contribution_months / setup.clock.step_months));
    scale_ = EquivalenceScale{static_cast<float>(p.additional_adult_weight), static_cast<float>(p.child_weight)};
    for (const auto& city : setup.geography.cities()) {
      const auto& e = *spec.find_entry("cities", city.name);
      const CityData data = city_data().read(e);
      // The mean wage is the labour market's city datum (labour_market.cpp).
      const double wage = e.real("mean_wage_eur_per_month");
      cities_.push_back({data.unemployment_benefit_replacement * wage, data.pension_replacement * wage,
                         data.living_cost_eur_per_month});
    }
    short_of_costs_.assign(cities_.size(), 0.0);
    below_living_cost_.assign(cities_.size(), 0.0);
    savings_ = setup.schema.add<float>(kSavingsColumn, "savings in EUR, never negative");
    benefit_field_ = setup.fields.add(kBenefitField, 1, "monthly unemployment benefit");
    pension_field_ = setup.fields.add(kPensionField, 1, "monthly old-age income");
    living_field_ = setup.fields.add(kLivingCostField, 1, "monthly living cost of an adult, rent excluded");
    allowance_field_ = setup.fields.add(kAsylumAllowanceField, 1, "monthly reception allowance of an asylum seeker");
    contribution_field_ = setup.fields.add(kBenefitContributionField, 1, "contribution period before benefit (steps)");
    adult_field_ = setup.fields.add(kAdultAgeField, 1, "age from which agents have a budget of their own (months)");
  }

  void initialise(World& world) override {
    resolve(world);
    const auto chunks = make_chunks(world);
    parallel_for_chunks(chunks, [&](std::size_t, const Chunk& ch) {
      AgentTable& a = world.agents(ch.city);
      const auto id = a.col(core::id);
      auto savings = a.col(savings_);
      const Incomes in = incomes(world, ch.city, a);
      for (std::uint32_t r = ch.begin; r < ch.end; ++r) {
        // A few months of income saved, spread uniformly from half to one and a half times.
        const double u = world.rng().agent(id[r], 0, kInitDraw).unit(0);
        savings[r] = static_cast<float>(initial_savings_months_ * static_cast<float>(in.monthly(r)) * (0.5 + u));
      }
    });
  }

  void run(Phase, World& world) override {
    const double months = clock_.step_months;
    if (household_) {
      parallel_for_cities(world, [&](std::size_t c) {
        AgentTable& a = world.agents(c);
        const Incomes in = incomes(world, c, a);
        const auto received = static_cast<float>(remitted_ ? world.fields().at(*remitted_, c)[0] : 0.0);
        const BudgetStep step{adult_months_, static_cast<float>(cities_[c].living_cost), received,
                              static_cast<float>(months)};
        auto counted = world.fields().at(*household_count_, c);
        const HouseholdTally tally =
            pool_household_budgets(in, step, scale_, a.col(*household_), c, *numbers_,
                                   static_cast<std::uint32_t>(counted[2]), a.col(savings_).data());
        short_of_costs_[c] = static_cast<double>(tally.short_of_costs);
        below_living_cost_[c] = static_cast<double>(tally.below_living_cost);
        counted[0] = static_cast<double>(tally.households);
        counted[1] = static_cast<double>(tally.persons);
      });
      return;
    }
    const auto chunks = make_chunks(world);
    std::vector<double> short_by_chunk(chunks.size(), 0.0), below_by_chunk(chunks.size(), 0.0);
    parallel_for_chunks(chunks, [&](std::size_t k, const Chunk& ch) {
      AgentTable& a = world.agents(ch.city);
      auto savings = a.col(savings_);
      const Incomes in = incomes(world, ch.city, a);
      const auto living = static_cast<float>(cities_[ch.city].living_cost);
      const auto step_months = static_cast<float>(months);
      // Remittances received last month and saved, per adult (0 without a remittances model).
      const auto received = static_cast<float>(remitted_ ? world.fields().at(*remitted_, ch.city)[0] : 0.0);
      // Adults short of their costs, from the income before the update.
      std::size_t short_of_costs = 0, below = 0;
      for (std::uint32_t r = ch.begin; r < ch.end; ++r) {
        const bool adult = in.age[r] >= adult_months_;
        short_of_costs += adult & (in.monthly(r) - living - in.rent(r) < 0);
        below += adult & (in.monthly(r) < living);
      }
      short_by_chunk[k] = static_cast<double>(short_of_costs);
      below_by_chunk[k] = static_cast<double>(below);
      update_budgets(in, BudgetStep{adult_months_, living, received, step_months}, savings.data(), nullptr,
                     ch.begin, ch.end);
    });
    std::fill(short_of_costs_.begin(), short_of_costs_.end(), 0.0);
    std::fill(below_living_cost_.begin(), below_living_cost_.end(), 0.0);
    for (std::size_t k = 0; k < chunks.size(); ++k) {
      short_of_costs_[chunks[k].city] += short_by_chunk[k];
      below_living_cost_[chunks[k].city] += below_by_chunk[k];
    }
  }

  void observe(const World& world, SeriesOut& out) const override {
    auto& short_of_costs = out["budgets_short_of_costs"];
    auto& below_living_cost = out["persons_below_living_cost"];
    if (world.step() == 0) return;
    const auto ppa = static_cast<double>(world.people_per_agent());
    for (std::size_t c = 0; c < world.city_count(); ++c) {
      short_of_costs[c] = short_of_costs_[c] * ppa;
      below_living_cost[c] = below_living_cost_[c] * ppa;
    }
  }

  // The last step's tallies that observe reports; the per-city amounts are
  // set in the constructor and initialise.
  void checkpoint(StateArchive& ar) override {
    ar("short_of_costs", short_of_costs_);
    ar("below_living_cost", below_living_cost_);
  }

 private:
  void resolve(World& world) {
    for (std::size_t c = 0; c < world.city_count(); ++c) {
      world.fields().at(benefit_field_, c)[0] = cities_[c].benefit;
      world.fields().at(pension_field_, c)[0] = cities_[c].pension;
      world.fields().at(living_field_, c)[0] = cities_[c].living_cost;
      world.fields().at(adult_field_, c)[0] = adult_months_;
      world.fields().at(allowance_field_, c)[0] = asylum_allowance_share_ * cities_[c].living_cost;
      world.fields().at(contribution_field_, c)[0] = contribution_steps_;
    }
    rule_.emplace(world);
    if (world.schema().has(kHouseholdColumn)) {
      household_ = world.schema().find<std::uint32_t>(kHouseholdColumn);
      household_count_ = world.field_schema().find(kHouseholdCountField);
      numbers_.emplace(world.city_count());
    }
    if (world.field_schema().has(kRemittanceSavingsField)) remitted_ = world.field_schema().find(kRemittanceSavingsField);
    if (world.schema().has(kTenureColumn)) {
      tenure_ = world.schema().find<std::uint8_t>(kTenureColumn);
      rent_ = world.field_schema().find(kRentField);
    }
    if (world.field_schema().has(kProvidedHousingCostField))
      provided_cost_ = world.field_schema().find(kProvidedHousingCostField);
  }

  Incomes incomes(const World& world, std::size_t c, const AgentTable& a) const {
    Incomes in = rule_->in(world, c);
    if (tenure_) {
      in.tenure = a.col(*tenure_);
      const auto rent = world.fields().at(*rent_, c);
      for (std::size_t t = 1; t <= 3; ++t) in.rent_by_tenure[t] = static_cast<float>(rent[t - 1]);
      if (provided_cost_)
        in.rent_by_tenure[code(Tenure::provided)] = static_cast<float>(world.fields().at(*provided_cost_, c)[0]);
    }
    return in;
  }

  const Clock& clock_;
  double initial_savings_months_ = 0;
  double asylum_allowance_share_ = 1;
  int adult_months_ = 0;
  int contribution_steps_ = 0;
  EquivalenceScale scale_;
  std::vector<CityBudget> cities_;
  std::vector<double> short_of_costs_;  // [city], households (agents) of the last step
  std::vector<double> below_living_cost_;  // [city], persons (agents) of the last step
  Column<float> savings_{};
  CityField benefit_field_, pension_field_, living_field_, adult_field_, allowance_field_, contribution_field_;
  std::optional<IncomeRule> rule_;
  std::optional<Column<std::uint8_t>> tenure_;
  std::optional<Column<std::uint32_t>> household_;
  std::optional<HouseholdNumbers> numbers_;
  std::optional<CityField> rent_, remitted_, household_count_, provided_cost_;
};

}  // namespace

ModelInfo household_budget() {
  ModelInfo info;
  info.slot = "budget";
  info.slot_meaning = "Income, living costs and savings";
  info.name = "monthly";
  info.summary = "income (wage, benefit, old-age income) minus living costs and rent accumulates in savings";
  info.is_default = true;
  info.phases = {Phase::income};
  info.params = bound_params().declarations();
  info.fields = with_collection("cities", city_data().declarations());
  info.series = {
      {"budgets_short_of_costs", "households",
       "Households (without a households model: adults) whose income in the step fell short of their living "
       "costs and rent, so that they drew on savings or went without",
       true, SeriesKind::stock},
      {"persons_below_living_cost", "persons",
       "Residents in households whose income in the step, per adult equivalent (OECD-modified scale), fell below "
       "the city's living cost, rent not deducted (without a households model: adults below it): the poverty "
       "headcount of household surveys, whose poverty lines price housing among non-food needs",
       true, SeriesKind::stock},
  };
  // The per-city amounts and the adult age are set once, in initialise: written in no phase.
  info.state.owns = {
      owns_column<float>(kSavingsColumn, "EUR", "savings, never negative", {Phase::income}),
      owns_field(kBenefitField, "1", "EUR/month", "monthly unemployment benefit", {}),
      owns_field(kPensionField, "1", "EUR/month", "monthly old-age income", {}),
      owns_field(kLivingCostField, "1", "EUR/month", "monthly living cost of an adult, rent excluded", {}),
      owns_field(kAsylumAllowanceField, "1", "EUR/month",
                 "monthly reception allowance of an asylum seeker out of work (budget.asylum_allowance_share of the "
                 "living cost)",
                 {}),
      owns_field(kBenefitContributionField, "1", "steps",
                 "months in the city before unemployment benefit (budget.benefit_contribution_months), in steps", {}),
      owns_field(kAdultAgeField, "1", "months",
                 "age from which agents have a budget of their own (budget.adult_age_years)", {}),
  };
  const std::string no_rent = "nobody pays rent";
  // The rule's terms other than the budget's own fields.
  for (auto& read : IncomeRule::reads(Phase::income, ""))
    if (std::none_of(info.state.owns.begin(), info.state.owns.end(),
                     [&](const OwnedState& o) { return o.name == read.name; }))
      info.state.reads.push_back(std::move(read));
  for (auto& read : std::vector<StateRead>{
           optional(reads_column(kTenureColumn, Phase::income), no_rent),
           optional(reads_field(kRentField, Phase::income), no_rent),
           optional(reads_field(kProvidedHousingCostField, Phase::income),
                    "no scheme provides housing: nobody pays for it"),
           // Saved from the remittances received last step (the remittances model
           // writes it later in the income phase).
           optional(reads_field(kRemittanceSavingsField, Phase::income, ReadTiming::last_step),
                    "no remittances added to savings"),
           optional(reads_column(kHouseholdColumn, Phase::income),
                    "every adult has a budget of their own, children none (no pooling, no equivalence scale)"),
       })
    info.state.reads.push_back(std::move(read));
  info.state.writes = {
      optional(writes_field(kHouseholdCountField, {Phase::income},
                            "the households and their members counted while their budgets are pooled")),
  };
  info.make = [](ModelSetup& setup) { return std::make_unique<HouseholdBudget>(setup); };
  return info;
}

}  // namespace mobsim::models
