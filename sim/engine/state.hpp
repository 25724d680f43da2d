#pragma once
// The state contract. Models share two kinds of state: per-city fields
// (CityFieldSchema) and agent columns (AgentSchema). Each piece has exactly
// one owning model, which creates it; other models declare what they write
// into it and what they read from it, in which phase, and whether they need
// this step's value or last step's. From these declarations the engine
//   - refuses a selection where a required read has no provider,
//   - orders the models inside each phase (writers before this-step readers,
//     last-step readers before writers), refusing a cycle by naming both models,
//   - checks, while each model is set up, that it creates and looks up only
//     what it declared (StateLog), so the declarations cannot drift from the code,
//   - prints the run plan (`mobsim plan`) and generates docs/STATE.md.
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

namespace mobsim {

class ScenarioSpec;
class Geography;

// The step, in order. `policy` comes first: what is in force this step (a
// policy window opening or closing) is set before anything acts on it.
// Between `decide` and `arrive` the engine moves every agent whose move was
// requested; rows stay valid from `decide` until then (nothing is created or
// removed in between), so moves are requested in `decide`.
enum class Phase : std::uint8_t { policy, demography, labour, housing, status, income, boundary, decide, arrive };
inline constexpr std::array<Phase, 9> kPhases{Phase::policy, Phase::demography, Phase::labour,
                                              Phase::housing, Phase::status,     Phase::income,
                                              Phase::boundary, Phase::decide,    Phase::arrive};
const char* name_of(Phase phase);

enum class StateKind : std::uint8_t { city_field, agent_column };
const char* name_of(StateKind kind);

// Which value a read needs: the one written earlier in this step (its
// writers must act before it), the one left by the previous step (its
// writers must act after it, or in a later phase), or the one at the start
// of its phase (writers of earlier phases have acted, those of the same
// phase act after it). State that no model writes during a step (set when
// the world is initialised) satisfies every timing.
enum class ReadTiming : std::uint8_t { this_step, last_step, phase_start };
const char* name_of(ReadTiming timing);

// State a model creates and is answerable for.
struct OwnedState {
  StateKind kind = StateKind::city_field;
  std::string name;
  std::string type;   // element type: "double" for fields; the column's C++ type ("uint8", "float", ...)
  std::string shape;  // per city (fields) or per agent (columns), in words: "sectors x 3 skill levels"
  std::string units;
  std::string meaning;
  std::vector<Phase> written_in;  // phases it is written in (initialise aside)
  bool only_when_used = false;    // created only when the model has work (entries of its collection): idle, it costs nothing
};

// A write into state another model owns (a policy setting a lever, a move
// clearing a job).
struct StateWrite {
  StateKind kind = StateKind::city_field;
  std::string name;
  std::vector<Phase> phases;
  bool optional = false;  // written only when a selected model owns it
  std::string why;
};

struct StateRead {
  StateKind kind = StateKind::city_field;
  std::string name;
  std::optional<Phase> phase;  // empty: read only while observing (after the step) or initialising
  ReadTiming timing = ReadTiming::this_step;
  bool optional = false;    // may be absent from the selection
  std::string when_absent;  // optional reads: the neutral behaviour without a provider
};

// A lever: a per-city field through which policies act on a model. It has
// a neutral value (no policy) and exists whenever a selected model reads or
// writes it; the engine creates it and sets it to neutral before each step
// (and before the world is initialised), instrument models change it, and
// the models it affects read it without asking whether any instrument is
// there. A new instrument that works through existing levers therefore
// needs no edit of the models it affects.
struct LeverDecl {
  std::string name;
  std::string shape;  // what its width holds, in words
  std::string units;
  std::string meaning;
  double neutral = 0.0;
  std::function<std::uint32_t(const ScenarioSpec&, const Geography&)> width;
};

struct StateDecls {
  std::vector<OwnedState> owns;
  std::vector<StateWrite> writes;
  std::vector<StateRead> reads;
  std::vector<LeverDecl> levers;  // the levers among its reads and writes
  bool empty() const { return owns.empty() && writes.empty() && reads.empty(); }
  bool uses_lever(const std::string& name) const;
};

// What a model did with the schemas while it was set up and initialised:
// created (add), looked up (find) or tested for (probe) a piece of state.
class StateLog {
 public:
  enum class Access : std::uint8_t { add, find, probe };
  struct Entry {
    std::string model;
    Access access;
    StateKind kind;
    std::string name;
    std::string type;  // columns: element type; empty for fields
  };
  // Accesses between begin and end are attributed to `model`; others are not recorded.
  void begin(std::string model) { current_ = std::move(model); }
  void end() { current_.clear(); }
  void record(Access access, StateKind kind, const std::string& name, const std::string& type = {});
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  std::string current_;
  std::vector<Entry> entries_;
};

// One model of a selection, as the contract sees it.
struct ContractModel {
  std::string label;  // "slot=name"
  std::vector<Phase> phases;
  const StateDecls* state = nullptr;
};

// Models in the order they run in each phase (indices into the selection).
struct RunPlan {
  std::array<std::vector<std::size_t>, kPhases.size()> order;
};

// Throws std::logic_error naming the models when the declarations contradict
// each other: a piece owned twice, a write or read of something no selected
// model owns where the read is required, a this-step read of something
// written only later in the step, or a cycle inside a phase. Within a phase,
// models not ordered by a declaration keep their selection (slot) order.
RunPlan plan_run(const std::vector<ContractModel>& models);

// The city fields that change during a step: written in a phase by some
// model, or levers (reset before each step). Every other field keeps the
// value it was given while the world was initialised.
std::set<std::string> fields_changed_in_steps(const std::vector<ContractModel>& models);

// A required read or write of a model that no model among the selection
// owns (levers always exist and need no owner).
struct MissingProvider {
  std::size_t model;  // index into the selection
  bool is_read;
  StateKind kind;
  std::string name;
};
std::vector<MissingProvider> unprovided(const std::vector<ContractModel>& models);

// The same as "label reads KIND 'name', which no selected model provides"
// messages (empty when everything has a provider).
std::vector<std::string> missing_providers(const std::vector<ContractModel>& models);

// Throws std::logic_error when a model created or looked up state it did not
// declare, or did not create state it declares as owned.
void verify_accesses(const std::vector<ContractModel>& models, const StateLog& log);

// The run plan in words: phase by phase, each model with what it reads and writes there.
std::string plan_text(const std::vector<ContractModel>& models, const RunPlan& plan);

// Element type names used in declarations and in StateLog entries.
// Bytes of one element of a column type named by element_type_name.
std::size_t element_bytes(const std::string& type_name);

template <class T>
constexpr const char* element_type_name() {
  if constexpr (std::is_same_v<T, std::uint8_t>) return "uint8";
  else if constexpr (std::is_same_v<T, std::uint16_t>) return "uint16";
  else if constexpr (std::is_same_v<T, std::uint32_t>) return "uint32";
  else if constexpr (std::is_same_v<T, std::uint64_t>) return "uint64";
  else if constexpr (std::is_same_v<T, std::int32_t>) return "int32";
  else if constexpr (std::is_same_v<T, float>) return "float";
  else return "double";
}

}  // namespace mobsim
