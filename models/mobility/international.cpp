// Immigration from the rest of the world: people who come to live in a city
// from countries outside the simulated cities (the other documented external
// boundary, beside each city's hinterland). Arrivals are Poisson with mean
// rate x residents x step length; newcomers are adults born in the rest of
// the world, with a legal status drawn from the mix of entry routes of the
// city's continent and the skills of the city's residents.
#include <cmath>
#include <optional>

#include "declare.hpp"
#include "newcomers.hpp"
#include "levers.hpp"
#include "register_models.hpp"
#include "shared_state.hpp"

namespace mobsim::models {

namespace {

constexpr Purpose kArrivalsDraw = purpose("international.arrivals");
constexpr Purpose kNewcomerDraw = purpose("international.newcomer");

const std::vector<std::pair<std::string, LegalStatus>> kEntryStatuses{
    {"free_mover", LegalStatus::free_mover},     {"work_permit", LegalStatus::work_permit},
    {"temporary_permit", LegalStatus::temporary_permit}, {"student", LegalStatus::student},
    {"asylum_seeker", LegalStatus::asylum_seeker}, {"refugee", LegalStatus::refugee},
    {"irregular", LegalStatus::irregular}};

struct Params {
  int min_age_years, max_age_years;
  double male_share, savings_months;
};

const ParamBindings<Params>& bound_params() {
  static const ParamBindings<Params> table{
      bind(&Params::min_age_years,
           integer_param("international.min_age_years", "years", 18, 0, 80, "Youngest age of arrivals (uniform ages)",
                         "assumption: Eurostat migr_imm8, most immigrants are aged 20-40")),
      bind(&Params::max_age_years,
           integer_param("international.max_age_years", "years", 44, 0, 100, "Oldest age of arrivals (uniform ages)",
                         "assumption: Eurostat migr_imm8")),
      bind(&Params::male_share, share_param("international.male_share", 0.5, "Share of men among arrivals",
                                            "Eurostat migr_imm8: immigration to the EU is roughly sex-balanced")),
      bind(&Params::savings_months,
           real_param("international.savings_months", "months of living cost and rent", 3.0, 0.0, 120.0,
                      "Savings an arrival brings, in months of the city's living cost plus formal private rent",
                      "assumption: residence permits for work, study or family require proof of means of "
                      "subsistence (for students in Germany a blocked account of EUR 11,208 for 2024, approx.), and "
                      "arrivals need two months' rent deposit (housing.deposit_months) and a month's costs: 3")),
  };
  return table;
}

// What the city data give arrivals from the rest of the world (scenarios/data/cities.toml).
struct CityData {
  double immigration_from_rest_of_world_per_1000;
};

const ParamBindings<CityData>& city_data() {
  static const ParamBindings<CityData> table{
      bind(
          &CityData::immigration_from_rest_of_world_per_1000,
          real_param("immigration_from_rest_of_world_per_1000", "per 1000 residents per year", std::nullopt, 0.0, 200.0,
                     "Gross arrivals from countries outside the simulated cities per 1000 residents "
                     "per year",
                     "city data (scenarios/data/cities.toml)")),
  };
  return table;
}

struct CityInflow {
  double rate_per_year = 0;  // arrivals per resident per year
  double high_skill = 0, medium_skill = 0;
  std::vector<std::pair<double, LegalStatus>> cumulative_status;
  int decision_steps = 1;
};

class RestOfWorldImmigration : public Model {
 public:
  explicit RestOfWorldImmigration(ModelSetup& setup)
      : clock_(setup.clock),
        geography_(setup.geography),
        ages_(bound_params().read(setup.spec).min_age_years, bound_params().read(setup.spec).max_age_years) {
    const auto& spec = setup.spec;
    const Params p = bound_params().read(spec);
    ages_ = NewcomerAges(p.min_age_years, p.max_age_years);
    male_share_ = p.male_share;
    savings_months_ = p.savings_months;
    for (const auto& city : setup.geography.cities()) {
      const auto& e = *spec.find_entry("cities", city.name);
      CityInflow in;
      in.rate_per_year = city_data().read(e).immigration_from_rest_of_world_per_1000 / 1000.0;
      // The skills of the residents (census_population.cpp's city data).
      in.high_skill = e.real("high_skill_share");
      in.medium_skill = e.real("medium_skill_share");
      const auto& shares = spec.find_entry("continents", city.continent)->real_table("entry_status");
      double total = 0, running = 0;
      for (const auto& [name, share] : shares) total += share;
      for (const auto& [name, status] : kEntryStatuses) {
        if (!shares.count(name)) continue;
        running += shares.at(name) / total;
        in.cumulative_status.emplace_back(running, status);
      }
      in.decision_steps = std::max(1, static_cast<int>(std::ceil(
                                          static_cast<double>(e.integer("asylum_decision_months")) / setup.clock.step_months)));
      cities_.push_back(std::move(in));
    }
  }

  void initialise(World& world) override {
    flow_ = world.flow("immigration_from_rest_of_world");
    const auto& s = world.schema();
    arrival_savings_.find(world, savings_months_);
    participation_.find(world);
    if (s.has(kPermitEndColumn)) {
      permit_end_ = s.find<std::uint16_t>(kPermitEndColumn);
      permit_steps_ = world.field_schema().find(kWorkPermitStepsField);
    }
    if (s.has(kArrivalColumn)) arrival_ = s.find<std::uint16_t>(kArrivalColumn);
    move_factor_ = world.field_schema().find(international_move_lever().name);
  }

  void run(Phase, World& world) override {
    const std::uint32_t step = world.step();
    parallel_for_cities(world, [&](std::size_t c) {
      const CityInflow& in = cities_[c];
      AgentTable& agents = world.agents(c);
      // A mobility shock lets only its share of arrivals through (thinning a
      // Poisson process gives a Poisson process).
      const double open = world.fields().at(move_factor_, c)[0];
      const double mean = in.rate_per_year * clock_.years_per_step() * static_cast<double>(agents.size()) * open;
      auto stream = world.rng().city_stream(static_cast<std::uint32_t>(c), step, kArrivalsDraw);
      const auto count = static_cast<std::size_t>(poisson(stream, mean));
      if (count == 0) return;
      const std::size_t first = world.create_agents(c, count, flow_);
      const CoreColumns a = core_columns(agents);
      const float savings = arrival_savings_.amount(world, c);
      for (std::size_t r = first; r < first + count; ++r) {
        const Draw d = world.rng().agent(a.id[r], step, kNewcomerDraw);
        draw_newcomer(a, r, d, geography_.rest_of_world_place(), ages_, male_share_, in.high_skill, in.medium_skill);
        LegalStatus status = in.cumulative_status.back().second;
        for (const auto& [p, s] : in.cumulative_status)
          if (d.unit(3) <= p) {
            status = s;
            break;
          }
        a.legal_status[r] = code(status);
        // A work permit is granted for a job: its holders all look for work.
        if (status != LegalStatus::work_permit) participation_.apply(world, c, a, r, step);
        if (permit_end_) {
          const bool permit = status == LegalStatus::work_permit || status == LegalStatus::temporary_permit ||
                              status == LegalStatus::student;
          const int permit_steps = static_cast<int>(world.fields().at(*permit_steps_, c)[0]);
          const int steps = status == LegalStatus::asylum_seeker ? in.decision_steps : permit ? permit_steps : 0;
          world.agents(c).col(*permit_end_)[r] = static_cast<std::uint16_t>(steps > 0 ? step + steps : 0);
        }
        if (arrival_savings_.savings) world.agents(c).col(*arrival_savings_.savings)[r] = savings;
        if (arrival_) world.agents(c).col(*arrival_)[r] = static_cast<std::uint16_t>(step);
      }
    });
  }

  // Nothing changes after initialise: per-city data and handles only.
  void checkpoint(StateArchive&) override {}

 private:
  const Clock& clock_;
  const Geography& geography_;
  std::vector<CityInflow> cities_;
  NewcomerAges ages_;
  std::optional<CityField> permit_steps_;  // with the legal status model
  double male_share_ = 0.5, savings_months_ = 0;
  FlowId flow_ = 0;
  ArrivalSavings arrival_savings_;
  NewcomerParticipation participation_;
  std::optional<Column<std::uint16_t>> permit_end_, arrival_;
  CityField move_factor_;  // lever
};

// Shares by legal status (no default: every continent of the data states its own).
ParamDecl status_table(std::string key, std::string meaning, std::string source) {
  ParamDecl d = share_param(std::move(key), std::nullopt, std::move(meaning), std::move(source));
  d.type = ParamType::real_table;
  return d;
}

}  // namespace

ModelInfo rest_of_world_immigration() {
  ModelInfo info;
  info.slot = "international";
  info.slot_meaning = "Arrivals from countries outside the simulated cities";
  info.name = "rest_of_world";
  info.summary = "Poisson arrivals from countries outside the simulated cities at a city-specific rate; adult "
                 "newcomers with the entry routes of the city's continent";
  info.is_default = true;
  info.phases = {Phase::boundary};
  info.flows = {FlowDecl{"immigration_from_rest_of_world", true,
                         "Arrivals from countries outside the simulated cities during the step", true}};
  info.params = bound_params().declarations();
  info.fields.emplace_back("continents",
                           status_table("entry_status",
                                        "Shares of arrivals from countries outside the simulated cities by legal "
                                        "status on arrival (keys: free_mover, work_permit, temporary_permit, "
                                        "student, asylum_seeker, refugee, irregular; normalised)",
                                        "continent data (scenarios/data/continents.toml)"));
  for (auto& field : with_collection("cities", city_data().declarations())) info.fields.push_back(std::move(field));
  info.checks.push_back([](const ScenarioSpec& spec, std::vector<Diagnostic>& diags) {
    const Params p = bound_params().read(spec);
    if (p.max_age_years < p.min_age_years)
      diags.push_back(Diagnostic{spec.setting("international.max_age_years").where, "international.max_age_years",
                                 "is below international.min_age_years", ""});
    for (const auto& continent : spec.entries("continents")) {
      const Setting& s = continent.field("entry_status");
      const std::string key = "continents." + continent.name + ".entry_status";
      double total = 0;
      std::size_t i = 0;
      for (const auto& [name, share] : std::get<RealTable>(s.value)) {
        bool known = false;
        for (const auto& entry : kEntryStatuses) known = known || entry.first == name;
        if (!known) {
          std::vector<std::string> names;
          for (const auto& entry : kEntryStatuses) names.push_back(entry.first);
          const std::string best = closest_match(name, names);
          diags.push_back(Diagnostic{i < s.element_positions.size() ? s.element_positions[i] : s.where, key,
                                     "unknown legal status '" + name + "'",
                                     best.empty() ? "" : "did you mean '" + best + "'?"});
        }
        total += share;
        ++i;
      }
      if (total <= 0) diags.push_back(Diagnostic{s.where, key, "shares sum to zero", ""});
    }
  });
  const std::vector<Phase> boundary_phase{Phase::boundary};
  info.state.writes = {
      optional(writes_column(kPermitEndColumn, boundary_phase, "newcomers' permit end or asylum decision step")),
      optional(writes_column(kArrivalColumn, boundary_phase, "newcomers' step of arrival")),
  };
  info.state.reads = {
      optional(reads_field(kWorkPermitStepsField, Phase::boundary), "no permits (no legal status model)"),
  };
  ArrivalSavings::declare(info.state, Phase::boundary);
  NewcomerParticipation::declare(info.state, Phase::boundary);
  reads_lever(info.state, international_move_lever(), Phase::boundary);
  info.make = [](ModelSetup& setup) { return std::make_unique<RestOfWorldImmigration>(setup); };
  return info;
}

}  // namespace mobsim::models
