// Sector investment: a city (often with a partner city) invests in one
// sector of its economy for a time (waste management in Tunis with
// Barcelona, urban regeneration in Dakar with Milan, fashion and textiles in
// Freetown; seed 002, Annex 1 and section 4), raising that sector's labour
// demand. It acts through the sector demand lever, which the labour market
// applies to its jobs; programmes in force together multiply, with each
// other and with demand shocks.
#include "declare.hpp"
#include "levers.hpp"
#include "policy.hpp"
#include "register_models.hpp"
#include "shared_state.hpp"

namespace mobsim::models {

namespace {

// An investment's terms as its [sector_investments.NAME] block states them.
struct InvestmentTerms {
  std::string city;
  std::string sector;
  double demand_factor;
};

const ParamBindings<InvestmentTerms>& investment_terms() {
  static const ParamBindings<InvestmentTerms> table{
      bind(&InvestmentTerms::city, reference_param("city", "cities", false, "City of the programme", kFromScenario)),
      bind(&InvestmentTerms::sector,
           reference_param("sector", "sectors", false, "Sector whose labour demand the programme changes",
                           kFromScenario)),
      bind(
          &InvestmentTerms::demand_factor,
          real_param("demand_factor", "1", std::nullopt, 0.0, 5.0,
                     "Labour demand of the sector relative to normal while the programme runs (1.1: a tenth more jobs)",
                     kFromScenario)),
  };
  return table;
}

struct Investment {
  std::size_t city;
  std::size_t sector;
  Window window;
  double demand_factor;
};

class SectorInvestment : public Model {
 public:
  explicit SectorInvestment(ModelSetup& setup) : clock_(setup.clock) {
    const Sectors sectors(setup.spec);
    for (const auto& e : setup.spec.entries("sector_investments")) {
      const InvestmentTerms terms = investment_terms().read(e);
      if (const auto city = city_of_run(setup.geography, terms.city))
        investments_.push_back(Investment{*city, static_cast<std::size_t>(sectors.index(terms.sector)),
                                          window_of(e, clock_), terms.demand_factor});
    }
    demand_field_ = setup.fields.find(sector_demand_lever().name);
  }

  void run(Phase, World& world) override {
    for (const Investment& i : investments_)
      if (i.window.contains(clock_, world.step())) world.fields().at(demand_field_, i.city)[i.sector] *= i.demand_factor;
  }

  // Nothing changes after initialise: the investments come from the scenario.
  void checkpoint(StateArchive&) override {}

 private:
  const Clock& clock_;
  std::vector<Investment> investments_;
  CityField demand_field_;
};

}  // namespace

ModelInfo sector_investment() {
  ModelInfo info;
  info.slot = "sector_investment";
  info.slot_meaning = "Investment programmes that raise labour demand in a sector of a city";
  info.name = "programmes";
  info.summary = "city programmes that raise (or lower) labour demand in one sector for a time";
  info.is_default = true;
  info.phases = {Phase::policy};
  CollectionDecl investments;
  investments.name = "sector_investments";
  investments.entry_noun = "sector investment";
  investments.is_policy = true;
  investments.acts_from = "start";
  investments.meaning = "Policy: a city programme that changes labour demand in one sector while it runs";
  investments.fields = investment_terms().declarations();
  for (auto& f : window_fields("the programme")) investments.fields.push_back(std::move(f));
  info.collections.push_back(std::move(investments));
  info.checks = {window_check("sector_investments")};
  writes_lever(info.state, sector_demand_lever(), {Phase::policy}, "multiplied by the programmes in force");
  info.make = [](ModelSetup& setup) { return std::make_unique<SectorInvestment>(setup); };
  return info;
}

}  // namespace mobsim::models
