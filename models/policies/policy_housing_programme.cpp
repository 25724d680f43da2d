// Housing programmes: a city builds (or buys) dwellings each year, a share of
// them social, and may oblige developers to reserve a share of all new
// construction as public housing (Barcelona's 40% rule, seed 002). The
// housing market adds the dwellings and applies the rule to its ordinary
// construction.
#include <algorithm>

#include "declare.hpp"
#include "levers.hpp"
#include "policy.hpp"
#include "register_models.hpp"
#include "shared_state.hpp"

namespace mobsim::models {

namespace {

// A programme's terms as its [housing_programmes.NAME] block states them.
struct ProgrammeTerms {
  std::string city;
  double dwellings_per_year;
  double social_share;
  double public_share_of_new_construction;
};

const ParamBindings<ProgrammeTerms>& programme_terms() {
  static const ParamBindings<ProgrammeTerms> table{
      bind(&ProgrammeTerms::city, reference_param("city", "cities", false, "City of the programme", kFromScenario)),
      bind(&ProgrammeTerms::dwellings_per_year,
           real_param("dwellings_per_year", "dwellings per year", 0.0, 0.0, 1.0e6,
                      "Dwellings the programme adds each year (built or bought and converted)", kFromScenario)),
      bind(&ProgrammeTerms::social_share,
           share_param("social_share", 1.0, "Share of the programme's dwellings that are social (public) housing",
                       kFromScenario)),
      bind(
          &ProgrammeTerms::public_share_of_new_construction,
          share_param("public_share_of_new_construction", 0.0,
                      "Least share of all ordinary new construction that must be public housing (0: no rule)",
                      "scenario (e.g. Barcelona: 30% of the floor area of developments over 600 m2 since December "
                      "2018, about 16% of all new dwellings; seed 002 reports 40% of newly built properties)")),
  };
  return table;
}

struct Programme {
  std::size_t city;
  Window window;
  double dwellings_per_year, social_share, public_share_of_construction;
};

class HousingProgrammes : public Model {
 public:
  explicit HousingProgrammes(ModelSetup& setup) : clock_(setup.clock) {
    for (const auto& e : setup.spec.entries("housing_programmes")) {
      const ProgrammeTerms terms = programme_terms().read(e);
      if (const auto city = city_of_run(setup.geography, terms.city))
        programmes_.push_back(Programme{*city, window_of(e, clock_), terms.dwellings_per_year, terms.social_share,
                                        terms.public_share_of_new_construction});
    }
    dwellings_field_ = setup.fields.find(programme_dwellings_lever().name);
    rule_field_ = setup.fields.find(public_construction_share_lever().name);
  }

  void run(Phase, World& world) override {
    // From the levers' neutral 0: programmes add dwellings, the strictest rule applies.
    const double dt = clock_.years_per_step();
    for (const Programme& p : programmes_) {
      if (!p.window.contains(clock_, world.step())) continue;
      auto dwellings = world.fields().at(dwellings_field_, p.city);
      dwellings[0] += p.dwellings_per_year * dt * (1.0 - p.social_share);
      dwellings[1] += p.dwellings_per_year * dt * p.social_share;
      double& rule = world.fields().at(rule_field_, p.city)[0];
      rule = std::max(rule, p.public_share_of_construction);
    }
  }

  // Nothing changes after initialise: the programmes come from the scenario.
  void checkpoint(StateArchive&) override {}

 private:
  const Clock& clock_;
  std::vector<Programme> programmes_;
  CityField dwellings_field_, rule_field_;
};

}  // namespace

ModelInfo housing_programmes() {
  ModelInfo info;
  info.slot = "housing_programmes";
  info.slot_meaning = "Dwellings built by cities and public shares of construction";
  info.name = "programmes";
  info.summary = "dwellings built or bought by a city each year, and a public share of all new construction";
  info.is_default = true;
  info.phases = {Phase::policy};
  CollectionDecl programmes;
  programmes.name = "housing_programmes";
  programmes.entry_noun = "housing programme";
  programmes.is_policy = true;
  programmes.acts_from = "start";
  programmes.meaning = "Policy: dwellings added each year and a least public share of new construction in a city";
  programmes.fields = programme_terms().declarations();
  for (auto& f : window_fields("the programme")) programmes.fields.push_back(std::move(f));
  info.collections.push_back(std::move(programmes));
  info.checks = {window_check("housing_programmes")};
  writes_lever(info.state, programme_dwellings_lever(), {Phase::policy}, "the programmes in force add their dwellings");
  writes_lever(info.state, public_construction_share_lever(), {Phase::policy}, "the largest public share in force");
  info.make = [](ModelSetup& setup) { return std::make_unique<HousingProgrammes>(setup); };
  return info;
}

}  // namespace mobsim::models
