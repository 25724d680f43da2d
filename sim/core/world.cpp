#include "world.hpp"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace mobsim {

World::World(const Geography& geography, const Clock& clock, const AgentSchema& schema, std::vector<FlowDecl> flows,
             std::vector<std::string> channels, const CityFieldSchema& field_schema, std::uint64_t seed,
             std::int64_t people_per_agent)
    : geography_(geography),
      clock_(clock),
      schema_(schema),
      flows_(std::move(flows)),
      channels_(std::move(channels)),
      field_schema_(field_schema),
      fields_(field_schema, geography.city_count()),
      rng_(seed),
      people_per_agent_(people_per_agent) {
  if (geography.city_count() >= 0xFFFF) throw std::logic_error("too many cities for 16-bit city indices");
  if (channels_.empty() || channels_.size() > 255) throw std::logic_error("a world needs 1 to 255 move channels");
  cities_.reserve(geography.city_count());
  for (std::size_t c = 0; c < geography.city_count(); ++c) cities_.emplace_back(schema);
  const std::size_t n = geography.city_count();
  tally_.boundary.assign(flows_.size(), std::vector<std::int64_t>(n, 0));
  tally_.moves.assign(n * n, 0);
  tally_.moves_by_channel.assign(channels_.size() * n * n, 0);
  tally_.inflow.assign(n, 0);
  tally_.outflow.assign(n, 0);
}

std::size_t World::total_agents() const {
  std::size_t total = 0;
  for (const auto& c : cities_) total += c.agents.size();
  return total;
}

std::uint8_t World::channel(const std::string& name) const {
  for (std::size_t i = 0; i < channels_.size(); ++i)
    if (channels_[i] == name) return static_cast<std::uint8_t>(i);
  throw std::logic_error("undeclared move channel '" + name + "'");
}

FlowId World::flow(const std::string& name) const {
  for (std::size_t i = 0; i < flows_.size(); ++i)
    if (flows_[i].name == name) return static_cast<FlowId>(i);
  throw std::logic_error("undeclared boundary flow '" + name + "'");
}

std::size_t World::create_initial_agents(std::size_t city, std::size_t n) {
  if (step_ != 0) throw std::logic_error("initial agents created during a step");
  return append_new_agents(city, n);
}

std::size_t World::create_agents(std::size_t city, std::size_t n, FlowId flow) {
  if (step_ == 0) throw std::logic_error("agents created before the first step must be initial agents");
  if (!flows_.at(flow).inward) throw std::logic_error("create_agents with outward flow " + flows_[flow].name);
  tally_.boundary[flow][city] += static_cast<std::int64_t>(n);
  return append_new_agents(city, n);
}

std::size_t World::append_new_agents(std::size_t city, std::size_t n) {
  CityState& state = cities_[city];
  if (state.next_serial + n > kMaxSerial) throw std::overflow_error("agent id serials exhausted");
  const std::size_t first = state.agents.append_zeroed(n);
  auto ids = state.agents.col(core::id);
  for (std::size_t i = 0; i < n; ++i) ids[first + i] = make_agent_id(static_cast<std::uint32_t>(city), state.next_serial++);
  return first;
}

void World::remove_agents(std::size_t city, std::span<const std::uint32_t> ascending_rows, FlowId flow) {
  if (flows_.at(flow).inward) throw std::logic_error("remove_agents with inward flow " + flows_[flow].name);
  cities_[city].agents.swap_remove(ascending_rows);
  tally_.boundary[flow][city] += static_cast<std::int64_t>(ascending_rows.size());
}

void World::request_moves(const std::vector<Chunk>& chunks, const std::vector<std::vector<Move>>& per_chunk) {
  for (std::size_t k = 0; k < chunks.size(); ++k) {
    auto& pending = cities_[chunks[k].city].pending_moves;
    pending.insert(pending.end(), per_chunk[k].begin(), per_chunk[k].end());
  }
}

void World::request_departures(const std::vector<Chunk>& chunks,
                               const std::vector<std::vector<std::uint32_t>>& per_chunk, FlowId flow) {
  if (flows_.at(flow).inward) throw std::logic_error("departure under inward flow " + flows_[flow].name);
  for (std::size_t k = 0; k < chunks.size(); ++k)
    for (std::uint32_t row : per_chunk[k]) cities_[chunks[k].city].pending_departures.emplace_back(row, flow);
}

void World::checkpoint(StateArchive& ar) { archive(ar, nullptr); }

void World::fork_from(StateArchive& ar, const std::vector<bool>& keep_own_field) {
  if (!ar.is_loading()) throw std::logic_error("World::fork_from loads");
  archive(ar, &keep_own_field);
}

namespace {

// The schema's index of each name the checkpoint lists, in its order (for a
// restart, the schema's own names in its order, or an error).
template <class Schema, class SizeOf>
std::vector<std::uint32_t> match_by_name(const Schema& schema, const std::vector<std::string>& names,
                                         const std::vector<std::uint32_t>& sizes, SizeOf size_of, bool fork,
                                         const std::string& what, const std::string& size_word) {
  if (names.size() != sizes.size()) throw CheckpointError("checkpoint lists " + what + "s unreadably");
  bool same = names.size() == schema.size();
  std::vector<std::uint32_t> index;
  for (std::size_t k = 0; k < names.size(); ++k) {
    std::size_t i = 0;
    while (i < schema.size() && schema.name(i) != names[k]) ++i;
    if (i == schema.size())
      throw CheckpointError("the checkpoint holds the " + what + " '" + names[k] + "', which " +
                            (fork ? "the models of this scenario do not create (a fork may add policies, not "
                                    "leave out those its base had)"
                                  : "this run lacks (written for other models?)"));
    if (size_of(i) != sizes[k])
      throw CheckpointError("the checkpoint's " + what + " '" + names[k] + "' has " + std::to_string(sizes[k]) + " " +
                            size_word + " where this run's has " + std::to_string(size_of(i)));
    same = same && i == k;
    index.push_back(static_cast<std::uint32_t>(i));
  }
  if (!fork && !same)
    throw CheckpointError("the checkpoint holds other " + what + "s than this run has (written for other models?)");
  return index;
}

}  // namespace

void World::archive(StateArchive& ar, const std::vector<bool>* fork_keep_own_field) {
  ar("step", step_);
  std::uint64_t cities = cities_.size();
  ar("cities", cities);
  if (cities != cities_.size())
    throw CheckpointError("checkpoint has " + std::to_string(cities) + " cities where the scenario has " +
                          std::to_string(cities_.size()));
  // Names and sizes first, so that a fork can match what it shares with its base.
  std::vector<std::string> column_names, field_names;
  std::vector<std::uint32_t> column_bytes, field_widths;
  for (std::size_t i = 0; i < schema_.size(); ++i) {
    column_names.push_back(schema_.name(i));
    column_bytes.push_back(static_cast<std::uint32_t>(schema_.element_bytes(i)));
  }
  for (std::size_t i = 0; i < field_schema_.size(); ++i) {
    field_names.push_back(field_schema_.name(i));
    field_widths.push_back(field_schema_.width(i));
  }
  ar("agent_columns", column_names);
  ar("agent_column_bytes", column_bytes);
  ar("city_fields", field_names);
  ar("city_field_widths", field_widths);
  const bool fork = fork_keep_own_field != nullptr;
  std::vector<std::uint32_t> stored_columns, stored_fields;
  if (ar.is_loading()) {
    stored_columns = match_by_name(
        schema_, column_names, column_bytes, [&](std::size_t i) { return schema_.element_bytes(i); }, fork,
        "agent column", "bytes per agent");
    stored_fields = match_by_name(
        field_schema_, field_names, field_widths, [&](std::size_t i) { return field_schema_.width(i); }, fork,
        "city field", "values per city");
  }
  for (std::size_t c = 0; c < cities_.size(); ++c) {
    CityState& city = cities_[c];
    const auto section = ar.section("city" + std::to_string(c));
    city.agents.checkpoint(ar, schema_, stored_columns);
    ar("next_serial", city.next_serial);
    ar("serial_at_step_start", city.serial_at_step_start);
    ar("size_at_step_start", city.size_at_step_start);
    ar("first_arrival", city.first_arrival);
    ar("pending_moves", city.pending_moves);
    ar("pending_departures", city.pending_departures);
  }
  {
    const auto section = ar.section("fields");
    fields_.checkpoint(ar, field_schema_, stored_fields, fork ? *fork_keep_own_field : std::vector<bool>{});
  }
  const auto section = ar.section("tally");
  ar("boundary", tally_.boundary);
  ar("moves", tally_.moves);
  ar("moves_by_channel", tally_.moves_by_channel);
  ar("inflow", tally_.inflow);
  ar("outflow", tally_.outflow);
}

void World::begin_step(std::uint32_t step) {
  step_ = step;
  for (auto& flow : tally_.boundary) std::fill(flow.begin(), flow.end(), 0);
  std::fill(tally_.moves.begin(), tally_.moves.end(), 0);
  std::fill(tally_.moves_by_channel.begin(), tally_.moves_by_channel.end(), 0);
  std::fill(tally_.inflow.begin(), tally_.inflow.end(), 0);
  std::fill(tally_.outflow.begin(), tally_.outflow.end(), 0);
  for (auto& c : cities_) {
    c.serial_at_step_start = c.next_serial;
    c.size_at_step_start = c.agents.size();
    c.first_arrival = c.agents.size();
    c.pending_moves.clear();
    c.pending_departures.clear();
  }
}

void World::apply_moves() {
  const std::size_t n = cities_.size();
  // Departures: each origin packs its movers, grouped by destination, into an
  // outbox, then closes the holes. Cities are independent.
  std::vector<AgentTable> outbox;
  outbox.reserve(n);
  for (std::size_t c = 0; c < n; ++c) outbox.emplace_back(schema_);
  std::vector<std::vector<std::size_t>> outbox_offsets(n, std::vector<std::size_t>(n + 1, 0));

  for (auto& city : cities_) {
    auto& moves = city.pending_moves;
    std::sort(moves.begin(), moves.end(), [](const Move& a, const Move& b) { return a.row < b.row; });
    for (std::size_t i = 1; i < moves.size(); ++i)
      if (moves[i].row == moves[i - 1].row) throw std::logic_error("an agent was asked to move twice in one step");
    auto& departures = city.pending_departures;
    std::sort(departures.begin(), departures.end());
    for (std::size_t i = 1; i < departures.size(); ++i)
      if (departures[i].first == departures[i - 1].first) throw std::logic_error("an agent was asked to leave twice");
    for (const auto& [row, flow] : departures)
      if (std::binary_search(moves.begin(), moves.end(), Move{row, 0, 0},
                             [](const Move& a, const Move& b) { return a.row < b.row; }))
        throw std::logic_error("an agent was asked both to move and to leave");
    for (const Move& m : moves) {
      if (m.destination >= n) throw std::logic_error("a move to a city that does not exist");
      if (m.channel >= channels_.size()) throw std::logic_error("a move on an undeclared channel");
    }
  }

  parallel_for_cities(*this, [&](std::size_t origin) {
    const auto& moves = cities_[origin].pending_moves;
    const auto& departures = cities_[origin].pending_departures;
    if (moves.empty() && departures.empty()) return;
    std::vector<std::uint32_t> rows_by_destination;
    rows_by_destination.reserve(moves.size());
    auto& offsets = outbox_offsets[origin];
    for (const Move& m : moves) {
      ++offsets[m.destination + 1];
      tally_.moves_by_channel[(m.channel * n + origin) * n + m.destination] += 1;
    }
    std::partial_sum(offsets.begin(), offsets.end(), offsets.begin());
    rows_by_destination.resize(moves.size());
    std::vector<std::size_t> fill(offsets.begin(), offsets.end() - 1);
    for (const Move& m : moves) rows_by_destination[fill[m.destination]++] = m.row;
    outbox[origin].append_rows(cities_[origin].agents, rows_by_destination);
    // Movers and those who leave the world go in one removal (rows ascending).
    std::vector<std::uint32_t> ascending;
    ascending.reserve(moves.size() + departures.size());
    std::size_t m = 0, d = 0;
    while (m < moves.size() || d < departures.size()) {
      if (d == departures.size() || (m < moves.size() && moves[m].row < departures[d].first)) ascending.push_back(moves[m++].row);
      else ascending.push_back(departures[d++].first);
    }
    cities_[origin].agents.swap_remove(ascending);
    for (const auto& [row, flow] : departures) tally_.boundary[flow][origin] += 1;
  });

  // Arrivals: each destination appends its newcomers in origin order.
  parallel_for_cities(*this, [&](std::size_t destination) {
    CityState& dest = cities_[destination];
    dest.first_arrival = dest.agents.size();
    for (std::size_t origin = 0; origin < n; ++origin) {
      const std::size_t begin = outbox_offsets[origin][destination];
      const std::size_t end = outbox_offsets[origin][destination + 1];
      if (end > begin) dest.agents.append_range(outbox[origin], begin, end);
    }
  });

  for (std::size_t origin = 0; origin < n; ++origin) {
    for (std::size_t destination = 0; destination < n; ++destination) {
      const auto count = static_cast<std::int64_t>(outbox_offsets[origin][destination + 1] -
                                                   outbox_offsets[origin][destination]);
      if (count == 0) continue;
      if (origin == destination) throw std::logic_error("a move to the city the agent is already in");
      tally_.moves[origin * n + destination] += count;
      tally_.outflow[origin] += count;
      tally_.inflow[destination] += count;
    }
    cities_[origin].pending_moves.clear();
    cities_[origin].pending_departures.clear();
  }
}

void World::check_accounting() const {
  for (std::size_t c = 0; c < cities_.size(); ++c) {
    std::int64_t expected = static_cast<std::int64_t>(cities_[c].size_at_step_start) + tally_.inflow[c] - tally_.outflow[c];
    for (std::size_t f = 0; f < flows_.size(); ++f)
      expected += flows_[f].inward ? tally_.boundary[f][c] : -tally_.boundary[f][c];
    if (expected != static_cast<std::int64_t>(cities_[c].agents.size()))
      throw std::logic_error("accounting does not balance for city " + geography_.city(c).name + " at step " +
                             std::to_string(step_));
  }
}

}  // namespace mobsim
