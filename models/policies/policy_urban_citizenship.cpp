// Undocumented residents' access to formal work and public services, and
// urban citizenship (Zürich's proposed city ID card): residents without
// papers who hold the card get access to services and to formal employment.
// Without access, an undocumented job seeker can take only informal work (a
// formal employer hires with the access probability), receives no
// unemployment benefit and is not allocated social housing. Some cities give
// services to all residents whatever their status (Barcelona, Dakar and
// Kampala in seed 002): a city data field.
#include <algorithm>

#include "declare.hpp"
#include "levers.hpp"
#include "policy.hpp"
#include "register_models.hpp"
#include "shared_state.hpp"

namespace mobsim::models {

namespace {

// A card scheme's terms as its [urban_citizenship.NAME] block states them.
struct CardTerms {
  std::string city;
  double take_up_share;
  double service_access;
  double formal_employment_access;
};

const ParamBindings<CardTerms>& card_terms() {
  static const ParamBindings<CardTerms> table{
      bind(&CardTerms::city, reference_param("city", "cities", false, "City issuing the card", kFromScenario)),
      bind(&CardTerms::take_up_share,
           share_param("take_up_share", 0.8, "Share of undocumented residents who hold the card",
                       "assumption: take-up of New York's IDNYC and similar municipal cards is high among "
                       "undocumented residents once banks and city services accept them")),
      bind(&CardTerms::service_access, share_param("service_access", 1.0, "Access of card holders to public services",
                                                   "seed 002: Zürich's card would give access to all public services")),
      bind(&CardTerms::formal_employment_access,
           share_param("formal_employment_access", 0.6,
                       "Probability that a formal employer hires an undocumented card holder",
                       "assumption: a city card proves identity and residence but not a work permit; "
                       "employers' sanctions still apply")),
  };
  return table;
}

struct Params {
  double formal_employment_access;
};

const ParamBindings<Params>& bound_params() {
  static const ParamBindings<Params> table{bind(
      &Params::formal_employment_access,
      share_param("undocumented.formal_employment_access", 0.2,
                  "Probability that a formal employer hires an undocumented job seeker (the others can work only "
                  "informally)",
                  "assumption: most undocumented migrants in Europe work in the informal economy (Clandestino 2009; "
                  "ILO 2018 on migrant workers); a minority hold formal jobs with borrowed or expired papers"))};
  return table;
}

struct CityId {
  std::size_t city;
  Window window;
  double take_up, services, formal;
};

class UndocumentedAccess : public Model {
 public:
  explicit UndocumentedAccess(ModelSetup& setup) : clock_(setup.clock) {
    const auto& spec = setup.spec;
    formal_baseline_ = bound_params().read(spec).formal_employment_access;
    for (const auto& city : setup.geography.cities())
      service_baseline_.push_back(spec.find_entry("cities", city.name)->real("undocumented_service_access"));
    for (const auto& e : spec.entries("urban_citizenship")) {
      const CardTerms terms = card_terms().read(e);
      if (const auto city = city_of_run(setup.geography, terms.city))
        schemes_.push_back(CityId{*city, window_of(e, clock_), terms.take_up_share, terms.service_access,
                                  terms.formal_employment_access});
    }
    formal_field_ = setup.fields.find(undocumented_formal_access_lever().name);
    service_field_ = setup.fields.find(undocumented_service_access_lever().name);
  }

  void initialise(World& world) override { publish(world, 0); }
  void run(Phase, World& world) override { publish(world, world.step()); }
  // Nothing changes after initialise: baselines and card schemes come from
  // the scenario, and each step rebuilds the levers from them.
  void checkpoint(StateArchive&) override {}

 private:
  // Card holders (the take-up share) get the card's access; the others keep
  // the city's baseline.
  void publish(World& world, std::uint32_t step) const {
    for (std::size_t c = 0; c < world.city_count(); ++c) {
      world.fields().at(formal_field_, c)[0] = formal_baseline_;
      world.fields().at(service_field_, c)[0] = service_baseline_[c];
    }
    for (const CityId& s : schemes_) {
      if (step == 0 || !s.window.contains(clock_, step)) continue;
      double& formal = world.fields().at(formal_field_, s.city)[0];
      double& services = world.fields().at(service_field_, s.city)[0];
      formal += s.take_up * std::max(0.0, s.formal - formal);
      services += s.take_up * std::max(0.0, s.services - services);
    }
  }

  const Clock& clock_;
  double formal_baseline_ = 0;
  std::vector<double> service_baseline_;
  std::vector<CityId> schemes_;
  CityField formal_field_, service_field_;
};

}  // namespace

ModelInfo undocumented_access() {
  ModelInfo info;
  info.slot = "undocumented_access";
  info.slot_meaning = "Undocumented residents' access to work and services; city ID cards";
  info.name = "city_rules";
  info.summary = "undocumented residents' access to formal work and services; urban citizenship (city ID cards)";
  info.is_default = true;
  info.phases = {Phase::policy};
  info.params = bound_params().declarations();
  info.fields = {{"cities", share_param("undocumented_service_access", 0.0,
                                        "Share of undocumented residents with access to public services (benefits, "
                                        "social housing) whatever their status",
                                        "city data (scenarios/data/cities.toml); seed 002: Barcelona, Dakar and "
                                        "Kampala grant services to all residents")}};
  CollectionDecl ids;
  ids.name = "urban_citizenship";
  ids.entry_noun = "urban citizenship scheme";
  ids.is_policy = true;
  ids.acts_from = "start";
  ids.meaning = "Policy: a city ID card for all residents, giving undocumented holders access to services and "
                "formal employment";
  ids.fields = card_terms().declarations();
  for (auto& f : window_fields("the card scheme")) ids.fields.push_back(std::move(f));
  info.collections.push_back(std::move(ids));
  info.checks = {window_check("urban_citizenship")};
  // The city rules replace the levers' neutral values (no restriction on
  // formal hiring, no services) with the baseline, which card holders exceed.
  writes_lever(info.state, undocumented_formal_access_lever(), {Phase::policy}, "the city's rules and ID cards");
  writes_lever(info.state, undocumented_service_access_lever(), {Phase::policy}, "the city's rules and ID cards");
  info.make = [](ModelSetup& setup) { return std::make_unique<UndocumentedAccess>(setup); };
  return info;
}

}  // namespace mobsim::models
