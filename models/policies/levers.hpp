#pragma once
// The levers through which policy instruments act on the models: each one a
// per-city field with a neutral value (no policy in force). The engine
// creates a lever for every selected model that reads or writes it and sets
// it to neutral before each step; instruments change it in the policy phase;
// the affected models read it as it is (see LeverDecl in sim/engine/state.hpp).
// An instrument that works through these levers is one new file and one
// registration line.
#include "declare.hpp"
#include "geography.hpp"
#include "shared_state.hpp"

namespace mobsim::models {

// The width of a lever with one value per city.
inline std::uint32_t one_per_city(const ScenarioSpec&, const Geography&) { return 1; }

// Share of international moves into or out of the city that can take place
// (border closures); read by migration decisions, circular schemes and
// arrivals from the rest of the world.
inline LeverDecl international_move_lever() {
  return {"international_move_factor", "1", "1",
          "share of international moves into or out of the city that can take place (instruments multiply)", 1.0,
          one_per_city};
}

// Labour demand of each sector relative to normal (demand shocks); read by
// the labour market.
inline LeverDecl sector_demand_lever() {
  return {"sector_demand_factor", "sectors", "1", "labour demand of each sector relative to normal (instruments multiply)",
          1.0, [](const ScenarioSpec& spec, const Geography&) {
            return static_cast<std::uint32_t>(Sectors(spec).size());
          }};
}

// Share by which the probability that a foreign qualification is not
// recognised falls; read by the labour market.
inline LeverDecl recognition_reduction_lever() {
  return {"recognition_penalty_reduction", "1", "1",
          "reduction of the recognition penalty (each instrument removes its share of what is left)", 0.0,
          one_per_city};
}

// Probability that a formal employer hires an undocumented resident; read by
// the labour market. Neutral: no restriction (the city rules set the baseline).
inline LeverDecl undocumented_formal_access_lever() {
  return {"undocumented_formal_employment_access", "1", "1",
          "probability that a formal employer hires an undocumented resident", 1.0,
          one_per_city};
}

// Share of undocumented residents with access to public services (benefits,
// social housing); read by the housing market and the household budget.
inline LeverDecl undocumented_service_access_lever() {
  return {"undocumented_service_access", "1", "1", "share of undocumented residents with access to public services",
          0.0, one_per_city};
}

// Dwellings that programmes add this step [formal private, social]; read by
// the housing market.
inline LeverDecl programme_dwellings_lever() {
  return {"programme_dwellings", "2 (formal private, social)", "dwellings (agents)",
          "dwellings that programmes add this step (instruments add)", 0.0,
          [](const ScenarioSpec&, const Geography&) { return std::uint32_t{2}; }};
}

// Least share of ordinary construction that must be social (public); read by
// the housing market.
inline LeverDecl public_construction_share_lever() {
  return {"public_share_of_construction", "1", "1",
          "least share of ordinary construction that must be social (public) (the largest rule applies)", 0.0,
          one_per_city};
}

// Where a legal pathway with places left this year admits, on the
// destination by origin city and skill level [C * 3]: 1 + the pathway's
// index, 0 none; read by migration decisions (the pathway channel).
inline LeverDecl legal_pathway_lever() {
  return {"legal_pathway", "cities x 3 skill levels (origin city, then skill)", "code",
          "1 + index of a pathway into this city with places left this year, by origin and skill; 0 none", 0.0,
          [](const ScenarioSpec&, const Geography& geography) {
            return static_cast<std::uint32_t>(geography.city_count() * 3);
          }};
}

// Return support, on the city migrants live in, by home city (then the rest
// of the world) [C + 1]: 1 + the programme that supports a return there, 0
// none; and the incentive it pays, EUR. Read by migration decisions (the
// incentive counts towards a target saver's savings).
inline std::uint32_t one_per_home(const ScenarioSpec&, const Geography& geography) {
  return static_cast<std::uint32_t>(geography.city_count() + 1);
}
inline LeverDecl return_programme_lever() {
  return {"return_programme", "cities + 1 (home city, then the rest of the world)", "code",
          "1 + return-support programme for returns from here to each home; 0 none", 0.0, one_per_home};
}
inline LeverDecl return_incentive_lever() {
  return {"return_incentive_eur", "cities + 1 (home city, then the rest of the world)", "EUR",
          "paid on a supported return from here to each home", 0.0, one_per_home};
}

inline void add_lever(StateDecls& state, const LeverDecl& lever) {
  if (!state.uses_lever(lever.name)) state.levers.push_back(lever);
}

// The model reads `lever` in `phase`.
inline void reads_lever(StateDecls& state, const LeverDecl& lever, Phase phase) {
  add_lever(state, lever);
  state.reads.push_back(reads_field(lever.name, phase));
}

// The instrument sets `lever` in `phases`.
inline void writes_lever(StateDecls& state, const LeverDecl& lever, std::vector<Phase> phases, std::string why) {
  add_lever(state, lever);
  state.writes.push_back(writes_field(lever.name, std::move(phases), std::move(why)));
}

}  // namespace mobsim::models
