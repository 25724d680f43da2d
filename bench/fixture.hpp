#pragma once
// The benchmarks' scenario: a scenario of scenarios/ at 26 persons per agent
// (about one million agents over the 24 Dialogue cities for the baseline),
// long enough for any number of steps.
#include <memory>
#include <string>
#include <vector>

#include "engine.hpp"
#include "register_models.hpp"
#include "scenario_loader.hpp"

namespace mobsim::bench {

inline const ModelRegistry& registry() { return models::builtin_registry(); }

struct Fixture {
  explicit Fixture(std::vector<std::string> overrides, const std::string& scenario = "baseline.toml") {
    overrides.push_back("run.people_per_agent=26");  // ~1.0 million agents
    overrides.push_back("run.duration_months=1200");
    spec = load_scenario(std::string(MOBSIM_SOURCE_DIR "/scenarios/") + scenario, overrides, table, registry().checks());
    engine = std::make_unique<Engine>(spec, registry());
  }
  ParamTable table = registry().param_table();
  ScenarioSpec spec;
  std::unique_ptr<Engine> engine;
};

}  // namespace mobsim::bench
