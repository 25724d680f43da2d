// Mobility shocks: for a time window, only a share of international moves
// into or out of the affected cities can take place (a Covid-19-style border
// closure: 0), and demand for some sectors is cut (tourism, informal trade).
// Moves are thinned where they are decided (migration, arrivals from and
// departures to the rest of the world, circular schemes); sector demand is
// applied by the labour market, which lays off and later rehires.
#include "declare.hpp"
#include "levers.hpp"
#include "policy.hpp"
#include "register_models.hpp"
#include "shared_state.hpp"

namespace mobsim::models {

namespace {

// A shock's terms as its [mobility_shocks.NAME] block states them.
struct ShockTerms {
  std::vector<std::string> cities;
  double international_move_factor;
  std::vector<std::string> sectors;
  double sector_demand_factor;
};

const ParamBindings<ShockTerms>& shock_terms() {
  static const ParamBindings<ShockTerms> table{
      bind(&ShockTerms::cities,
           text_list_param("cities", std::vector<std::string>{},
                           "Cities (or countries, continents) affected; empty: every city", kFromScenario)),
      bind(&ShockTerms::international_move_factor,
           share_param("international_move_factor", 0.0,
                       "Share of international moves into or out of an affected city that can still take place",
                       kFromScenario)),
      bind(&ShockTerms::sectors,
           reference_param("sectors", "sectors", true, "Sectors whose labour demand changes", kFromScenario, false)),
      bind(&ShockTerms::sector_demand_factor,
           real_param("sector_demand_factor", "1", 1.0, 0.0, 5.0, "Labour demand of those sectors relative to normal",
                      kFromScenario)),
  };
  return table;
}

struct Shock {
  Window window;
  std::vector<bool> cities;
  double move_factor = 1;
  std::vector<bool> sectors;
  double demand_factor = 1;
};

class MobilityShocks : public Model {
 public:
  explicit MobilityShocks(ModelSetup& setup) : clock_(setup.clock) {
    const Sectors sectors(setup.spec);
    sector_count_ = sectors.size();
    for (const auto& e : setup.spec.entries("mobility_shocks")) {
      const ShockTerms terms = shock_terms().read(e);
      Shock s;
      s.window = window_of(e, clock_);
      s.cities = terms.cities.empty() ? std::vector<bool>(setup.geography.city_count(), true)
                                      : cities_named(setup.geography, terms.cities);
      s.move_factor = terms.international_move_factor;
      s.sectors.assign(sector_count_, false);
      for (const auto& name : terms.sectors) s.sectors[static_cast<std::size_t>(sectors.index(name))] = true;
      s.demand_factor = terms.sector_demand_factor;
      shocks_.push_back(std::move(s));
    }
    move_field_ = setup.fields.find(international_move_lever().name);
    demand_field_ = setup.fields.find(sector_demand_lever().name);
  }

  // Overlapping shocks multiply, from the levers' neutral 1.
  void run(Phase, World& world) override {
    const std::uint32_t step = world.step();
    for (std::size_t c = 0; c < world.city_count(); ++c) {
      double& moves = world.fields().at(move_field_, c)[0];
      auto demand = world.fields().at(demand_field_, c);
      for (const Shock& s : shocks_) {
        if (!s.window.contains(clock_, step) || !s.cities[c]) continue;
        moves *= s.move_factor;
        for (std::size_t k = 0; k < sector_count_; ++k)
          if (s.sectors[k]) demand[k] *= s.demand_factor;
      }
    }
  }

  // Nothing changes after initialise: the shocks come from the scenario.
  void checkpoint(StateArchive&) override {}

 private:
  const Clock& clock_;
  std::size_t sector_count_ = 0;
  std::vector<Shock> shocks_;
  CityField move_field_, demand_field_;
};

}  // namespace

ModelInfo mobility_shocks() {
  ModelInfo info;
  info.slot = "mobility_shocks";
  info.slot_meaning = "Windows with fewer international moves and sector demand shocks";
  info.name = "windows";
  info.summary = "time windows in which international moves are cut (border closures) and sector demand falls";
  info.is_default = true;
  info.phases = {Phase::policy};
  CollectionDecl shocks;
  shocks.name = "mobility_shocks";
  shocks.entry_noun = "mobility shock";
  shocks.is_policy = true;
  shocks.acts_from = "start";
  shocks.meaning = "Policy: a window in which only a share of international moves can happen, optionally with a "
                   "sector demand shock";
  shocks.fields = shock_terms().declarations();
  for (auto& f : window_fields("the shock")) shocks.fields.push_back(std::move(f));
  info.collections.push_back(std::move(shocks));
  info.checks = {window_check("mobility_shocks"), place_names_check("mobility_shocks", "cities")};
  writes_lever(info.state, international_move_lever(), {Phase::policy}, "multiplied by the shocks in force");
  writes_lever(info.state, sector_demand_lever(), {Phase::policy}, "multiplied by the shocks in force");
  info.make = [](ModelSetup& setup) { return std::make_unique<MobilityShocks>(setup); };
  return info;
}

}  // namespace mobsim::models
