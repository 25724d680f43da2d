#pragma once
// Shared helpers for the test suite: the built-in models, scenario loading
// and in-memory runs.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "engine.hpp"
#include "recording.hpp"
#include "register_models.hpp"
#include "scenario_loader.hpp"

namespace mobsim::test {

inline std::filesystem::path source_dir() { return MOBSIM_SOURCE_DIR; }
inline std::filesystem::path scenario_path(const std::string& relative) { return source_dir() / "scenarios" / relative; }

const ModelRegistry& registry();
const ParamTable& param_table();

ScenarioSpec load(const std::filesystem::path& file, const std::vector<std::string>& overrides = {});
// A scenario given as text; relative `base` paths resolve against scenarios/.
ScenarioSpec load_text(const std::string& text, const std::vector<std::string>& overrides = {});

struct RunResult {
  std::vector<SeriesDecl> series;
  std::vector<FlowDecl> boundary_flows;
  std::vector<std::string> cities;
  std::vector<std::string> channels;
  std::vector<EntryOutput> entries;
  Recording recording;
  std::size_t series_index(const std::string& name) const;
  // value of a series for (replicate, time, city)
  double at(const std::string& name, std::size_t replicate, int time, std::size_t city) const;
  // sum over replicates and time points
  double total(const std::string& name, std::size_t city) const;
  std::size_t city(const std::string& name) const;
  std::size_t channel(const std::string& name) const;
  // moves from o to d on a channel during the step ending at (replicate, time)
  double moves(const std::string& channel_name, std::size_t replicate, int time, std::size_t o, std::size_t d) const;
  // value of the entry series /group/entry/name at (replicate, time)
  double entry(const std::string& group, const std::string& entry, const std::string& name, std::size_t replicate,
               int time) const;
};
RunResult run_in_memory(const ScenarioSpec& spec);

// Index of the series `name` among `series` (an engine's declarations);
// throws std::out_of_range naming it when there is none, so that a renamed or
// missing series fails the test instead of becoming a read past the frame.
std::size_t series_index(const std::vector<SeriesDecl>& series, const std::string& name);

// The entry `name` of a collection; throws std::out_of_range naming it when
// the scenario has none (dereferencing find_entry's null would crash the
// whole test binary instead of failing one test).
const CollectionEntry& entry_of(const ScenarioSpec& spec, const std::string& collection, const std::string& name);

// The library's scenario files (scenarios/*.toml), in name order.
std::vector<std::filesystem::path> library_scenarios();

// Adds a test failure, naming `what` and the first time point that differs,
// unless both hold the same time points (series, flows, entries).
void expect_same_frames(const std::vector<Frame>& expected, const std::vector<Frame>& got, const std::string& what);

// Text of a scenario that starts from the baseline with the given TOML body.
std::string from_baseline(const std::string& body);

// Rows with their agent ids as a selection kernel lists them: room for n,
// `count` of them listed.
struct RowList {
  explicit RowList(std::size_t n) : rows(n), ids(n) {}
  std::vector<std::uint32_t> rows;
  std::vector<std::uint64_t> ids;
  std::size_t count = 0;
  std::span<const std::uint32_t> listed() const { return {rows.data(), count}; }
};

// Adds a test failure unless both lists hold the same rows with the same ids.
void expect_same_rows(const RowList& plain, const RowList& fast);

}  // namespace mobsim::test
