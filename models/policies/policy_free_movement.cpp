// Free-movement blocs (EU/EFTA, ECOWAS, EAC): which nationalities may settle
// freely in each city's country, step by step. Membership comes from the
// country data; a bloc change switches a bloc's free movement off (or on)
// and adds or removes members for a time window, e.g. a suspension of
// ECOWAS free movement or a new member state.
#include <algorithm>

#include "declare.hpp"
#include "policy.hpp"
#include "register_models.hpp"
#include "shared_state.hpp"

namespace mobsim::models {

namespace {

// A change's terms as its [bloc_changes.NAME] block states them.
struct ChangeTerms {
  std::string bloc;
  bool free_movement;
  std::vector<std::string> join;
  std::vector<std::string> leave;
};

const ParamBindings<ChangeTerms>& change_terms() {
  static const ParamBindings<ChangeTerms> table{
      bind(&ChangeTerms::bloc, reference_param("bloc", "blocs", false, "The bloc that changes", kFromScenario)),
      bind(&ChangeTerms::free_movement,
           bool_param("free_movement", false, "Whether free movement applies within the bloc in the window",
                      kFromScenario)),
      bind(&ChangeTerms::join, reference_param("join", "countries", true,
                                               "Countries that are members during the window", kFromScenario, false)),
      bind(&ChangeTerms::leave,
           reference_param("leave", "countries", true, "Countries that are not members during the window",
                           kFromScenario, false)),
  };
  return table;
}

struct BlocChange {
  std::string bloc;
  Window window;
  bool free_movement = true;
  std::vector<std::string> join, leave;
};

class FreeMovementBlocs : public Model {
 public:
  explicit FreeMovementBlocs(ModelSetup& setup) : geography_(setup.geography), clock_(setup.clock) {
    const auto& spec = setup.spec;
    for (const auto& b : spec.entries("blocs")) {
      blocs_.push_back(b.name);
      free_movement_.push_back(b.flag("free_movement"));
    }
    const auto& countries = geography_.countries();
    members_.assign(blocs_.size(), std::vector<bool>(countries.size(), false));
    for (std::size_t k = 0; k < countries.size(); ++k)
      for (const auto& bloc : spec.find_entry("countries", countries[k])->names("blocs")) members_[bloc_index(bloc)][k] = true;
    for (const auto& e : spec.entries("bloc_changes")) {
      const ChangeTerms terms = change_terms().read(e);
      changes_.push_back(BlocChange{terms.bloc, window_of(e, clock_), terms.free_movement, terms.join, terms.leave});
    }
    field_ = setup.fields.add(kFreeMovementField, static_cast<std::uint32_t>(countries.size() + 1),
                              "1 where a nationality may settle freely");
  }

  void initialise(World& world) override { publish(world, 0); }
  void run(Phase, World& world) override { publish(world, world.step()); }
  // Nothing changes after initialise: blocs, members and changes come from
  // the scenario, and each step rebuilds the field from them.
  void checkpoint(StateArchive&) override {}

 private:
  std::size_t bloc_index(const std::string& name) const {
    return static_cast<std::size_t>(std::find(blocs_.begin(), blocs_.end(), name) - blocs_.begin());
  }

  // Nationality n may settle in city c when n is c's country or both
  // countries belong to a bloc with free movement in force at `step`.
  void publish(World& world, std::uint32_t step) const {
    auto members = members_;
    auto open = free_movement_;
    const auto& countries = geography_.countries();
    for (const auto& change : changes_) {
      if (step == 0 || !change.window.contains(clock_, step)) continue;
      const std::size_t b = bloc_index(change.bloc);
      open[b] = change.free_movement;
      for (std::size_t k = 0; k < countries.size(); ++k) {
        if (std::find(change.join.begin(), change.join.end(), countries[k]) != change.join.end()) members[b][k] = true;
        if (std::find(change.leave.begin(), change.leave.end(), countries[k]) != change.leave.end()) members[b][k] = false;
      }
    }
    for (std::size_t c = 0; c < world.city_count(); ++c) {
      const std::size_t here = geography_.city(c).country_index;
      auto field = world.fields().at(field_, c);
      std::fill(field.begin(), field.end(), 0.0);
      for (std::size_t n = 0; n < countries.size(); ++n) {
        bool shared = n == here;
        for (std::size_t b = 0; b < blocs_.size(); ++b) shared = shared || (open[b] && members[b][n] && members[b][here]);
        field[n] = shared ? 1.0 : 0.0;
      }
    }
  }

  const Geography& geography_;
  const Clock& clock_;
  std::vector<std::string> blocs_;
  std::vector<bool> free_movement_;
  std::vector<std::vector<bool>> members_;  // [bloc][country]
  std::vector<BlocChange> changes_;
  CityField field_;
};

}  // namespace

ModelInfo free_movement_blocs() {
  ModelInfo info;
  info.slot = "free_movement";
  info.slot_meaning = "Free-movement blocs and changes to them";
  info.name = "blocs";
  info.summary = "free movement of persons within blocs (EU/EFTA, ECOWAS, EAC), with bloc changes in time windows";
  info.is_default = true;
  info.phases = {Phase::policy};
  const std::string data = "country data (scenarios/data/countries.toml)";
  CollectionDecl blocs;
  blocs.name = "blocs";
  blocs.entry_noun = "bloc";
  blocs.meaning = "Free-movement blocs (scenarios/data/countries.toml)";
  blocs.fields = {
      text_param("long_name", std::string(""), "Descriptive name", data),
      bool_param("free_movement", true, "Whether citizens of member countries may settle in each other's countries", data),
      text_param("source", std::string(""), "Legal basis", data),
  };
  info.collections.push_back(std::move(blocs));
  CollectionDecl changes;
  changes.name = "bloc_changes";
  changes.entry_noun = "bloc change";
  changes.is_policy = true;
  changes.acts_from = "start";
  changes.meaning = "Policy: a bloc's free movement switched off or on, or its membership changed, for a time window";
  changes.fields = change_terms().declarations();
  for (auto& f : window_fields("the change")) changes.fields.push_back(std::move(f));
  info.collections.push_back(std::move(changes));
  info.fields = {
      {"countries", reference_param("blocs", "blocs", true, "Free-movement blocs the country belongs to", data, false)},
  };
  info.checks = {window_check("bloc_changes")};
  info.state.owns = {owns_field(kFreeMovementField, "nationalities (countries, then other)", "1",
                                "1 where a nationality may settle freely in the city's country (its own country, or a "
                                "bloc with free movement in force shared with it); 0 otherwise",
                                {Phase::policy})};
  info.make = [](ModelSetup& setup) { return std::make_unique<FreeMovementBlocs>(setup); };
  return info;
}

}  // namespace mobsim::models
