// Skills recognition: a city programme (a recognition office, bridging
// courses, fast-track procedures) that lowers the probability that a foreign
// qualification is not recognised when hiring. The labour market applies the
// reduction to the city's recognition penalty.
#include "declare.hpp"
#include "levers.hpp"
#include "policy.hpp"
#include "register_models.hpp"
#include "shared_state.hpp"

namespace mobsim::models {

namespace {

// A programme's terms as its [skills_recognition.NAME] block states them.
struct ProgrammeTerms {
  std::string city;
  double penalty_reduction;
};

const ParamBindings<ProgrammeTerms>& programme_terms() {
  static const ParamBindings<ProgrammeTerms> table{
      bind(&ProgrammeTerms::city, reference_param("city", "cities", false, "City of the programme", kFromScenario)),
      bind(&ProgrammeTerms::penalty_reduction,
           share_param("penalty_reduction", 0.5,
                       "Share by which the city's recognition penalty falls while the programme runs",
                       "assumption: recognition offices and bridging courses (Barcelona's SAIER, "
                       "Mannheim; seed 002) roughly halve non-recognition for those who use them")),
  };
  return table;
}

struct Programme {
  std::size_t city;
  Window window;
  double reduction;
};

class SkillsRecognition : public Model {
 public:
  explicit SkillsRecognition(ModelSetup& setup) : clock_(setup.clock) {
    for (const auto& e : setup.spec.entries("skills_recognition")) {
      const ProgrammeTerms terms = programme_terms().read(e);
      if (const auto city = city_of_run(setup.geography, terms.city))
        programmes_.push_back(Programme{*city, window_of(e, clock_), terms.penalty_reduction});
    }
    field_ = setup.fields.find(recognition_reduction_lever().name);
  }

  void run(Phase, World& world) override {
    // Programmes in force together: each removes its share of what is left
    // (the lever starts each step at its neutral 0).
    for (const Programme& p : programmes_) {
      if (!p.window.contains(clock_, world.step())) continue;
      double& reduction = world.fields().at(field_, p.city)[0];
      reduction = 1.0 - (1.0 - reduction) * (1.0 - p.reduction);
    }
  }

  // Nothing changes after initialise: the programmes come from the scenario.
  void checkpoint(StateArchive&) override {}

 private:
  const Clock& clock_;
  std::vector<Programme> programmes_;
  CityField field_;
};

}  // namespace

ModelInfo skills_recognition() {
  ModelInfo info;
  info.slot = "skills_recognition";
  info.slot_meaning = "Programmes that recognise foreign qualifications";
  info.name = "programmes";
  info.summary = "city programmes that lower the recognition penalty of foreign qualifications";
  info.is_default = true;
  info.phases = {Phase::policy};
  CollectionDecl programmes;
  programmes.name = "skills_recognition";
  programmes.entry_noun = "skills recognition programme";
  programmes.is_policy = true;
  programmes.acts_from = "start";
  programmes.meaning = "Policy: lower probability that a foreign qualification is not recognised in a city";
  programmes.fields = programme_terms().declarations();
  for (auto& f : window_fields("the programme")) programmes.fields.push_back(std::move(f));
  info.collections.push_back(std::move(programmes));
  info.checks = {window_check("skills_recognition")};
  writes_lever(info.state, recognition_reduction_lever(), {Phase::policy},
               "each programme in force removes its share of the penalty left");
  info.make = [](ModelSetup& setup) { return std::make_unique<SkillsRecognition>(setup); };
  return info;
}

}  // namespace mobsim::models
