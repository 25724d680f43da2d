// Google Benchmark cases for the whole step at about one million agents:
// the baseline scenario (all Dialogue cities) at 26 people per agent, 24
// monthly steps from the initial state. items_per_second is agent-steps per
// second. Each model kernel alone: bench_kernels.cpp.
#include <benchmark/benchmark.h>

#include "engine.hpp"
#include "fixture.hpp"
#include "parallel.hpp"

namespace {

using namespace mobsim;

using bench::Fixture;

void run_steps(benchmark::State& state, std::vector<std::string> overrides, int warm_up_steps = 0,
               const std::string& scenario = "baseline.toml") {
  set_thread_count(static_cast<int>(state.range(0)));
  Fixture f(std::move(overrides), scenario);
  auto sim = f.engine->make_simulation(0);
  for (int t = 0; t < warm_up_steps; ++t) sim->step();
  std::int64_t agent_steps = 0;
  for (auto _ : state) {
    agent_steps += static_cast<std::int64_t>(sim->world().total_agents());
    sim->step();
  }
  state.SetItemsProcessed(agent_steps);
  state.counters["agents"] = static_cast<double>(sim->world().total_agents());
}

// The whole step of the baseline: the full behavioural model.
void BM_Step(benchmark::State& state) { run_steps(state, {}); }
BENCHMARK(BM_Step)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(24);

// The same after a year of simulated time, when every agent's next draw is
// scheduled (the first steps schedule everyone).
void BM_StepSteady(benchmark::State& state) { run_steps(state, {}, 12); }
BENCHMARK(BM_StepSteady)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(24);

// The steady state with the Dialogue's partnerships in force (two circular
// schemes, a job programme, a housing programme, a city ID, return support,
// skills recognition; scenarios/dialogue_partnerships.toml): the cost of
// the policy instruments against BM_StepSteady.
void BM_StepPolicies(benchmark::State& state) { run_steps(state, {}, 12, "dialogue_partnerships.toml"); }
BENCHMARK(BM_StepPolicies)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(24);

// Legal pathways (an application channel and quota allocation each step)
// and regularisations in force (scenarios/legal_pathways_expansion.toml).
void BM_StepPathways(benchmark::State& state) { run_steps(state, {}, 12, "legal_pathways_expansion.toml"); }
BENCHMARK(BM_StepPathways)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(24);

// The foundation's model set (demography, constant hinterland arrivals,
// gravity migration), for a like-for-like comparison with earlier figures.
void BM_StepGravityModels(benchmark::State& state) {
  run_steps(state, {"models.labour=none", "models.housing=none", "models.legal_status=none", "models.budget=none",
                    "models.remittances=none", "models.hinterland=constant_rate", "models.international=none",
                    "models.networks=none", "models.migration=gravity"});
}
BENCHMARK(BM_StepGravityModels)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(24);

// Building the initial population from the city data.
void BM_InitialPopulation(benchmark::State& state) {
  set_thread_count(static_cast<int>(state.range(0)));
  Fixture f({});
  std::int64_t agents = 0;
  for (auto _ : state) {
    auto sim = f.engine->make_simulation(0);
    agents += static_cast<std::int64_t>(sim->world().total_agents());
    benchmark::DoNotOptimize(sim);
  }
  state.SetItemsProcessed(agents);
}
BENCHMARK(BM_InitialPopulation)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

}  // namespace

BENCHMARK_MAIN();
