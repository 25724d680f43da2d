// Legal pathways: a visa quota for a corridor or region pair (e.g. EU Talent
// Partnerships, Germany's Western Balkans rule), open to people of a least
// skill level. While a pathway has places left this calendar year, migration
// decisions see it as one more channel into its destinations; those who take
// it apply, and at the end of the decision phase the applicants of the step
// are ranked by a keyed random order and admitted up to the places left. The
// quota is exact: never exceeded in any calendar year. Places are released
// evenly over the year (by month m, at most m/12 of the quota). A pathway
// may come with housing for the admitted's first months (employers who
// recruit abroad guarantee accommodation: Italy's contratto di soggiorno,
// D.lgs. 286/1998 art. 5-bis; Spain's GECCO orders state the housing
// seasonal workers must be given): they then live outside the housing
// market, paying the housing's cost, until it ends or they move on.
#include <algorithm>
#include <cmath>

#include "declare.hpp"
#include "levers.hpp"
#include "policy.hpp"
#include "provided_housing.hpp"
#include "register_models.hpp"
#include "relocation.hpp"
#include "selection.hpp"
#include "shared_state.hpp"

namespace mobsim::models {

namespace {

constexpr Purpose kSelectDraw = purpose("legal_pathways.select");

// A pathway's terms as its [legal_pathways.NAME] block states them.
struct PathwayTerms {
  std::vector<std::string> origins;
  std::vector<std::string> destinations;
  std::int64_t annual_quota;
  std::string min_skill;
  double permit_years;
  double cost_eur;
  double housing_provided_months;
  double housing_cost_eur_per_month;
};

// 1 + the pathway whose provided housing an agent lives in (or moves into
// this step); 0 none.
const std::string kHousingColumn = "pathway_housing";

const ParamBindings<PathwayTerms>& pathway_terms() {
  static const ParamBindings<PathwayTerms> table{
      bind(&PathwayTerms::origins,
           text_list_param("origins", std::nullopt, "Origin cities, countries or continents", kFromScenario)),
      bind(&PathwayTerms::destinations,
           text_list_param("destinations", std::nullopt, "Destination cities, countries or continents", kFromScenario)),
      bind(&PathwayTerms::annual_quota,
           integer_param("annual_quota", "persons per year", 0, 0, 1.0e8,
                         "Visas per calendar year (rounded down to whole agents)", kFromScenario)),
      bind(&PathwayTerms::min_skill,
           choice_param("min_skill", {"low", "medium", "high"}, "low",
                        "Least skill level of applicants (high: highly skilled only)", kFromScenario)),
      bind(&PathwayTerms::permit_years,
           real_param("permit_years", "years", 2.0, 0.1, 20.0, "Validity of the work permit granted",
                      "assumption: EU Blue Card and national work visas, 1-4 years")),
      bind(&PathwayTerms::cost_eur,
           real_param("cost_eur", "EUR", 300.0, 0.0, 1.0e5, "Fees and travel an admitted applicant pays",
                      "assumption: visa fees and a flight")),
      bind(&PathwayTerms::housing_provided_months,
           real_param("housing_provided_months", "months", 0.0, 0.0, 240.0,
                      "Months the employer houses an admitted applicant after arrival, outside the housing market "
                      "(0: none; they look for housing like any newcomer)",
                      kFromScenario)),
      bind(&PathwayTerms::housing_cost_eur_per_month, provided_housing_cost_param("housing_provided_months")),
  };
  return table;
}

struct Pathway {
  Window window;
  std::vector<bool> origins, destinations;  // [city]
  std::int64_t quota_agents;                // per calendar year
  int min_skill;
  int permit_steps;
  double cost_eur;
  int housing_steps = 0;  // 0: no housing provided
  double housing_cost = 0;  // EUR per month
  int year = 0;
  std::int64_t admitted_this_year = 0;
  double applicants = 0, admitted = 0;  // agents, this step
};

class LegalPathways : public Model {
 public:
  explicit LegalPathways(ModelSetup& setup) : geography_(setup.geography), clock_(setup.clock) {
    const auto& spec = setup.spec;
    const auto ppa = spec.integer("run.people_per_agent");
    for (const auto& e : spec.entries("legal_pathways")) {
      const PathwayTerms terms = pathway_terms().read(e);
      Pathway p;
      p.window = window_of(e, clock_);
      p.origins = cities_named(geography_, terms.origins);
      p.destinations = cities_named(geography_, terms.destinations);
      p.quota_agents = terms.annual_quota / ppa;  // rounded down: never above the quota in persons
      p.min_skill = terms.min_skill == "high" ? 2 : terms.min_skill == "medium" ? 1 : 0;
      p.permit_steps = std::max(1, static_cast<int>(std::ceil(12.0 * terms.permit_years / clock_.step_months)));
      p.cost_eur = terms.cost_eur;
      if (terms.housing_provided_months > 0)
        p.housing_steps = std::max(1, static_cast<int>(std::ceil(terms.housing_provided_months / clock_.step_months)));
      p.housing_cost = terms.housing_cost_eur_per_month;
      pathways_.push_back(std::move(p));
    }
    if (pathways_.empty()) return;  // idle: no columns, no field
    application_ = setup.schema.add<std::uint8_t>(kPathwayApplicationColumn, "1 + legal pathway applied to this step");
    destination_ = setup.schema.add<std::uint16_t>(kPathwayDestinationColumn, "city a pathway application is for");
    housing_ = setup.schema.add<std::uint8_t>(kHousingColumn, "1 + legal pathway whose provided housing the agent has");
  }

  void initialise(World& world) override {
    field_ = world.field_schema().find(legal_pathway_lever().name);
    if (pathways_.empty()) return;
    columns_ = RelocationColumns::find(world);
    const auto cost = world.field_schema().find(kProvidedHousingCostField);
    housed_arrivals_.resize(world.city_count());
    housing_destination_.assign(world.city_count(), false);
    for (const Pathway& p : pathways_)
      for (std::size_t c = 0; c < world.city_count(); ++c)
        if (p.housing_steps > 0 && p.destinations[c]) {
          world.fields().at(cost, c)[0] = p.housing_cost;
          housing_destination_[c] = any_housing_ = true;
        }
  }

  void run(Phase phase, World& world) override {
    if (pathways_.empty()) return;
    if (phase == Phase::policy) publish(world);
    else if (phase == Phase::decide) admit(world);
    else house(world);
  }

  // applicants, admitted (persons during the step), places_left (this year)
  void observe_entries(const World& world, EntrySeriesOut& out) const override {
    const double scale = static_cast<double>(world.people_per_agent());
    for (std::size_t k = 0; k < pathways_.size(); ++k) {
      const Pathway& p = pathways_[k];
      out(k, "applicants") = world.step() == 0 ? 0.0 : p.applicants * scale;
      out(k, "admitted") = world.step() == 0 ? 0.0 : p.admitted * scale;
      out(k, "places_left") = static_cast<double>(p.quota_agents - p.admitted_this_year) * scale;
    }
  }

  // Each pathway's year and places used in it, and the step's counts (which
  // observe_entries reports); the terms come from the scenario.
  void checkpoint(StateArchive& ar) override {
    for (std::size_t k = 0; k < pathways_.size(); ++k) {
      Pathway& p = pathways_[k];
      const auto entry = ar.section("pathways/" + std::to_string(k));
      ar("year", p.year);
      ar("admitted_this_year", p.admitted_this_year);
      ar("applicants", p.applicants);
      ar("admitted", p.admitted);
    }
    // Filled in decide and emptied in arrive of the same step, so empty
    // between steps; kept all the same.
    ar("housed_arrivals", housed_arrivals_);
  }

 private:
  std::int64_t places_left(const Pathway& p, std::uint32_t step) const {
    const int month = clock_.calendar_month_of_step(static_cast<int>(step));
    const auto released = p.quota_agents * month / 12;  // evenly over the year, all by December
    return std::max<std::int64_t>(0, released - p.admitted_this_year);
  }

  void publish(World& world) {
    const std::uint32_t step = world.step();
    const std::size_t n = world.city_count();
    for (Pathway& p : pathways_) {
      p.applicants = p.admitted = 0;
      if (clock_.year_of_step(static_cast<int>(step)) != p.year) {
        p.year = clock_.year_of_step(static_cast<int>(step));
        p.admitted_this_year = 0;
      }
    }
    for (std::size_t j = 0; j < n; ++j) {
      auto field = world.fields().at(field_, j);
      std::fill(field.begin(), field.end(), 0.0);
      // The first pathway in name order with places left serves each pair.
      for (std::size_t k = pathways_.size(); k-- > 0;) {
        const Pathway& p = pathways_[k];
        if (!p.window.contains(clock_, step) || !p.destinations[j] || places_left(p, step) == 0) continue;
        for (std::size_t i = 0; i < n; ++i)
          for (int s = p.min_skill; s < 3; ++s)
            if (p.origins[i] && i != j) field[i * 3 + static_cast<std::size_t>(s)] = static_cast<double>(k + 1);
      }
    }
  }

  // The step's applicants, ranked, admitted up to the places left; the
  // others stay where they are.
  void admit(World& world) {
    const std::uint32_t step = world.step();
    const auto chunks = make_chunks(world);
    struct Application {
      std::uint32_t chunk, row;
      std::uint16_t destination;
    };
    std::vector<std::vector<Application>> by_chunk(chunks.size());
    parallel_for_chunks(chunks, [&](std::size_t k, const Chunk& ch) {
      auto applied = world.agents(ch.city).col(application_);
      for (std::uint32_t r = ch.begin; r < ch.end; ++r)
        if (applied[r] != 0) by_chunk[k].push_back(Application{static_cast<std::uint32_t>(k), r, 0});
    });
    std::vector<std::vector<Application>> by_pathway(pathways_.size());
    std::vector<std::vector<Candidate>> candidates(pathways_.size());
    for (std::size_t k = 0; k < chunks.size(); ++k)
      for (Application app : by_chunk[k]) {
        AgentTable& a = world.agents(chunks[k].city);
        const std::size_t p = a.col(application_)[app.row] - 1u;
        app.destination = a.col(destination_)[app.row];
        a.col(application_)[app.row] = 0;
        by_pathway[p].push_back(app);
        candidates[p].push_back(Candidate{a.col(core::id)[app.row]});
      }
    std::vector<std::vector<Move>> moves(chunks.size());
    for (std::size_t p = 0; p < pathways_.size(); ++p) {
      Pathway& pathway = pathways_[p];
      pathway.applicants = static_cast<double>(candidates[p].size());
      const auto places = static_cast<std::size_t>(places_left(pathway, step));
      for (const std::size_t w : select_fairly(world.rng(), candidates[p], places, step, kSelectDraw)) {
        const Application& app = by_pathway[p][w];
        AgentTable& a = world.agents(chunks[app.chunk].city);
        auto savings = a.col(columns_.savings);
        savings[app.row] = std::max(0.0f, static_cast<float>(savings[app.row] - pathway.cost_eur));
        a.col(core::legal_status)[app.row] = code(LegalStatus::work_permit);
        a.col(columns_.permit_end)[app.row] = static_cast<std::uint16_t>(step + pathway.permit_steps);
        leave_behind(a, app.row, step, columns_);
        if (pathway.housing_steps > 0) {
          a.col(housing_)[app.row] = static_cast<std::uint8_t>(p + 1);
          housed_arrivals_[app.destination].push_back(a.col(core::id)[app.row]);
        }
        moves[app.chunk].push_back(Move{app.row, app.destination, world.channel("legal_pathway")});
        pathway.admitted += 1;
        pathway.admitted_this_year += 1;
      }
    }
    for (auto& ids : housed_arrivals_) std::sort(ids.begin(), ids.end());
    world.request_moves(chunks, moves);
  }

  // Arrive phase, before the housing market places the unhoused: the
  // admitted of this step whose pathway houses them move in; those whose
  // provided housing has run its months leave it (unhoused: the market
  // places them now); anyone else arriving leaves a pathway's housing behind.
  void house(World& world) {
    if (!any_housing_) return;
    const std::uint32_t step = world.step();
    parallel_for_cities(world, [&](std::size_t c) {
      AgentTable& a = world.agents(c);
      const auto id = a.col(core::id);
      const auto arrival = a.col(columns_.arrival);
      auto housing = a.col(housing_);
      auto tenure = a.col(columns_.tenure);
      const auto& admitted = housed_arrivals_[c];
      const std::size_t first_arrival = world.first_arrival(c);
      // Residents from before this step hold a pathway's housing only in
      // the cities where such pathways admit (a move elsewhere clears it
      // below, on arrival).
      const std::size_t from = housing_destination_[c] ? 0 : first_arrival;
      for (std::size_t r = from; r < a.size(); ++r) {
        if (housing[r] == 0) continue;
        if (r >= first_arrival) {
          if (std::binary_search(admitted.begin(), admitted.end(), id[r])) tenure[r] = code(Tenure::provided);
          else housing[r] = 0;  // moved on by another channel: the housing stays behind
          continue;
        }
        const Pathway& p = pathways_[housing[r] - 1u];
        if (tenure[r] != code(Tenure::provided) || step >= arrival[r] + static_cast<std::uint32_t>(p.housing_steps)) {
          if (tenure[r] == code(Tenure::provided)) tenure[r] = code(Tenure::unhoused);
          housing[r] = 0;
        }
      }
      housed_arrivals_[c].clear();
    });
  }

  const Geography& geography_;
  const Clock& clock_;
  std::vector<Pathway> pathways_;
  CityField field_;
  std::vector<std::vector<std::uint64_t>> housed_arrivals_;  // [city]: ids admitted this step with housing, sorted
  std::vector<bool> housing_destination_;  // [city]: a pathway that houses its admitted admits there
  bool any_housing_ = false;
  Column<std::uint8_t> application_{}, housing_{};
  Column<std::uint16_t> destination_{};
  RelocationColumns columns_;
};

}  // namespace

ModelInfo legal_pathways() {
  ModelInfo info;
  info.slot = "legal_pathways";
  info.slot_meaning = "Visa quotas per corridor or region pair";
  info.name = "quotas";
  info.summary = "visa quotas per corridor or region pair with a skill filter, allocated fairly and exactly";
  info.is_default = true;
  info.phases = {Phase::policy, Phase::decide, Phase::arrive};
  info.channels = {"legal_pathway"};
  CollectionDecl pathways;
  pathways.name = "legal_pathways";
  pathways.entry_noun = "legal pathway";
  pathways.is_policy = true;
  pathways.acts_from = "start";
  pathways.meaning = "Policy: an annual visa quota from origin to destination cities for people of a least skill";
  pathways.fields = pathway_terms().declarations();
  for (auto& f : window_fields("the pathway")) pathways.fields.push_back(std::move(f));
  info.collections.push_back(std::move(pathways));
  info.checks = {window_check("legal_pathways"), quota_scale_check("legal_pathways", "annual_quota"), output_name_check("legal_pathways"), place_names_check("legal_pathways", "origins"),
                 place_names_check("legal_pathways", "destinations"),
                 one_provided_housing_cost_per_city("legal_pathways"),
                 needs_slots_when_used("legal_pathways", {"legal_status", "budget", "labour", "housing"}),
                 [](const ScenarioSpec& spec, std::vector<Diagnostic>& diags) {
                   // Only behavioural migration decisions apply to pathways.
                   const auto& entries = spec.entries("legal_pathways");
                   if (!entries.empty() && spec.text("models.migration") != "behavioural")
                     diags.push_back(Diagnostic{entries.front().where, "legal_pathways." + toml_key(entries.front().name),
                                                "needs models.migration = \"behavioural\" (only its decisions use "
                                                "pathways)",
                                                ""});
                 }};
  writes_lever(info.state, legal_pathway_lever(), {Phase::policy},
               "opens the pathway channel for the origins and skills of pathways with places left");
  info.state.owns = {
      // Filed by migration decisions (decide); cleared here when the
      // applications are decided, later in the same phase.
      owns_column<std::uint8_t>(kPathwayApplicationColumn, "code",
                                "1 + legal pathway a migration decision applied to this step; 0 none",
                                {Phase::decide}),
      owns_column<std::uint16_t>(kPathwayDestinationColumn, "city", "city a pathway application is for", {}),
      owns_column<std::uint8_t>(kHousingColumn, "code",
                                "1 + legal pathway whose provided housing the agent lives in (or moves into this "
                                "step); 0 none",
                                {Phase::decide, Phase::arrive})};
  // Migration files this step's applications earlier in decide; the
  // admitted pay the admission fee out of their savings.
  declare_relocation(info.state, {Phase::decide});
  info.state.reads.push_back(reads_column(kPathwayApplicationColumn, Phase::decide));
  info.state.reads.push_back(reads_column(kPathwayDestinationColumn, Phase::decide));
  info.state.writes.push_back(writes_column(kSavingsColumn, {Phase::decide}, "the admitted pay the admission fee"));
  // Provided housing: the admitted move in on arrival and out when its
  // months have run, before the housing market places the unhoused (which
  // reads tenure this step); a tenure as the phase began tells who lives in it.
  info.state.writes.push_back(writes_column(kTenureColumn, {Phase::arrive},
                                            "the admitted move into the housing provided, and out when it ends"));
  info.state.writes.push_back(
      writes_field(kProvidedHousingCostField, {}, "what the admitted pay for the housing provided in the destination"));
  info.state.reads.push_back(reads_column(kTenureColumn, Phase::arrive, ReadTiming::phase_start));
  info.state.reads.push_back(reads_column(kArrivalColumn, Phase::arrive));
  // Only pathways in use relocate anyone, and they need the legal status,
  // budget, labour and housing models (checked above).
  const std::string unused = "no legal pathways (they need the legal status, budget, labour and housing models)";
  all_optional(info.state, unused);
  info.entry_series = EntrySeriesDecl{
      "pathways", "legal_pathways",
      {{"applicants", "persons", "Applications to the pathway during the step", true, SeriesKind::flow},
       {"admitted", "persons", "Applicants admitted (moved) during the step", true, SeriesKind::flow, true},
       {"places_left", "persons", "Places left in the calendar year's quota", true, SeriesKind::stock}}};
  // Created only when pathways are given: an idle slot adds no column and no field.
  for (auto& owned : info.state.owns) owned = only_when_used(owned);
  info.make = [](ModelSetup& setup) { return std::make_unique<LegalPathways>(setup); };
  return info;
}

}  // namespace mobsim::models
