#include "support.hpp"

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

RunResult run_in_memory(const ScenarioSpec& spec) {
  const Engine engine(spec, registry());
  RunResult result;
  result.series = engine.series();
  for (const auto* m : engine.models())
    result.boundary_flows.insert(result.boundary_flows.end(), m->flows.begin(), m->flows.end());
  for (const auto& c : engine.geography().cities()) result.cities.push_back(c.name);
  engine.run(result.recording);
  return result;
}

}  // namespace mobsim::test
