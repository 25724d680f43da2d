#pragma once
// The mutable state of one replicate: every city's agents, the clock
// position, and this step's accounting. Models change agents only through
// these operations, so the books always balance:
//   size[t] = size[t-1] + created (births, hinterland, ...) - removed (deaths, ...)
//             + arrivals from other cities - departures to other cities.
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "agents.hpp"
#include "city_fields.hpp"
#include "clock.hpp"
#include "geography.hpp"
#include "parallel.hpp"
#include "rng.hpp"

namespace mobsim {

// A flow across the documented boundary of the modelled world, declared by a
// model: people who enter (births, arrivals from a hinterland) or leave (deaths).
struct FlowDecl {
  std::string name;  // also the name of its output series, e.g. "births"
  bool inward = true;
  std::string long_name;
  bool is_migration = false;  // counts towards net migration (births and deaths do not)
};
using FlowId = std::uint32_t;

struct Move {
  std::uint32_t row;
  std::uint16_t destination;  // city index
  std::uint8_t channel = 0;   // index into World::channels()
  void archive(StateArchive& ar) {  // member by member: the struct has padding
    ar("row", row);
    ar("destination", destination);
    ar("channel", channel);
  }
};

// Counts of this step, in agents.
struct StepTally {
  std::vector<std::vector<std::int64_t>> boundary;  // [flow][city]
  std::vector<std::int64_t> moves;                  // [origin * C + destination]
  std::vector<std::int64_t> moves_by_channel;       // [(channel * C + origin) * C + destination]
  std::vector<std::int64_t> inflow;                 // [city] arrivals from other cities
  std::vector<std::int64_t> outflow;                // [city] departures to other cities
};

class World {
 public:
  World(const Geography& geography, const Clock& clock, const AgentSchema& schema, std::vector<FlowDecl> flows,
        std::vector<std::string> channels, const CityFieldSchema& field_schema, std::uint64_t seed,
        std::int64_t people_per_agent);

  const Geography& geography() const { return geography_; }
  const Clock& clock() const { return clock_; }
  const Rng& rng() const { return rng_; }
  const AgentSchema& schema() const { return schema_; }
  std::int64_t people_per_agent() const { return people_per_agent_; }
  std::size_t city_count() const { return cities_.size(); }
  // 0 while the initial population is built, t while step t runs.
  std::uint32_t step() const { return step_; }

  // Per-city state declared by models (see CityFieldSchema).
  CityFieldStore& fields() { return fields_; }
  const CityFieldStore& fields() const { return fields_; }
  const CityFieldSchema& field_schema() const { return field_schema_; }

  AgentTable& agents(std::size_t city) { return cities_[city].agents; }
  const AgentTable& agents(std::size_t city) const { return cities_[city].agents; }
  std::size_t total_agents() const;

  // Adds n agents to `city` with fresh ids and every other column zero and
  // returns the first new row: the initial population (step 0 only), or
  // newcomers during a step, counted under an inward `flow`. Calls for one
  // city must come from one thread at a time.
  std::size_t create_initial_agents(std::size_t city, std::size_t n);
  std::size_t create_agents(std::size_t city, std::size_t n, FlowId flow);
  // Removes the listed rows (strictly ascending), counting them under `flow`.
  void remove_agents(std::size_t city, std::span<const std::uint32_t> ascending_rows, FlowId flow);
  // Records moves decided in a parallel pass over `chunks`; applied by the
  // engine after the decide phase.
  void request_moves(const std::vector<Chunk>& chunks, const std::vector<std::vector<Move>>& per_chunk);
  // Records agents who leave the world across an outward boundary `flow`
  // during a parallel pass (rows ascending within each chunk); removed with
  // the moves, so rows stay valid while the pass runs.
  void request_departures(const std::vector<Chunk>& chunks, const std::vector<std::vector<std::uint32_t>>& per_chunk,
                          FlowId flow);

  // The moves and departures requested so far in this step for rows of
  // `city` (in request order), for models that act on the movers of others:
  // read them from one thread per city, as they are appended to.
  std::span<const Move> requested_moves(std::size_t city) const { return cities_[city].pending_moves; }
  std::span<const std::pair<std::uint32_t, FlowId>> requested_departures(std::size_t city) const {
    return cities_[city].pending_departures;
  }
  // Records moves of rows of one city (from that city's task only).
  void request_city_moves(std::size_t city, std::span<const Move> moves) {
    auto& pending = cities_[city].pending_moves;
    pending.insert(pending.end(), moves.begin(), moves.end());
  }

  // Rows [first, size) of `city` arrived from other cities in this step.
  std::size_t first_arrival(std::size_t city) const { return cities_[city].first_arrival; }

  // Whether the agent was created (born, arrived from outside) during this step.
  bool created_this_step(std::uint64_t id) const {
    return (id & kMaxSerial) >= cities_[id >> 48].serial_at_step_start;
  }

  const std::vector<FlowDecl>& flows() const { return flows_; }
  FlowId flow(const std::string& name) const;  // throws std::logic_error if undeclared
  // Channels moves are tagged with (legal, irregular, ...), declared by models.
  const std::vector<std::string>& channels() const { return channels_; }
  std::uint8_t channel(const std::string& name) const;  // throws std::logic_error if undeclared
  const StepTally& tally() const { return tally_; }

  // Engine only.
  void begin_step(std::uint32_t step);
  void apply_moves();
  // Throws std::logic_error if any city's books do not balance for this step.
  void check_accounting() const;
  // Saves or loads the whole state of the world between two steps: the
  // step, every city's agents and serial counters, the city fields and the
  // last step's tally (a checkpoint; the scenario rebuilds the rest).
  void checkpoint(StateArchive& ar);
  // Loads the checkpoint of another scenario's world, its base, into this
  // one (a fork from a warm-up, Simulation::fork_from): agent columns and
  // city fields are matched by name. A column the base lacks is zero for
  // every agent (it must be zero after initialisation); a field the base
  // lacks, or one marked in `keep_own_field` (by field index), keeps this
  // world's initialised values. Throws CheckpointError when the base holds
  // a column or field this world lacks or has in another size.
  void fork_from(StateArchive& ar, const std::vector<bool>& keep_own_field);

 private:
  std::size_t append_new_agents(std::size_t city, std::size_t n);
  void archive(StateArchive& ar, const std::vector<bool>* fork_keep_own_field);

  struct CityState {
    explicit CityState(const AgentSchema& schema) : agents(schema) {}
    AgentTable agents;
    std::uint64_t next_serial = 0;
    std::uint64_t serial_at_step_start = 0;
    std::size_t size_at_step_start = 0;
    std::size_t first_arrival = 0;
    std::vector<Move> pending_moves;
    std::vector<std::pair<std::uint32_t, FlowId>> pending_departures;
  };

  const Geography& geography_;
  const Clock& clock_;
  const AgentSchema& schema_;
  std::vector<FlowDecl> flows_;
  std::vector<std::string> channels_;
  const CityFieldSchema& field_schema_;
  CityFieldStore fields_;
  Rng rng_;
  std::int64_t people_per_agent_;
  std::uint32_t step_ = 0;
  std::vector<CityState> cities_;
  StepTally tally_;
};

}  // namespace mobsim
