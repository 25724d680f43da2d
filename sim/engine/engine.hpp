#pragma once
// Runs a scenario: for each replicate, builds the world, runs the selected
// models phase by phase, moves agents, observes, and hands each time point to
// a sink (the HDF5 writer, an in-memory recording, or both).
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <memory>
#include <string>
#include <vector>

#include "clock.hpp"
#include "geography.hpp"
#include "model.hpp"
#include "scenario.hpp"
#include "world.hpp"

namespace mobsim {

// Every output value of one time point of one replicate, in persons.
struct Frame {
  std::vector<std::vector<double>> series;  // [series][city]
  std::vector<double> flows;                // [origin * C + destination]
  std::vector<double> flows_by_channel;     // [(channel * C + origin) * C + destination]
  std::vector<std::vector<double>> entries; // [entry output][series], see Engine::entry_outputs()
  void archive(StateArchive& ar) {  // checkpoints, and frames sent between ranks
    ar("series", series);
    ar("flows", flows);
    ar("flows_by_channel", flows_by_channel);
    ar("entries", entries);
  }
};

// One subgroup of entry series: /GROUP/ENTRY with one value per series.
struct EntryOutput {
  std::string group;
  std::string entry;
  std::vector<SeriesDecl> series;
};

class Sink {
 public:
  virtual ~Sink() = default;
  virtual void write(std::size_t replicate, int time_index, const Frame& frame) = 0;
};

struct StepReport {
  std::size_t replicate;
  int step;
  std::size_t agents;
};

// How a replicate starts: from scratch, or where a checkpoint left it.
struct ForkPlan;
struct ReplicateResume {
  int step = 0;                      // steps already done
  std::vector<Frame> frames;         // time points 0..step, written again
  std::span<const std::byte> state;  // Simulation::checkpoint; empty when finished
  // Set when the state is of another scenario, the base this one forks
  // from (Simulation::fork_from); null for a restart of the same run.
  const ForkPlan* fork = nullptr;
};

// Saves a simulation's state into an archive (Simulation::checkpoint).
using StateSaver = std::function<void(StateArchive&)>;

// What a run does besides stepping: stop when asked, keep checkpoints, and
// continue replicates from them. Every callback may be empty.
struct RunControl {
  // Polled after each step: true asks every replicate to stop after the
  // step it is in, with a checkpoint (replicates not yet begun do not begin).
  std::function<bool()> stop_requested;
  int checkpoint_every = 0;  // steps between periodic checkpoints; 0: none
  // Stop every replicate after this many steps, with a checkpoint (a
  // warm-up to fork from); 0: run to the end.
  int stop_after = 0;
  // Writes replicate r's checkpoint after `step` steps: frames 0..step and
  // the state, saved by `state` (null when the replicate has finished).
  // Called from the replicate's own thread, never twice at once for the
  // same replicate.
  std::function<void(std::size_t replicate, int step, const std::vector<Frame>& frames, const StateSaver* state)>
      write_checkpoint;
  bool checkpoint_finished = false;  // also when a replicate has finished
  // Whether this process runs replicate r (the others run elsewhere: MPI
  // ranks); empty: all of them.
  std::function<bool(std::size_t replicate)> runs_replicate;
  // Where replicate r starts; nullopt: from scratch.
  std::function<std::optional<ReplicateResume>(std::size_t replicate)> resume;
};

struct RunStats {
  double wall_seconds = 0;
  std::uint64_t agent_steps = 0;  // agents alive at the start of each step, summed
  std::map<std::string, double> phase_seconds;  // summed over replicates (run side by side, they add up to more than the wall time)
  int concurrent_replicates = 1;
  std::uint64_t peak_agents = 0;        // most agents alive at once in one replicate
  std::size_t agent_state_bytes = 0;    // bytes of agent columns per agent
  std::uint64_t peak_resident_bytes = 0;  // peak resident memory of the process (whole run)
  bool stopped = false;                   // stopped on request (RunControl::stop_requested) before the end
  std::vector<int> replicate_steps;       // steps each replicate had done when the run ended
  double checkpoint_seconds = 0;          // writing checkpoints, summed over replicates
  std::uint64_t checkpoint_bytes = 0;     // state bytes of the checkpoints written, summed
  int resumed_replicates = 0;             // continued from a checkpoint
};

// What a run will need, known before it starts.
struct MemoryEstimate {
  std::int64_t agents_at_start = 0;       // in one replicate
  int replicates_at_once = 1;             // run side by side (one per thread, at most)
  std::size_t state_bytes_per_agent = 0;  // agent columns of the selected models
  // Expected peak resident memory: agents at start x replicates at once x
  // state bytes x kPeakMemoryPerStateByte.
  std::uint64_t peak_bytes = 0;
  // Expected peak address space (what `ulimit -v` limits): the agent tables
  // reserve room for twice the agents at start, plus the program itself.
  std::uint64_t address_space_bytes = 0;
};
// Peak resident memory per byte of agent state at the start, measured on
// the full-scale ten-year baseline (bench/README.md, the peak resident
// memory table and the estimate below it): 1,699,660 kB for 29,055,139
// agents of 40 B (issue 12, with households, incomes not stored: 1.498;
// 1.516 with the 44 B of a stored income). It covers the growth
// of the population over ten years, the buffers of moves, the models'
// scratch (the households' budget pools) and the output; a scenario whose
// population grows faster needs more.
inline constexpr double kPeakMemoryPerStateByte = 1.53;
// Address space of the program apart from agent tables: 170 MiB measured
// (VmPeak at 1:4, 1:8 and 1:40, bench/README.md) at two threads;
// assumption: each further thread may reserve a 64 MiB malloc arena (glibc's
// default arena size on 64-bit systems).
inline constexpr double kBaseAddressSpaceBytes = 170.0 * 1024 * 1024;
inline constexpr double kAddressSpacePerThreadBytes = 64.0 * 1024 * 1024;

// Replicates run side by side with `threads` threads.
int replicates_at_once(int replicates, int threads);

// One simulated world: used by the engine for each replicate, and directly by
// tests and benchmarks that drive steps themselves.
class Simulation {
 public:
  Simulation(const ScenarioSpec& spec, const std::vector<const ModelInfo*>& models, const Geography& geography,
             const Clock& clock, std::uint64_t seed);
  ~Simulation();

  void step();  // advances the world by one step
  void observe(Frame& frame) const;
  // Saves or loads the world and every model's evolving state between two
  // steps (a checkpoint). Loading expects a simulation just built from the
  // same scenario and seed.
  void checkpoint(StateArchive& ar);
  // Starts this simulation, just built from a scenario that forks from a
  // base (plan_fork), from the base's checkpoint `state` and its time points
  // `frames` (0..step). Models the plan marks fresh keep their initialised
  // state; the world takes the base's agents and every column and field
  // they share, except fields that no model writes during a step, which
  // keep this scenario's values. Returns the time points as this scenario
  // has them: entries the base lacks take their initial values at time 0
  // and their values at the checkpoint after. Throws CheckpointError when
  // what this simulation observes at the checkpoint differs from what the
  // base observed (a model acted differently before it).
  std::vector<Frame> fork_from(std::span<const std::byte> state, const ForkPlan& plan, std::vector<Frame> frames,
                               const std::string& where);

  const World& world() const { return *world_; }
  World& world() { return *world_; }
  const std::map<std::string, double>& phase_seconds() const { return phase_seconds_; }

 private:
  const Geography& geography_;
  const Clock& clock_;
  AgentSchema schema_;
  CityFieldSchema field_schema_;
  std::vector<const ModelInfo*> infos_;
  std::vector<std::unique_ptr<Model>> models_;
  std::vector<std::size_t> series_offset_;  // first series index of each model
  std::vector<std::size_t> entry_offset_;   // first entry output of each model
  std::vector<EntryOutput> entry_outputs_;
  std::unique_ptr<World> world_;
  RunPlan plan_;  // the order of the models in each phase
  struct Lever {
    std::string name;
    CityField field;
    double neutral;
    std::string declared_by;
  };
  std::vector<Lever> levers_;
  void reset_levers();  // every lever to its neutral value
  mutable std::map<std::string, double> phase_seconds_;  // wall seconds per phase, observe included
};

class Engine {
 public:
  Engine(const ScenarioSpec& spec, const ModelRegistry& registry);

  const Geography& geography() const { return geography_; }
  const Clock& clock() const { return clock_; }
  const std::vector<SeriesDecl>& series() const { return series_; }
  const std::vector<std::string>& channels() const { return channels_; }
  const std::vector<EntryOutput>& entry_outputs() const { return entry_outputs_; }
  std::int64_t people_per_agent() const { return people_per_agent_; }
  std::uint64_t master_seed() const { return master_seed_; }
  const std::vector<std::uint64_t>& replicate_seeds() const { return replicate_seeds_; }
  const std::vector<const ModelInfo*>& models() const { return models_; }

  std::unique_ptr<Simulation> make_simulation(std::size_t replicate) const;
  // With `threads` threads (replicates run side by side).
  MemoryEstimate memory_estimate(int threads) const;
  RunStats run(Sink& sink, const std::function<void(const StepReport&)>& on_step = {},
               const RunControl& control = {}) const;

 private:
  const ScenarioSpec& spec_;
  Geography geography_;
  Clock clock_;
  std::vector<const ModelInfo*> models_;
  std::vector<SeriesDecl> series_;
  std::vector<std::string> channels_;
  std::vector<EntryOutput> entry_outputs_;
  std::int64_t people_per_agent_;
  std::uint64_t master_seed_;
  std::vector<std::uint64_t> replicate_seeds_;
};

// The series every run has, before those of the boundary flows and models.
const std::vector<SeriesDecl>& core_series();
// The full list for a selection of models: core, boundary flows, model series.
std::vector<SeriesDecl> series_for(const std::vector<const ModelInfo*>& models);
// Entry series of a selection of models: for each model that declares them,
// one EntryOutput per entry of its collection, in name order.
std::vector<EntryOutput> entry_outputs_for(const std::vector<const ModelInfo*>& models, const ScenarioSpec& spec);
// Move channels of a selection of models ("unspecified" when none declares any).
std::vector<std::string> channels_for(const std::vector<const ModelInfo*>& models);

}  // namespace mobsim
