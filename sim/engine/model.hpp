#pragma once
// How behaviour plugs into the engine. A model is a small object created by
// name from the registry; it declares its parameters, the boundary flows and
// series it produces, and the phases of the step it acts in. The engine runs
// phases in a fixed order and never names a model.
#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "agents.hpp"
#include "city_fields.hpp"
#include "clock.hpp"
#include "geography.hpp"
#include "param.hpp"
#include "scenario.hpp"
#include "scenario_loader.hpp"
#include "state.hpp"
#include "state_archive.hpp"
#include "world.hpp"

namespace mobsim {


// What a value at a time point means: a stock at the end of the step, a
// flow summed over the step, or a rate or index at the end of the step.
enum class SeriesKind : std::uint8_t { stock, flow, rate };
const char* name_of(SeriesKind kind);

// One per-city output series, shaped (replicate, time, city).
struct SeriesDecl {
  std::string name;
  std::string units;
  std::string long_name;
  bool is_count = true;  // counts are written as integers
  SeriesKind kind = SeriesKind::stock;
  bool headline = false;  // compared by default (`mobsim compare`) and summarised in reports
  // For the flows in a city's books: +1 adds to its residents (births,
  // arrivals), -1 takes away (deaths, departures); 0 for every other series.
  int books_sign = 0;
};

// The output series of a boundary flow (a flow, counted in persons, with its
// sign in the books).
inline SeriesDecl series_of(const FlowDecl& flow) {
  return SeriesDecl{flow.name, "persons", flow.long_name, true, SeriesKind::flow, false, flow.inward ? 1 : -1};
}

// Series of one number per time point for each entry of a collection (e.g.
// each circular migration scheme), written to /GROUP/ENTRY/NAME shaped
// (replicate, time).
struct EntrySeriesDecl {
  std::string group;       // "schemes"
  std::string collection;  // "circular_schemes": one subgroup per entry
  std::vector<SeriesDecl> series;
};

// Where a model's observer writes its per-city series, by name:
// out["employed"][city]. Each declared series must be written exactly once
// per observation (the engine checks), so a series declared but never
// written, or written twice, stops the run instead of passing silently.
class SeriesOut {
 public:
  SeriesOut(const std::vector<SeriesDecl>& decls, std::span<std::vector<double>> values);
  // values[city] of series `name`, all zero; throws std::logic_error if the
  // series is not declared or was already written in this observation.
  std::vector<double>& operator[](std::string_view name);
  // Throws std::logic_error naming `model` and the first series not written.
  void require_all_written(const std::string& model) const;

 private:
  const std::vector<SeriesDecl>& decls_;
  std::span<std::vector<double>> values_;
  std::vector<bool> written_;
};

// The same for entry series: out(entry, "admitted") for the entries of the
// model's collection in name order.
class EntrySeriesOut {
 public:
  EntrySeriesOut(const std::vector<SeriesDecl>& decls, std::span<std::vector<double>> values);
  double& operator()(std::size_t entry, std::string_view name);
  std::size_t entries() const { return values_.size(); }
  void require_all_written(const std::string& model) const;

 private:
  const std::vector<SeriesDecl>& decls_;
  std::span<std::vector<double>> values_;  // [entry][series]
  std::vector<bool> written_;              // [entry * series + i]
};

// What a model gets while it is being set up, before any agent exists.
struct ModelSetup {
  const ScenarioSpec& spec;
  const Geography& geography;
  const Clock& clock;
  AgentSchema& schema;       // add model-specific agent columns here
  CityFieldSchema& fields;   // declare the per-city state the model writes
};

class Model {
 public:
  virtual ~Model() = default;
  // Called once per replicate, in slot order, after the World exists (step 0).
  virtual void initialise(World&) {}
  // Called for each phase the model's info lists, in slot order.
  virtual void run(Phase, World&) {}
  // Values of the model's declared series for the current time point, by
  // name (out["employed"][city]), in persons for counts.
  virtual void observe(const World&, SeriesOut& out) const { (void)out; }
  // Values of the model's entry series, by entry (in name order) and name.
  virtual void observe_entries(const World&, EntrySeriesOut& out) const { (void)out; }
  // Saves or loads (ar.is_loading()) every member that can change after
  // initialise() returns: what a restart from a checkpoint needs to continue
  // exactly as the uninterrupted run (tests/sim/checkpoint/restart_test.cpp
  // compares the two for every library scenario). A restart builds the
  // model from the scenario and initialises it first, so state fixed at
  // initialisation need not be saved. Deliberately without a default: each
  // model says what it keeps, or that it keeps nothing.
  virtual void checkpoint(StateArchive& ar) = 0;
};

struct ModelInfo {
  std::string slot;  // "migration"
  std::string slot_meaning;      // the slot's meaning: the slot is created by the first model listed that gives it
  bool slot_may_be_none = true;  // (with slot_meaning) whether the slot may be "none"
  std::string name;  // "gravity"
  std::string summary;
  bool is_default = false;  // the slot's default choice
  std::vector<Phase> phases;
  std::vector<ParamDecl> params;                              // global parameters, "section.name"
  std::vector<CollectionDecl> collections;                    // new named collections
  std::vector<std::pair<std::string, ParamDecl>> fields;      // fields added to a collection (e.g. cities)
  std::vector<FlowDecl> flows;                                // boundary flows it creates or removes agents under
  std::vector<SeriesDecl> series;                             // extra per-city series it observes
  std::optional<EntrySeriesDecl> entry_series;                // series per entry of a collection
  std::vector<std::string> channels;                          // channels its moves are tagged with
  std::vector<std::string> requires_slots;                    // slots that must not be "none" with it
  std::vector<ScenarioCheck> checks;                          // cross-field validation
  StateDecls state;                                           // shared state it owns, writes and reads
  std::function<std::unique_ptr<Model>(ModelSetup&)> make;
};

// A selection of models as the state contract sees it (labels "slot=name").
std::vector<ContractModel> contract_of(const std::vector<const ModelInfo*>& models);

struct SlotInfo {
  std::string name;
  std::string meaning;
  bool may_be_none = true;
};

class ModelRegistry {
 public:
  // Slots run in the order they are added.
  void add_slot(SlotInfo slot);
  // Adds a model; the first model of a slot creates the slot from its
  // slot_meaning and slot_may_be_none.
  void add(ModelInfo info);

  const std::vector<SlotInfo>& slots() const { return slots_; }
  const std::vector<ModelInfo>& models() const { return models_; }
  const ModelInfo* find(const std::string& slot, const std::string& name) const;
  // The models a scenario selects, in slot order (a slot set to "none" is skipped).
  std::vector<const ModelInfo*> selected(const ScenarioSpec& spec) const;

  // Every declaration: the engine's, one `models.<slot>` choice per slot,
  // and each registered model's (selected or not, so sweeps can set them).
  ParamTable param_table() const;
  std::vector<ScenarioCheck> checks() const;

 private:
  std::vector<SlotInfo> slots_;
  std::vector<ModelInfo> models_;
};

}  // namespace mobsim
