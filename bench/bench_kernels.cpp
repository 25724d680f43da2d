// Google Benchmark cases for each model kernel (demography, labour
// matching, housing, legal status, budgets, remittances, diaspora counts,
// migration decisions, moves, policy instruments) and for observation
// (reductions) and HDF5 output, at about one million agents (26 persons per
// agent). Whole steps run; each case times only its own phase with the
// engine's phase timers (manual time), after a year of warm-up, so that the
// kernel sees the state a real run gives it. items_per_second is agents per
// second through the kernel.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <sstream>

#include "fixture.hpp"
#include "hdf5_writer.hpp"
#include "parallel.hpp"

namespace {

using namespace mobsim;
using bench::Fixture;

// Sum of the phase timers whose key ("phase:model") is listed in `keys`
// (separated by '|'); a key ending in '*' matches every key it begins.
double seconds_of(const Simulation& sim, const std::string& keys) {
  std::vector<std::string> wanted;
  std::stringstream list(keys);
  for (std::string key; std::getline(list, key, '|');) wanted.push_back(key);
  double total = 0;
  for (const auto& [key, seconds] : sim.phase_seconds())
    for (const auto& w : wanted)
      if (w.back() == '*' ? key.rfind(w.substr(0, w.size() - 1), 0) == 0 : key == w) total += seconds;
  return total;
}

void BM_Kernel(benchmark::State& state, const std::string& scenario, const std::string& keys) {
  set_thread_count(static_cast<int>(state.range(0)));
  Fixture f({}, scenario);
  auto sim = f.engine->make_simulation(0);
  for (int t = 0; t < 12; ++t) sim->step();
  std::int64_t agents = 0;
  for (auto _ : state) {
    const double before = seconds_of(*sim, keys);
    agents += static_cast<std::int64_t>(sim->world().total_agents());
    sim->step();
    state.SetIterationTime(seconds_of(*sim, keys) - before);
  }
  state.SetItemsProcessed(agents);
}

#define MOBSIM_KERNEL(name, scenario, keys)                                                                    \
  BENCHMARK_CAPTURE(BM_Kernel, name, scenario, keys)                                                           \
      ->Arg(1)                                                                                                 \
      ->Arg(2)                                                                                                 \
      ->Unit(benchmark::kMillisecond)                                                                          \
      ->UseManualTime()                                                                                        \
      ->Iterations(12)

MOBSIM_KERNEL(demography, "baseline.toml", "demography:crude_rates");
MOBSIM_KERNEL(labour_matching, "baseline.toml", "labour:matching");
MOBSIM_KERNEL(housing, "baseline.toml", "housing:tenure|arrive:tenure");
MOBSIM_KERNEL(legal_status, "baseline.toml", "status:permits");
MOBSIM_KERNEL(budgets, "baseline.toml", "income:monthly");
MOBSIM_KERNEL(remittances, "baseline.toml", "income:share_of_income");
MOBSIM_KERNEL(diaspora_counts, "baseline.toml", "decide:diaspora");
MOBSIM_KERNEL(migration_decisions, "baseline.toml", "decide:behavioural");
MOBSIM_KERNEL(moves, "baseline.toml", "move");
// The Dialogue's partnerships in force: circular schemes, job and housing
// programmes, a city ID, return support, skills recognition, free movement.
MOBSIM_KERNEL(policy_instruments, "dialogue_partnerships.toml",
              "policy:*|decide:schemes|arrive:schemes|decide:quotas|arrive:programmes");

// Observation of one time point: the reductions over all agents behind
// every output series (foreign-born, employment, tenures, statuses).
void BM_Reductions(benchmark::State& state) {
  set_thread_count(static_cast<int>(state.range(0)));
  Fixture f({});
  auto sim = f.engine->make_simulation(0);
  for (int t = 0; t < 12; ++t) sim->step();
  Frame frame;
  std::int64_t agents = 0;
  for (auto _ : state) {
    sim->observe(frame);
    agents += static_cast<std::int64_t>(sim->world().total_agents());
  }
  state.SetItemsProcessed(agents);
}
BENCHMARK(BM_Reductions)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(24);

// HDF5 output: a year of time points (one chunk) of one replicate written
// to a temporary file, which is removed afterwards (never finished).
void BM_Output(benchmark::State& state) {
  Fixture f({});
  auto sim = f.engine->make_simulation(0);
  Frame frame;
  sim->observe(frame);
  const auto path = std::filesystem::temp_directory_path() / "mobsim_bench_output.h5";
  std::int64_t time_points = 0;
  for (auto _ : state) {
    std::filesystem::remove(path);
    {
      Hdf5Writer writer(path, *f.engine, OutputMetadata{});
      for (int t = 0; t < 12; ++t) writer.write(0, t, frame);
    }
    time_points += 12;
  }
  std::filesystem::remove(path);
  state.SetItemsProcessed(time_points);
  state.counters["cities"] = static_cast<double>(sim->world().city_count());
}
BENCHMARK(BM_Output)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

}  // namespace
