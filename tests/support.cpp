#include "support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>

namespace mobsim::test {

const ModelRegistry& registry() { return models::builtin_registry(); }

const ParamTable& param_table() {
  static const ParamTable t = registry().param_table();
  return t;
}

ScenarioSpec load(const std::filesystem::path& file, const std::vector<std::string>& overrides) {
  return load_scenario(file, overrides, param_table(), registry().checks());
}

ScenarioSpec load_text(const std::string& text, const std::vector<std::string>& overrides) {
  return load_scenario_text(text, "test.toml", source_dir() / "scenarios", overrides, param_table(),
                            registry().checks());
}

std::vector<std::filesystem::path> library_scenarios() {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(source_dir() / "scenarios"))
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

void expect_same_frames(const std::vector<Frame>& expected, const std::vector<Frame>& got, const std::string& what) {
  ASSERT_EQ(expected.size(), got.size()) << what;
  for (std::size_t t = 0; t < expected.size(); ++t) {
    EXPECT_EQ(expected[t].series, got[t].series) << what << ", time " << t;
    EXPECT_EQ(expected[t].flows, got[t].flows) << what << ", time " << t;
    EXPECT_EQ(expected[t].flows_by_channel, got[t].flows_by_channel) << what << ", time " << t;
    EXPECT_EQ(expected[t].entries, got[t].entries) << what << ", time " << t;
    if (expected[t].series != got[t].series || expected[t].entries != got[t].entries) return;  // one says enough
  }
}

std::string from_baseline(const std::string& body) { return "base = \"baseline.toml\"\n" + body; }

std::size_t RunResult::series_index(const std::string& name) const {
  for (std::size_t i = 0; i < series.size(); ++i)
    if (series[i].name == name) return i;
  throw std::logic_error("no series " + name);
}

double RunResult::at(const std::string& name, std::size_t replicate, int time, std::size_t city) const {
  return recording.frames().at(replicate).at(static_cast<std::size_t>(time)).series.at(series_index(name)).at(city);
}

double RunResult::total(const std::string& name, std::size_t city) const {
  double sum = 0;
  const std::size_t i = series_index(name);
  for (const auto& replicate : recording.frames())
    for (const auto& frame : replicate) sum += frame.series.at(i).at(city);
  return sum;
}

std::size_t RunResult::city(const std::string& name) const {
  for (std::size_t c = 0; c < cities.size(); ++c)
    if (cities[c] == name) return c;
  throw std::logic_error("no city " + name);
}

std::size_t RunResult::channel(const std::string& name) const {
  for (std::size_t c = 0; c < channels.size(); ++c)
    if (channels[c] == name) return c;
  throw std::logic_error("no channel " + name);
}

double RunResult::moves(const std::string& channel_name, std::size_t replicate, int time, std::size_t o,
                        std::size_t d) const {
  const std::size_t n = cities.size();
  return recording.frames().at(replicate).at(static_cast<std::size_t>(time)).flows_by_channel.at(
      (channel(channel_name) * n + o) * n + d);
}

double RunResult::entry(const std::string& group, const std::string& name, const std::string& series_name,
                        std::size_t replicate, int time) const {
  for (std::size_t e = 0; e < entries.size(); ++e) {
    if (entries[e].group != group || entries[e].entry != name) continue;
    for (std::size_t i = 0; i < entries[e].series.size(); ++i)
      if (entries[e].series[i].name == series_name)
        return recording.frames().at(replicate).at(static_cast<std::size_t>(time)).entries.at(e).at(i);
  }
  throw std::logic_error("no entry series " + group + "/" + name + "/" + series_name);
}

RunResult run_in_memory(const ScenarioSpec& spec) {
  const Engine engine(spec, registry());
  RunResult result;
  result.series = engine.series();
  for (const auto* m : engine.models())
    result.boundary_flows.insert(result.boundary_flows.end(), m->flows.begin(), m->flows.end());
  for (const auto& c : engine.geography().cities()) result.cities.push_back(c.name);
  result.channels = engine.channels();
  result.entries = engine.entry_outputs();
  engine.run(result.recording);
  return result;
}

std::size_t series_index(const std::vector<SeriesDecl>& series, const std::string& name) {
  for (std::size_t i = 0; i < series.size(); ++i)
    if (series[i].name == name) return i;
  throw std::out_of_range("no series " + name + " among the " + std::to_string(series.size()) + " declared");
}

const CollectionEntry& entry_of(const ScenarioSpec& spec, const std::string& collection, const std::string& name) {
  const CollectionEntry* e = spec.find_entry(collection, name);
  if (e == nullptr) throw std::out_of_range("no entry " + name + " in collection " + collection);
  return *e;
}

void expect_same_rows(const RowList& plain, const RowList& fast) {
  ASSERT_EQ(plain.count, fast.count);
  for (std::size_t i = 0; i < plain.count; ++i) {
    ASSERT_EQ(plain.rows[i], fast.rows[i]) << "entry " << i;
    ASSERT_EQ(plain.ids[i], fast.ids[i]) << "entry " << i;
  }
}

}  // namespace mobsim::test
