// Return and reintegration support: migrants living in the host cities of a
// programme whose home is one of its home cities receive an incentive when
// they return (assisted voluntary return, e.g. IOM's programmes), and on
// arrival home are placed in a job with the programme's probability. The
// incentive counts towards a migrant's savings target, so target savers go
// home sooner (models/mobility/migration/returns.cpp).
#include <algorithm>

#include "declare.hpp"
#include "levers.hpp"
#include "policy.hpp"
#include "register_models.hpp"
#include "shared_state.hpp"

namespace mobsim::models {

namespace {

constexpr Purpose kPlacementDraw = purpose("return_support.placement");

// A programme's terms as its [return_support.NAME] block states them.
struct ProgrammeTerms {
  std::vector<std::string> host_cities;
  std::vector<std::string> home_cities;
  double incentive_eur;
  double reintegration_job_probability;
  std::vector<std::string> reintegration_sectors;
};

const ParamBindings<ProgrammeTerms>& programme_terms() {
  static const ParamBindings<ProgrammeTerms> table{
      bind(&ProgrammeTerms::host_cities,
           text_list_param("host_cities", std::vector<std::string>{},
                           "Cities (or countries, continents) whose migrants are offered support; empty: all",
                           kFromScenario)),
      bind(&ProgrammeTerms::home_cities,
           text_list_param("home_cities", std::vector<std::string>{},
                           "Home cities (or countries, continents) the support is for; empty: all", kFromScenario)),
      bind(&ProgrammeTerms::incentive_eur,
           real_param("incentive_eur", "EUR", 1500.0, 0.0, 1.0e5, "Payment on return",
                      "assumption: IOM assisted voluntary return and reintegration packages are typically "
                      "EUR 1,000-3,000 in cash and in kind")),
      bind(&ProgrammeTerms::reintegration_job_probability,
           share_param("reintegration_job_probability", 0.3,
                       "Probability that a supported returnee is placed in a job on arrival home",
                       "assumption: IOM reintegration surveys report about a third of returnees in work "
                       "or self-employment through the programme")),
      bind(&ProgrammeTerms::reintegration_sectors,
           reference_param("reintegration_sectors", "sectors", true,
                           "Sectors of the placements (empty: the informal sector)", kFromScenario, false)),
  };
  return table;
}

struct Programme {
  Window window;
  std::vector<bool> hosts, homes;  // [city]; homes[C]: the rest of the world
  double incentive_eur;
  double placement_probability;
  std::vector<std::size_t> sectors;
};

class ReturnSupport : public Model {
 public:
  explicit ReturnSupport(ModelSetup& setup) : geography_(setup.geography), clock_(setup.clock) {
    const Sectors sectors(setup.spec);
    const std::size_t n = geography_.city_count();
    for (const auto& e : setup.spec.entries("return_support")) {
      const ProgrammeTerms terms = programme_terms().read(e);
      Programme p;
      p.window = window_of(e, clock_);
      p.hosts = terms.host_cities.empty() ? std::vector<bool>(n, true) : cities_named(geography_, terms.host_cities);
      p.homes = terms.home_cities.empty() ? std::vector<bool>(n, true) : cities_named(geography_, terms.home_cities);
      p.homes.push_back(false);  // no reintegration support outside the simulated cities
      p.incentive_eur = terms.incentive_eur;
      p.placement_probability = terms.reintegration_job_probability;
      for (const auto& s : terms.reintegration_sectors) p.sectors.push_back(static_cast<std::size_t>(sectors.index(s)));
      if (p.sectors.empty())
        p.sectors.push_back(sectors.informal_sector >= 0 ? static_cast<std::size_t>(sectors.informal_sector) : 0);
      programmes_.push_back(std::move(p));
    }
    returns_.assign(n, 0.0);
    placements_.assign(n, 0.0);
    if (programmes_.empty()) return;  // idle: no column, no fields
    supported_ = setup.schema.add<std::uint8_t>(kSupportedReturnColumn,
                                                "1 + return-support programme of a return not yet handled; 0 none");
  }

  void initialise(World& world) override {
    programme_field_ = world.field_schema().find(return_programme_lever().name);
    incentive_field_ = world.field_schema().find(return_incentive_lever().name);
    if (programmes_.empty()) return;
    job_ = world.schema().find<std::uint8_t>(kJobColumn);
    added_ = world.field_schema().find(kJobsAddedField);
  }

  void run(Phase phase, World& world) override {
    if (programmes_.empty()) return;
    if (phase == Phase::policy) publish(world);
    else place_returnees(world);
  }

  // supported_returns, reintegration_placements (by home city)
  void observe(const World& world, SeriesOut& out) const override {
    auto& supported_returns = out["supported_returns"];
    auto& reintegration_placements = out["reintegration_placements"];
    if (world.step() == 0) return;
    const double scale = static_cast<double>(world.people_per_agent());
    for (std::size_t c = 0; c < world.city_count(); ++c) {
      supported_returns[c] = returns_[c] * scale;
      reintegration_placements[c] = placements_[c] * scale;
    }
  }

  // The step's counts, which observe reports; the programmes come from the
  // scenario, and returns not yet handled are an agent column.
  void checkpoint(StateArchive& ar) override {
    ar("returns", returns_);
    ar("placements", placements_);
  }

 private:
  // The first programme in name order that covers a (host, home) pair wins.
  void publish(World& world) const {
    const std::size_t n = world.city_count();
    for (std::size_t i = 0; i < n; ++i) {
      auto programme = world.fields().at(programme_field_, i);
      auto incentive = world.fields().at(incentive_field_, i);
      std::fill(programme.begin(), programme.end(), 0.0);
      std::fill(incentive.begin(), incentive.end(), 0.0);
      for (std::size_t k = programmes_.size(); k-- > 0;) {
        const Programme& p = programmes_[k];
        if (!p.window.contains(clock_, world.step()) || !p.hosts[i]) continue;
        for (std::size_t h = 0; h <= n; ++h) {
          if (h == i || (h < n && !p.homes[h]) || (h == n && p.incentive_eur <= 0)) continue;
          programme[h] = static_cast<double>(k + 1);
          incentive[h] = p.incentive_eur;
        }
      }
    }
  }

  // Supported returnees who arrived home this step: a job with the
  // programme's probability (a post the labour market adds to its jobs).
  void place_returnees(World& world) {
    std::fill(returns_.begin(), returns_.end(), 0.0);
    std::fill(placements_.begin(), placements_.end(), 0.0);
    const std::uint32_t step = world.step();
    parallel_for_cities(world, [&](std::size_t c) {
      AgentTable& a = world.agents(c);
      const auto id = a.col(core::id);
      const auto skill = a.col(core::skill);
      auto employment = a.col(core::employment);
      auto job = a.col(job_);
      auto supported = a.col(supported_);
      auto added = world.fields().at(added_, c);
      for (std::size_t r = world.first_arrival(c); r < a.size(); ++r) {
        if (supported[r] == 0) continue;
        const Programme& p = programmes_[supported[r] - 1u];
        supported[r] = 0;
        returns_[c] += 1;
        const Draw d = world.rng().agent(id[r], step, kPlacementDraw);
        if (d.unit(0) >= p.placement_probability) continue;
        const std::size_t sector = p.sectors[std::min<std::size_t>(p.sectors.size() - 1,
                                                                   static_cast<std::size_t>(d.unit(1) * p.sectors.size()))];
        employment[r] = code(Employment::employed);
        job[r] = job_code(sector, skill[r]);
        added[job_segment(job[r])] += 1.0;
        placements_[c] += 1;
      }
    });
  }

  const Geography& geography_;
  const Clock& clock_;
  std::vector<Programme> programmes_;
  CityField programme_field_, incentive_field_, added_{};
  Column<std::uint8_t> supported_{}, job_{};
  std::vector<double> returns_, placements_;  // agents, this step, by home city
};

}  // namespace

ModelInfo return_support() {
  ModelInfo info;
  info.slot = "return_support";
  info.slot_meaning = "Return incentives and reintegration";
  info.name = "programmes";
  info.summary = "return incentives and reintegration job placement at home";
  info.is_default = true;
  info.phases = {Phase::policy, Phase::arrive};
  CollectionDecl programmes;
  programmes.name = "return_support";
  programmes.entry_noun = "return support programme";
  programmes.is_policy = true;
  programmes.acts_from = "start";
  programmes.meaning = "Policy: an incentive paid to migrants who return home and job placement on arrival";
  programmes.fields = programme_terms().declarations();
  for (auto& f : window_fields("the programme")) programmes.fields.push_back(std::move(f));
  info.collections.push_back(std::move(programmes));
  info.checks = {window_check("return_support"), place_names_check("return_support", "host_cities"),
                 place_names_check("return_support", "home_cities"),
                 needs_slots_when_used("return_support", {"labour"})};
  info.state.owns = {
      // Set by migration decisions (decide), cleared here on arrival home.
      owns_column<std::uint8_t>(kSupportedReturnColumn, "code",
                                "1 + return-support programme of a supported return not yet handled on arrival "
                                "home; 0 none",
                                {Phase::arrive})};
  // Only programmes in use write, and they need the labour model (checked above).
  info.state.writes = {
      optional(writes_column(kJobColumn, {Phase::arrive},
                             "places supported returnees in a reintegration job on arrival home")),
      optional(writes_field(kJobsAddedField, {Phase::arrive},
                            "adds the reintegration posts to jobs_added_by_policies, which the labour market adds to "
                            "its jobs"))};
  writes_lever(info.state, return_programme_lever(), {Phase::policy},
               "names the programme that supports returns from its host cities to its home cities");
  writes_lever(info.state, return_incentive_lever(), {Phase::policy}, "sets the incentive such a return receives");
  info.series = {
      {"supported_returns", "persons", "Returnees arriving home with return support during the step", true, SeriesKind::flow},
      {"reintegration_placements", "persons", "Supported returnees placed in a job on arrival during the step", true, SeriesKind::flow},
  };
  // Created only when programmes are given: an idle slot adds no column and no field.
  for (auto& owned : info.state.owns) owned = only_when_used(owned);
  info.make = [](ModelSetup& setup) { return std::make_unique<ReturnSupport>(setup); };
  return info;
}

}  // namespace mobsim::models
