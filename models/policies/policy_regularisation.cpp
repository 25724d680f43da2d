// Regularisation: at a date, a city's (or country's) irregular residents
// who have lived there for a minimum time become eligible, and exactly the
// stated share of them (rounded to whole agents) receive a permit, chosen by
// a keyed random order. Italy's and Spain's past regularisations (2002,
// 2005, 2009, 2020) granted one-off permits of this kind.
#include <cmath>

#include "declare.hpp"
#include "policy.hpp"
#include "register_models.hpp"
#include "selection.hpp"
#include "shared_state.hpp"

namespace mobsim::models {

namespace {

constexpr Purpose kSelectDraw = purpose("regularisation.select");

// A regularisation's terms as its [regularisations.NAME] block states them.
struct RegularisationTerms {
  std::string city;
  std::string date;
  double min_residence_years;
  double share;
  double permit_years;
};

const ParamBindings<RegularisationTerms>& regularisation_terms() {
  static const ParamBindings<RegularisationTerms> table{
      bind(&RegularisationTerms::city,
           reference_param("city", "cities", false, "City whose irregular residents are regularised", kFromScenario)),
      bind(&RegularisationTerms::date,
           month_param("date", std::nullopt, "Month in which permits are granted", kFromScenario)),
      bind(&RegularisationTerms::min_residence_years,
           real_param("min_residence_years", "years", 1.0, 0.0, 50.0,
                      "Least time lived in the city to be eligible (residents present at the start qualify)",
                      "assumption: Spain's 2005 regularisation required registration six months before; Italy's "
                      "2020 one required presence before 8 March 2020")),
      bind(&RegularisationTerms::share,
           share_param("share", 1.0, "Share of the eligible who receive a permit",
                       "assumption: Spain 2005 granted about 85% of about 690,000 applications")),
      bind(&RegularisationTerms::permit_years,
           real_param("permit_years", "years", 1.0, 0.1, 20.0,
                      "Validity of the work permit granted (renewed like any work permit)",
                      "assumption: Spain's 2005 permits were valid one year")),
  };
  return table;
}

struct Regularisation {
  std::size_t city;
  std::uint32_t step;  // the step in which it happens
  int min_residence_steps;
  double share;
  int permit_steps;
};

class Regularisations : public Model {
 public:
  explicit Regularisations(ModelSetup& setup) : clock_(setup.clock) {
    const auto& spec = setup.spec;
    for (const auto& e : spec.entries("regularisations")) {
      const RegularisationTerms terms = regularisation_terms().read(e);
      const auto city = city_of_run(setup.geography, terms.city);
      const int month = clock_.months_until(terms.date);
      if (!city || month < 0) continue;  // not in this run
      Regularisation r;
      r.city = *city;
      r.step = static_cast<std::uint32_t>(month / clock_.step_months + 1);
      r.min_residence_steps = static_cast<int>(std::ceil(12.0 * terms.min_residence_years / clock_.step_months));
      r.share = terms.share;
      r.permit_steps = std::max(1, static_cast<int>(std::ceil(12.0 * terms.permit_years / clock_.step_months)));
      regularisations_.push_back(r);
    }
    eligible_.assign(setup.geography.city_count(), 0.0);
    regularised_.assign(setup.geography.city_count(), 0.0);
  }

  void initialise(World& world) override {
    if (regularisations_.empty()) return;
    arrival_ = world.schema().find<std::uint16_t>(kArrivalColumn);
    permit_end_ = world.schema().find<std::uint16_t>(kPermitEndColumn);
    return_due_ = world.schema().find<std::uint8_t>(kReturnDueColumn);
  }

  void run(Phase, World& world) override {
    std::fill(eligible_.begin(), eligible_.end(), 0.0);
    std::fill(regularised_.begin(), regularised_.end(), 0.0);
    const std::uint32_t step = world.step();
    for (const Regularisation& r : regularisations_) {
      if (r.step != step) continue;
      AgentTable& a = world.agents(r.city);
      const auto id = a.col(core::id);
      auto legal = a.col(core::legal_status);
      const auto arrival = a.col(*arrival_);
      auto permit_end = a.col(*permit_end_);
      auto return_due = a.col(*return_due_);
      // Residents present since the start of the run count as long-standing.
      std::vector<Candidate> candidates;
      std::vector<std::uint32_t> rows;
      for (std::uint32_t row = 0; row < a.size(); ++row) {
        if (legal[row] != code(LegalStatus::irregular)) continue;
        if (arrival[row] > 0 && static_cast<int>(step - arrival[row]) < r.min_residence_steps) continue;
        candidates.push_back(Candidate{id[row]});
        rows.push_back(row);
      }
      const auto places = static_cast<std::size_t>(std::llround(r.share * static_cast<double>(candidates.size())));
      for (const std::size_t k : select_fairly(world.rng(), candidates, places, step, kSelectDraw)) {
        const std::uint32_t row = rows[k];
        legal[row] = code(LegalStatus::work_permit);
        permit_end[row] = static_cast<std::uint16_t>(step + r.permit_steps);
        return_due[row] = 0;
      }
      eligible_[r.city] += static_cast<double>(candidates.size());
      regularised_[r.city] += static_cast<double>(places);
    }
  }

  // regularisation_eligible, regularised
  void observe(const World& world, SeriesOut& out) const override {
    auto& regularisation_eligible = out["regularisation_eligible"];
    auto& regularised = out["regularised"];
    if (world.step() == 0) return;
    const double scale = static_cast<double>(world.people_per_agent());
    for (std::size_t c = 0; c < world.city_count(); ++c) {
      regularisation_eligible[c] = eligible_[c] * scale;
      regularised[c] = regularised_[c] * scale;
    }
  }

  // The step's counts, which observe reports; the regularisations come from
  // the scenario and each acts in its step (no flag of having acted).
  void checkpoint(StateArchive& ar) override {
    ar("eligible", eligible_);
    ar("regularised", regularised_);
  }

 private:
  const Clock& clock_;
  std::vector<Regularisation> regularisations_;
  std::optional<Column<std::uint16_t>> arrival_, permit_end_;
  std::optional<Column<std::uint8_t>> return_due_;
  std::vector<double> eligible_, regularised_;  // agents, this step
};

}  // namespace

ModelInfo regularisations() {
  ModelInfo info;
  info.slot = "regularisation";
  info.slot_meaning = "Regularisations of irregular residents";
  info.name = "one_off";
  info.summary = "one-off regularisations of irregular residents with a minimum stay";
  info.is_default = true;
  info.phases = {Phase::policy};
  CollectionDecl regs;
  regs.name = "regularisations";
  regs.entry_noun = "regularisation";
  regs.is_policy = true;
  regs.acts_from = "date";
  regs.meaning = "Policy: irregular residents of a city with a minimum stay receive a permit at a date";
  regs.fields = regularisation_terms().declarations();
  info.collections.push_back(std::move(regs));
  info.checks = {needs_slots_when_used("regularisations", {"legal_status"}), date_check("regularisations", "date")};
  // Only regularisations in use touch the state, and they need the legal
  // status model (checked above).
  info.state.writes = {
      optional(writes_column(kPermitEndColumn, {Phase::policy},
                             "a regularised resident's work permit ends after permit_years")),
      optional(writes_column(kReturnDueColumn, {Phase::policy}, "a regularised resident no longer has to leave"))};
  // The minimum stay is measured from the arrival step left by the previous
  // step's moves and arrivals (written in boundary and decide).
  info.state.reads = {optional(reads_column(kArrivalColumn, Phase::policy, ReadTiming::last_step),
                               "no regularisations (they need the legal status model)")};
  info.series = {
      {"regularisation_eligible", "persons", "Irregular residents eligible for a regularisation during the step", true, SeriesKind::flow},
      {"regularised", "persons", "Irregular residents who received a permit by regularisation during the step", true, SeriesKind::flow},
  };
  info.make = [](ModelSetup& setup) { return std::make_unique<Regularisations>(setup); };
  return info;
}

}  // namespace mobsim::models
