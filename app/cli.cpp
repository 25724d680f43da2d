#include "cli.hpp"

#include <CLI/CLI.hpp>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <new>
#include <optional>

#include "analysis_commands.hpp"
#include "checkpointing.hpp"
#include "draws.hpp"
#include "forking.hpp"
#include "mpi_ensemble.hpp"
#include "compare.hpp"
#include "docs.hpp"
#include "engine.hpp"
#include "engine_params.hpp"
#include "exit_codes.hpp"
#include "hdf5_writer.hpp"
#include "mobsim_git_commit.hpp"
#include "mobsim_version.hpp"
#include "output_errors.hpp"
#include "output_file.hpp"
#include "parallel.hpp"
#include "progress.hpp"
#include "recording.hpp"
#include "scenario_loader.hpp"
#include "stop_signals.hpp"
#include "sweep_commands.hpp"
#include "gather.hpp"

namespace mobsim {

namespace {

namespace fs = std::filesystem;

struct ScenarioArgs {
  std::string file;
  std::vector<std::string> sets;
};

void add_scenario_args(CLI::App* cmd, ScenarioArgs& args, bool required = true) {
  auto* scenario = cmd->add_option("scenario", args.file,
                                   required ? "Scenario TOML file" : "Scenario TOML file (with --restart: optional, "
                                                                     "the checkpoint's own if left out)");
  if (required) scenario->required();
  cmd->add_option("--set", args.sets, "Override a parameter, e.g. --set gravity.distance_elasticity=2 (repeatable)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

ScenarioSpec load(const ScenarioArgs& args, const std::vector<std::string>& extra, const ModelRegistry& registry,
                  const ParamTable& table) {
  std::vector<std::string> overrides = args.sets;
  overrides.insert(overrides.end(), extra.begin(), extra.end());
  return load_scenario(args.file, overrides, table, registry.checks());
}

// A warning under --strict stops the scenario as an error would.
class StrictError : public ScenarioError {
 public:
  using ScenarioError::ScenarioError;
};

// Prints the scenario's warnings; under --strict they become errors.
void report_warnings(const ScenarioSpec& spec, bool strict, std::ostream& err) {
  if (spec.warnings().empty()) return;
  if (strict) {
    std::vector<Diagnostic> errors = spec.warnings();
    for (auto& d : errors) d.severity = Severity::error;
    throw StrictError(std::move(errors));
  }
  for (const auto& d : spec.warnings()) err << d.format() << "\n";
}

// "1.3 GiB", "640 MiB".
std::string memory_text(double bytes) {
  char text[32];
  if (bytes >= 1024.0 * 1024 * 1024)
    std::snprintf(text, sizeof text, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
  else
    std::snprintf(text, sizeof text, "%.0f MiB", std::max(1.0, bytes / (1024.0 * 1024)));
  return text;
}

std::string memory_need_text(const MemoryEstimate& m) {
  std::string text = "about " + memory_text(static_cast<double>(m.peak_bytes)) + " (" +
                     memory_text(static_cast<double>(m.address_space_bytes)) + " of address space) for " +
                     group_thousands(m.agents_at_start) + " agents";
  if (m.replicates_at_once > 1) text += " in each of " + std::to_string(m.replicates_at_once) + " replicates run at once";
  return text;
}

// Memory ran out: what the run needed and what to change.
class OutOfMemory : public std::runtime_error {
 public:
  explicit OutOfMemory(const MemoryEstimate& m)
      : std::runtime_error("out of memory: this run needs " + memory_need_text(m) +
                           "; try a larger run.people_per_agent" +
                           (m.replicates_at_once > 1 ? " or fewer --threads (fewer replicates at once)" : "")) {}
};

std::string models_text(const ModelRegistry& registry, const ScenarioSpec& spec) {
  std::string out;
  for (const auto& slot : registry.slots())
    out += (out.empty() ? "" : ", ") + slot.name + "=" + spec.text("models." + slot.name);
  return out;
}

// The policy blocks of a scenario, as "collection.name (start..end)".
std::string policies_text(const ParamTable& table, const ScenarioSpec& spec) {
  std::string out;
  for (const auto& collection : table.collections()) {
    if (!collection.is_policy) continue;
    for (const auto& e : spec.entries(collection.name)) {
      std::string when;
      if (collection.find_field("start") != nullptr)
        when = " from " + e.text("start") + (e.text("end") == "9999-12" ? "" : " to " + e.text("end"));
      else if (collection.find_field("date") != nullptr)
        when = " in " + e.text("date");
      out += (out.empty() ? "" : ", ") + collection.name + "." + toml_key(e.name) + when;
    }
  }
  return out.empty() ? "none" : out;
}

struct RunArgs {
  ScenarioArgs scenario;
  std::string output;
  std::optional<std::uint64_t> seed;
  std::optional<int> threads;
  std::optional<int> steps;
  std::optional<int> replicates;
  bool quiet = false;
  bool no_summary = false;
  bool no_output = false;
  bool overwrite = false;
  bool strict = false;
  bool verbose = false;  // a write failure also prints HDF5's error stack
  CheckpointOptions checkpoints;
  std::string sweep;        // --sweep: run one point of this sweep
  std::optional<int> task;  // --task (else SLURM_ARRAY_TASK_ID)
  std::string draws;        // --draws: run over these calibrated parameter draws
};

// The statistics of runs one after another (the draws of --draws): times
// and counts add up, peaks are the largest, each replicate's steps come
// from the run that ran it (the others report it finished).
void add_run(RunStats& total, const RunStats& part, bool first) {
  if (first) {
    total = part;
    return;
  }
  total.wall_seconds += part.wall_seconds;
  total.agent_steps += part.agent_steps;
  for (const auto& [phase, seconds] : part.phase_seconds) total.phase_seconds[phase] += seconds;
  total.concurrent_replicates = std::max(total.concurrent_replicates, part.concurrent_replicates);
  total.peak_agents = std::max(total.peak_agents, part.peak_agents);
  total.agent_state_bytes = std::max(total.agent_state_bytes, part.agent_state_bytes);
  total.peak_resident_bytes = std::max(total.peak_resident_bytes, part.peak_resident_bytes);
  total.stopped = total.stopped || part.stopped;
  for (std::size_t r = 0; r < total.replicate_steps.size() && r < part.replicate_steps.size(); ++r)
    total.replicate_steps[r] = std::min(total.replicate_steps[r], part.replicate_steps[r]);
  total.checkpoint_seconds += part.checkpoint_seconds;
  total.checkpoint_bytes += part.checkpoint_bytes;
  total.resumed_replicates += part.resumed_replicates;
}

void report_done(const RunStats& stats, const std::string& where, const RunArgs& args, const Summary& summary,
                 std::ostream& out) {
  char rate[64];
  std::snprintf(rate, sizeof rate, "%.2f s, %.1f M agent-steps/s", stats.wall_seconds,
                stats.wall_seconds > 0 ? static_cast<double>(stats.agent_steps) / stats.wall_seconds / 1e6 : 0.0);
  out << "mobsim: done in " << rate << " (" << group_thousands(static_cast<std::int64_t>(stats.agent_steps))
      << " agent-steps); " << where << "\n";
  if (!args.quiet) {
    std::vector<std::pair<std::string, double>> phases(stats.phase_seconds.begin(), stats.phase_seconds.end());
    std::sort(phases.begin(), phases.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    // Phases that took under 5 ms in all (idle policy slots) are counted, not listed.
    std::size_t quick = 0;
    std::string listed;
    for (const auto& [phase, seconds] : phases) {
      if (seconds < 0.005) {
        ++quick;
        continue;
      }
      char text[96];
      std::snprintf(text, sizeof text, "%s %s %.2f s", listed.empty() ? "" : ",", phase.c_str(), seconds);
      listed += text;
    }
    out << "mobsim: time per phase:" << (listed.empty() ? " each under 0.01 s" : listed);
    if (quick > 0 && !listed.empty()) out << "; " << quick << " more under 0.01 s each";
    out << "\n";
  }
  if (!args.no_summary) summary.print(out);
}

int cmd_run(const RunArgs& args, const std::string& command_line, const ModelRegistry& registry, std::ostream& out,
            std::ostream& err) {
  if (args.threads) set_thread_count(*args.threads);
  install_stop_handlers();
  // What the run continues from: --restart, or the checkpoints of this
  // same run in --checkpoint-dir (a requeued job runs its command again).
  std::vector<std::unique_ptr<LoadedCheckpoint>> loaded;
  fs::path loaded_from;
  if (!args.checkpoints.restart.empty()) {
    loaded_from = restart_folder(args.checkpoints.restart);
    loaded = load_checkpoints(loaded_from);
  } else if (!args.checkpoints.folder.empty() && holds_checkpoints(args.checkpoints.folder)) {
    loaded_from = args.checkpoints.folder;
    loaded = load_checkpoints(loaded_from);
  }
  const CheckpointRun* from = nullptr;
  for (const auto& c : loaded)
    if (c && !from) from = &c->header().run;
  const ParamTable table = registry.param_table();
  std::optional<SweepSpec> sweep;
  std::size_t point = 0;
  if (!args.sweep.empty()) {
    if (!args.scenario.file.empty() || !args.scenario.sets.empty())
      throw UsageError("--sweep runs a point of the sweep's own scenario: give no scenario file and no --set "
                       "(the sweep file's `set` applies to every point)");
    sweep = load_sweep(args.sweep, table);
    point = sweep_task(*sweep, args.task);
  } else if (args.task) {
    throw UsageError("--task needs --sweep");
  }
  if (!args.checkpoints.from.empty()) {
    if (args.scenario.file.empty()) throw UsageError("--from forks a scenario: give the scenario file");
    if (!args.checkpoints.restart.empty()) throw UsageError("--from and --restart exclude each other");
    if (sweep) throw UsageError("--from does not combine with --sweep");
  }
  if (args.scenario.file.empty() && from == nullptr && !sweep)
    throw UsageError("run needs a scenario file (or --restart CHECKPOINT_DIR, or --sweep SWEEP --task K)");
  const std::string scenario_file = sweep                       ? sweep->scenario.string()
                                    : args.scenario.file.empty() ? from->scenario_file
                                                                 : args.scenario.file;

  std::optional<Draws> draws;
  if (!args.draws.empty()) {
    if (sweep || !args.checkpoints.folder.empty() || !args.checkpoints.restart.empty() ||
        !args.checkpoints.from.empty() || args.checkpoints.stop_after > 0 || ranks().distributed())
      throw UsageError("--draws runs a scenario over calibrated draws from the start, in one process: it does not "
                       "combine with --sweep, checkpoints, restarts, forks or mpirun yet");
    if (args.scenario.file.empty()) throw UsageError("--draws needs the scenario file");
    draws = load_draws(args.draws, table);
  }
  std::vector<std::string> extra;
  if (args.seed) extra.push_back("run.seed=" + std::to_string(*args.seed));
  if (args.replicates) extra.push_back("run.replicates=" + std::to_string(*args.replicates));
  // Over draws, the output holds every draw's replicates: R per draw.
  std::size_t replicates_per_draw = 0;
  if (draws) {
    replicates_per_draw = static_cast<std::size_t>(load(args.scenario, extra, registry, table).integer("run.replicates"));
    extra.push_back("run.replicates=" + std::to_string(replicates_per_draw * draws->size()));
  }
  const auto load_spec = [&] {
    if (sweep) return sweep_point_scenario(*sweep, point, extra, registry, table);
    if (!args.scenario.file.empty()) return load(args.scenario, extra, registry, table);
    // The checkpoint's own resolved scenario, which reproduces the run.
    std::vector<std::string> overrides = args.scenario.sets;
    overrides.insert(overrides.end(), extra.begin(), extra.end());
    return load_scenario_text(from->scenario_toml, from->scenario_file, fs::path(from->scenario_file).parent_path(),
                              overrides, table, registry.checks());
  };
  ScenarioSpec spec = load_spec();
  if (args.steps) {
    extra.push_back("run.duration_months=" + std::to_string(*args.steps * spec.integer("run.step_months")));
    spec = load_spec();
  }

  report_warnings(spec, args.strict, err);
  const std::string program = std::string("mobsim ") + MOBSIM_VERSION + " (" + MOBSIM_GIT_COMMIT + ")";
  const Clock clock = Clock::from(spec);
  if (args.checkpoints.stop_after >= clock.steps)
    throw UsageError("--stop-after " + std::to_string(args.checkpoints.stop_after) + " is not before the end of the run (" +
                     std::to_string(clock.steps) + " steps)");
  // Ensembles across MPI ranks: replicate r on rank r mod R; rank 0 writes.
  const Ranks& mpi = ranks();
  if (mpi.distributed()) {
    if (!args.checkpoints.folder.empty() || !args.checkpoints.restart.empty() || !args.checkpoints.from.empty() ||
        args.checkpoints.stop_after > 0 || sweep)
      throw UsageError("under mpirun, a run spreads its replicates over the ranks; checkpoints, restarts, forks and "
                       "sweeps are not distributed yet: run them without mpirun");
    if (mpi.size > spec.integer("run.replicates"))
      throw UsageError("mpirun started " + std::to_string(mpi.size) + " ranks for " +
                       std::to_string(spec.integer("run.replicates")) +
                       " replicate(s): each rank runs whole replicates, so use at most as many ranks as replicates");
    if (!mpi.root()) {
      start_threads();
      const Engine engine(spec, registry);
      KeptFrames kept;
      RunControl control;
      control.runs_replicate = [&](std::size_t r) { return mpi.runs(r); };
      const RunStats stats = engine.run(kept, {}, control);
      send_to_root(kept, stats);
      return 0;
    }
  }
  // A fork checks its base's checkpoints before anything is written; a
  // requeued fork whose own checkpoints exist continues those instead.
  std::optional<ForkSource> fork;
  if (!args.checkpoints.from.empty() && loaded.empty())
    fork = load_fork_source(args.checkpoints.from, spec, registry, program);

  // The output target is checked and locked before anything runs.
  if (sweep && args.output.empty() && !args.no_output) {
    std::error_code ec;
    fs::create_directories(default_sweep_folder(*sweep), ec);
  }
  const fs::path requested = !args.output.empty() ? fs::path(args.output)
                             : from != nullptr    ? fs::path(from->output)
                             : sweep              ? sweep_point_path(default_sweep_folder(*sweep), point)
                                                  : fs::path(fs::path(scenario_file).stem().string() + ".h5");
  const CheckpointRun run_identity{program,
                                   scenario_file,
                                   spec.resolved_toml(),
                                   requested.string(),
                                   static_cast<std::uint64_t>(spec.integer("run.seed")),
                                   static_cast<std::uint32_t>(spec.integer("run.replicates")),
                                   static_cast<std::int32_t>(clock.steps)};
  if (from != nullptr)
    if (const std::string why = run_identity.difference(*from); !why.empty())
      throw CheckpointError("the checkpoints in '" + loaded_from.string() + "' are " + why +
                            (args.checkpoints.restart.empty()
                                 ? "; remove them or give another --checkpoint-dir to run this one from the start"
                                 : ""));
  std::optional<OutputFile> file;
  if (!args.no_output) {
    file.emplace(requested, args.overwrite ? ExistingOutput::overwrite : ExistingOutput::keep_backup);
    for (const auto& note : file->notes()) err << "mobsim: note: " << note << "\n";
  }
  // A second signal stops at once: these go with it.
  std::optional<TemporaryFileGuard> temporary_guard, lock_guard;
  if (file) {
    temporary_guard.emplace(file->temporary_path().string());
    lock_guard.emplace(file->lock_path().string());
  }

  std::vector<std::string> checkpoint_notes;
  RunCheckpoints checkpoints(args.checkpoints, run_identity, file ? file->path() : requested,
                             static_cast<int>(spec.integer("run.step_months")), std::move(loaded), checkpoint_notes);
  for (const auto& note : checkpoint_notes) err << "mobsim: note: " << note << "\n";
  if (fork) {
    if (!args.quiet) {
      out << "mobsim: forking from the checkpoints in " << fork->folder.string() << " after step " << fork->plan.step
          << " (" << clock.label(fork->plan.step) << ")";
      for (std::size_t i = 0; i < fork->plan.changes.size(); ++i)
        out << (i == 0 ? ": " : "; ") << fork->plan.changes[i];
      out << (fork->plan.changes.empty() ? ": the same model as its base" : "") << "\n";
    }
    checkpoints.fork_from(std::move(*fork));
  } else if (!args.checkpoints.from.empty() && !args.quiet) {
    out << "mobsim: note: continuing this fork's own checkpoints in " << loaded_from.string()
        << " (--from is used only when they do not exist yet)\n";
  }
  if (checkpoints.resumed() > 0 && !args.quiet)
    out << "mobsim: continuing " << checkpoints.resumed() << " replicate(s) from the checkpoints in "
        << loaded_from.string() << " (" << checkpoints.resumed_finished() << " already finished)\n";

  start_threads();
  const Engine engine(spec, registry);
  const MemoryEstimate memory = engine.memory_estimate(thread_count());
  rlimit address_space{};
  if (::getrlimit(RLIMIT_AS, &address_space) == 0 && address_space.rlim_cur != RLIM_INFINITY &&
      static_cast<double>(address_space.rlim_cur) < static_cast<double>(memory.address_space_bytes))
    err << "mobsim: warning: the address-space limit (ulimit -v) of "
        << memory_text(static_cast<double>(address_space.rlim_cur)) << " is below what this run is expected to need ("
        << memory_need_text(memory) << ")\n";
  try {
    const OutputMetadata meta{spec.resolved_toml(), args.scenario.file, command_line, thread_count()};
    std::optional<Hdf5Writer> writer;
    if (file) writer.emplace(file->temporary_path(), engine, meta, file->path());
    Summary summary(engine);
    std::optional<Tee> tee;
    if (writer) tee.emplace(*writer, summary);
    Sink& sink = writer ? static_cast<Sink&>(*tee) : static_cast<Sink&>(summary);
    const bool interactive = !args.quiet && &out == &std::cout && ::isatty(STDOUT_FILENO);
    Progress progress(out, interactive, engine.clock(), engine.replicate_seeds().size());
    if (!args.quiet)
      out << "mobsim: " << args.scenario.file << ": " << engine.geography().city_count() << " cities, "
          << engine.clock().steps << " steps of " << engine.clock().step_months << " month(s) from "
          << engine.clock().label(0) << ", " << engine.replicate_seeds().size() << " replicate(s), "
          << spec.integer("run.people_per_agent") << " people per agent, " << thread_count() << " thread(s)\n"
          << "mobsim: expected peak memory " << memory_need_text(memory) << " (" << memory.state_bytes_per_agent
          << " B of state per agent)\n";
    RunControl control = checkpoints.control();
    if (mpi.distributed()) control.runs_replicate = [&](std::size_t r) { return mpi.runs(r); };
    const auto report_step = [&](const StepReport& r) {
      if (!args.quiet) progress.update(r);
    };
    RunStats stats;
    if (draws) {
      // Draw d runs the output's replicates d R .. d R + R - 1 with its own
      // parameters; each replicate keeps the seed of its index.
      for (std::size_t d = 0; d < draws->size() && !stats.stopped; ++d) {
        std::vector<std::string> overrides = extra;
        for (auto& o : draws->overrides(d)) overrides.push_back(std::move(o));
        const ScenarioSpec spec_d = load(args.scenario, overrides, registry, table);  // the engine keeps a reference
        const Engine engine_d(spec_d, registry);
        RunControl control_d = control;
        control_d.runs_replicate = [&, d](std::size_t r) { return r / replicates_per_draw == d; };
        add_run(stats, engine_d.run(sink, report_step, control_d), d == 0);
      }
    } else {
      stats = engine.run(sink, report_step, control);
    }
    if (mpi.distributed()) {
      const auto began = std::chrono::steady_clock::now();
      receive_from_ranks(sink, stats);
      stats.wall_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    }
    progress.finish();
    if (stats.stopped && stop_signal() == 0 && args.checkpoints.stop_after > 0) {
      // A warm-up, as asked: its checkpoints are the result.
      const std::string folder = checkpoints.folder().string();
      out << "mobsim: stopped after step " << args.checkpoints.stop_after << " of " << engine.clock().steps
          << " as asked (--stop-after); checkpoints in " << folder << "; no output was written. Continue with: "
          << "mobsim run --restart " << folder << "; fork a scenario from them with: mobsim run SCENARIO.toml --from "
          << folder << "\n";
      return 0;
    }
    if (stats.stopped) {
      // Nothing is committed: the temporary output goes with `file`.
      const int last = *std::min_element(stats.replicate_steps.begin(), stats.replicate_steps.end());
      err << "mobsim: stopped by " << signal_name(stop_signal()) << " after step " << last << " of "
          << engine.clock().steps
          << (stats.replicate_steps.size() > 1 ? " (the replicate furthest behind)" : "") << "; "
          << (checkpoints.written() ? "checkpoints in " + checkpoints.folder().string() +
                                          "; continue with: mobsim run --restart " + checkpoints.folder().string()
                                    : std::string("no replicate had begun: nothing to keep"))
          << "; no output was written\n";
      return kExitStopped;
    }
    std::string where = "no output written (--no-output)";
    if (writer) {
      writer->finish(stats);
      writer.reset();
      if (draws) write_draws(file->temporary_path(), *draws, replicates_per_draw);
      const fs::path backup = file->commit();
      where = "output " + file->path().string();
      if (!backup.empty()) where += " (the previous file is kept as " + backup.string() + ")";
    }
    report_done(stats, where, args, summary, out);
    if (!args.quiet && stats.checkpoint_seconds > 0) {
      char text[160];
      std::snprintf(text, sizeof text, "%.2f GB of state written in %.2f s", stats.checkpoint_bytes / 1e9,
                    stats.checkpoint_seconds);
      out << "mobsim: checkpoints in " << checkpoints.folder().string() << ": " << text << "\n";
    }
  } catch (const std::bad_alloc&) {
    throw OutOfMemory(memory);
  }
  return 0;
}

int cmd_validate(const ScenarioArgs& args, bool strict, const ModelRegistry& registry, std::ostream& out,
                 std::ostream& err) {
  const ParamTable table = registry.param_table();
  const ScenarioSpec spec = load(args, {}, registry, table);
  report_warnings(spec, strict, err);
  const Engine engine(spec, registry);  // builds no world: cheap
  const Clock& clock = engine.clock();
  const MemoryEstimate memory = engine.memory_estimate(thread_count());
  out << args.file << ": valid: " << engine.geography().city_count() << " cities, " << clock.steps << " steps of "
      << clock.step_months << " month(s) from " << clock.label(0) << ", " << group_thousands(memory.agents_at_start)
      << " agents at start"
      << (spec.warnings().empty() ? std::string()
                                  : "; " + std::to_string(spec.warnings().size()) +
                                        (spec.warnings().size() == 1 ? " warning" : " warnings") + " (on stderr)")
      << "\n  models: " << models_text(registry, spec) << "\n  policies: " << policies_text(table, spec)
      << "\n  expected peak memory at " << thread_count() << " thread(s): " << memory_need_text(memory) << "\n";
  return 0;
}

int cmd_plan(const ScenarioArgs& args, const ModelRegistry& registry, std::ostream& out) {
  const ParamTable table = registry.param_table();
  const ScenarioSpec spec = load(args, {}, registry, table);
  const auto contract = contract_of(registry.selected(spec));
  const RunPlan plan = plan_run(contract);
  out << args.file << ": run plan of " << contract.size() << " models (order inside each phase from their state "
      << "declarations, then slot order; docs/STATE.md lists every piece of shared state)\n"
      << plan_text(contract, plan);
  return 0;
}

int cmd_docs(const std::string& dir, bool check, const ModelRegistry& registry, std::ostream& out, std::ostream& err) {
  const DocsStatus status = update_docs(registry, dir, check, {GeneratedDoc{"EXIT_CODES.md", exit_codes_reference()}});
  if (status.up_to_date) {
    out << "docs are up to date\n";
    return 0;
  }
  for (const auto& f : status.stale_files) (check ? err : out) << (check ? "stale: " : "wrote ") << f << "\n";
  if (check) {
    err << "run `mobsim docs` to regenerate\n";
    return 1;
  }
  return 0;
}

struct CompareArgs {
  std::vector<std::string> files;
  CompareOptions options;
  bool no_all_cities = false;
};

int cmd_compare(CompareArgs& args, std::ostream& out) {
  std::vector<RunOutput> runs;
  for (const auto& f : args.files) runs.push_back(read_run_output(f));
  args.options.all_cities = !args.no_all_cities;
  const auto rows = compare_runs(runs, args.options);
  print_comparison(runs, rows, args.options, out);
  return 0;
}

}  // namespace

int run_cli(int argc, const char* const* argv, const ModelRegistry& registry, std::ostream& out, std::ostream& err) {
  CLI::App app{"mobsim: agent-based simulator of human mobility between African and European cities"};
  app.set_version_flag("--version", std::string("mobsim ") + MOBSIM_VERSION + " (" + MOBSIM_GIT_COMMIT + ")");
  app.require_subcommand(1);

  RunArgs run_args;
  CLI::App* run = app.add_subcommand("run", "Run a scenario and write its results to an HDF5 file");
  add_scenario_args(run, run_args.scenario, false);
  CLI::Option* output_option =
      run->add_option("-o,--output", run_args.output, "Output HDF5 file (default: <scenario name>.h5 here)");
  run->add_option("--seed", run_args.seed, "Master seed (same as --set run.seed=N)");
  run->add_option("--threads", run_args.threads, "OpenMP threads (default: OMP_NUM_THREADS or all cores)")
      ->check(CLI::Range(1, 4096));
  run->add_option("--steps", run_args.steps, "Number of steps to run (sets run.duration_months)")
      ->check(CLI::Range(1, 100000));
  run->add_option("--replicates", run_args.replicates, "Replicates (same as --set run.replicates=N)")
      ->check(CLI::Range(1, 100000));
  run->add_flag("-q,--quiet", run_args.quiet, "No progress output");
  run->add_flag("--no-summary", run_args.no_summary, "Do not print the per-city summary table");
  run->add_flag("--no-output", run_args.no_output, "Run without writing any output (benchmarks, dry runs)")
      ->excludes(output_option);
  run->add_flag("--overwrite", run_args.overwrite,
                "Replace an existing output instead of keeping it as a numbered backup (#NAME.1#, #NAME.2#, ...)");
  run->add_flag("--strict", run_args.strict, "Treat scenario warnings (a policy that never acts) as errors");
  run->add_flag("--verbose", run_args.verbose, "On a write failure, also print HDF5's own error stack");
  run->add_option("--checkpoint-dir", run_args.checkpoints.folder,
                  "Keep checkpoints in this folder (one file per replicate, the previous one kept as _prev); a "
                  "run whose folder holds its own checkpoints continues from them (docs/CHECKPOINTS.md)");
  run->add_option("--checkpoint-every", run_args.checkpoints.every,
                  "Steps between checkpoints (default with --checkpoint-dir: a year of steps)")
      ->check(CLI::Range(1, 100000));
  run->add_option("--sweep", run_args.sweep, "Run one point of this sweep file (docs/SWEEPS.md); with --task");
  run->add_option("--task", run_args.task, "The sweep point to run (default: SLURM_ARRAY_TASK_ID)")
      ->check(CLI::Range(0, 100000));
  run->add_option("--draws", run_args.draws,
                  "Run the scenario over these calibrated parameter draws (mobsim calibrate's draws.csv), "
                  "--replicates each, into one output (docs/CALIBRATION.md)");
  run->add_option("--restart", run_args.checkpoints.restart,
                  "Continue the run whose checkpoints are in this folder (or the folder of this checkpoint file); "
                  "bit-identical to the run never stopped, at any thread count");
  run->add_option("--from", run_args.checkpoints.from,
                  "Fork this scenario from a warm-up: the checkpoints of its base in this folder, taken before "
                  "anything the two differ in acts; identical to running it from the start (docs/CHECKPOINTS.md)");
  run->add_option("--stop-after", run_args.checkpoints.stop_after,
                  "Stop after this many steps with a checkpoint of every replicate (a warm-up to fork from) and "
                  "write no output")
      ->check(CLI::Range(1, 100000));

  ScenarioArgs validate_args;
  bool validate_strict = false;
  CLI::App* validate = app.add_subcommand("validate", "Check a scenario without running it");
  add_scenario_args(validate, validate_args);
  validate->add_flag("--strict", validate_strict, "Treat warnings (a policy that never acts) as errors (exit 2)");

  ScenarioArgs plan_args;
  CLI::App* plan = app.add_subcommand(
      "plan", "Print the run plan: the phases of a step, the models in the order they run, what each writes and reads");
  add_scenario_args(plan, plan_args);

  CompareArgs compare_args;
  CLI::App* compare = app.add_subcommand(
      "compare", "Compare runs: per city and indicator, each run's mean and 90% interval over replicates and its "
                 "difference against the first file");
  compare->add_option("files", compare_args.files, "Output files; the first is the baseline")->required()->expected(1, -1);
  compare->add_option("--year", compare_args.options.year, "Also compare this calendar year (stocks at its end, flows over it)");
  compare->add_flag("--whole-run", compare_args.options.whole_run,
                    "Also compare the whole run (stocks and rates at its end, flows summed over every step), as the "
                    "report's effects do");
  compare->add_option("--format", compare_args.options.format, "Output format")
      ->check(CLI::IsMember({"text", "csv", "markdown", "json"}));
  compare->add_option("--indicator", compare_args.options.indicators,
                      "Series to compare (repeatable; default: the headline series the files mark)");
  compare->add_option("--city", compare_args.options.cities, "Cities to show (repeatable; default: all)");
  compare->add_flag("--no-all-cities", compare_args.no_all_cities, "Leave out the all-cities totals");

  SweepArgs sweep_args;
  CLI::App* sweep = app.add_subcommand(
      "sweep", "Expand a sweep file into numbered points, check each point's scenario and print them (docs/SWEEPS.md)");
  sweep->add_option("sweep", sweep_args.file, "Sweep TOML file")->required();
  sweep->add_option("--format", sweep_args.format, "Output format")->check(CLI::IsMember({"text", "csv"}));
  sweep->add_flag("--count", sweep_args.count, "Print only the number of points (for job scripts)");

  GatherArgs gather_args;
  CLI::App* gather = app.add_subcommand(
      "gather", "Collect the outputs of a sweep's points into one file with a point dimension (docs/SWEEPS.md)");
  gather->add_option("sweep", gather_args.sweep, "Sweep TOML file")->required();
  gather->add_option("folder", gather_args.folder, "Folder of the points' outputs (default: SWEEP.points)");
  gather->add_option("-o,--output", gather_args.output, "Gathered HDF5 file (default: <sweep name>.h5 here)");
  gather->add_flag("--allow-missing", gather_args.allow_missing,
                   "Gather the points present, with a warning naming those missing (otherwise exit 2)");
  gather->add_flag("--overwrite", gather_args.overwrite, "Replace an existing output instead of keeping a backup");

  ParametersArgs parameters_args;
  CLI::App* parameters = app.add_subcommand(
      "parameters", "List the real parameters of the models a scenario selects, with their values, valid and "
                    "plausible ranges");
  parameters->add_option("scenario", parameters_args.file, "Scenario TOML file")->required();
  parameters->add_option("--set", parameters_args.sets, "Override a parameter (repeatable)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  parameters->add_flag("--plausible", parameters_args.plausible_only,
                       "Only the behavioural parameters with a plausible range (those sensitivity analysis varies)");
  parameters->add_option("--format", parameters_args.format, "Output format")->check(CLI::IsMember({"text", "tsv"}));

  // Carried out by scripts/sensitivity.py, which reads its own options
  // (`mobsim sensitivity --help`).
  CLI::App* sensitivity = app.add_subcommand(
      "sensitivity", "Morris screening and Sobol indices of the behavioural parameters on observed targets "
                     "(docs/CALIBRATION.md; options: mobsim sensitivity --help)");
  sensitivity->prefix_command();
  sensitivity->set_help_flag();
  CLI::App* calibrate = app.add_subcommand(
      "calibrate", "History matching of the behavioural parameters against observed targets, in waves with "
                   "Gaussian-process emulators (docs/CALIBRATION.md; options: mobsim calibrate --help)");
  calibrate->prefix_command();
  calibrate->set_help_flag();

  std::string docs_dir = "docs";
  bool docs_check = false;
  CLI::App* docs = app.add_subcommand("docs", "Regenerate docs/SCENARIO.md, docs/STATE.md, docs/EXIT_CODES.md and the generated tables of docs/OUTPUT.md and docs/MODEL.md");
  docs->add_option("--dir", docs_dir, "Directory holding SCENARIO.md and OUTPUT.md");
  docs->add_flag("--check", docs_check, "Only check that the docs are up to date (exit 1 if not)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e, out, err);
    return rc == 0 ? kExitSuccess : kExitBadInput;
  }

  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);
  try {
    if (run->parsed()) return cmd_run(run_args, command_line, registry, out, err);
    if (validate->parsed()) return cmd_validate(validate_args, validate_strict, registry, out, err);
    if (parameters->parsed()) return cmd_parameters(parameters_args, registry, out);
    if (sensitivity->parsed()) return exec_python_driver("sensitivity.py", sensitivity->remaining(), err);
    if (calibrate->parsed()) return exec_python_driver("calibrate.py", calibrate->remaining(), err);
    if (plan->parsed()) return cmd_plan(plan_args, registry, out);
    if (docs->parsed()) return cmd_docs(docs_dir, docs_check, registry, out, err);
    if (compare->parsed()) return cmd_compare(compare_args, out);
    if (sweep->parsed()) return cmd_sweep(sweep_args, registry, out);
    if (gather->parsed()) return cmd_gather(gather_args, registry, out, err);
  } catch (const OutputError& e) {
    err << "mobsim: error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const CompareError& e) {
    err << "mobsim: error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const StrictError& e) {
    for (const auto& d : e.diagnostics()) err << d.format() << "\n";
    err << "mobsim: scenario rejected under --strict (" << e.diagnostics().size()
        << (e.diagnostics().size() == 1 ? " warning" : " warnings") << " treated as errors); nothing was run and no "
        << "output was written\n";
    return kExitBadInput;
  } catch (const ScenarioError& e) {
    for (const auto& d : e.diagnostics()) err << d.format() << "\n";
    err << "mobsim: " << (dynamic_cast<const SweepError*>(&e) ? "sweep" : "scenario") << " rejected ("
        << e.diagnostics().size()
        << (e.diagnostics().size() == 1 ? " error" : " errors") << "); nothing was run and no output was written\n";
    return kExitBadInput;
  } catch (const UsageError& e) {
    err << "mobsim: error: " << e.what() << "\n";
    return kExitBadInput;
  } catch (const GatherError& e) {
    err << "mobsim: error: " << e.what() << "; nothing was written\n";
    return kExitBadInput;
  } catch (const CheckpointError& e) {
    err << "mobsim: error: " << e.what() << "; nothing was run and no output was written\n";
    return kExitBadInput;
  } catch (const OutputPathError& e) {
    err << "mobsim: error: " << e.what() << "; nothing was run\n";
    return kExitBadInput;
  } catch (const OutputBusyError& e) {
    err << "mobsim: error: " << e.what() << "; nothing was run\n";
    return kExitOutputBusy;
  } catch (const WriteError& e) {
    err << "mobsim: error: " << e.what() << "; no output was written and any earlier file is unchanged\n";
    if (run_args.verbose && !e.detail().empty()) err << "mobsim: HDF5's error stack:\n" << e.detail();
    return kExitWriteFailed;
  } catch (const OutOfMemory& e) {
    err << "mobsim: error: " << e.what() << "; no output was written\n";
    return kExitOutOfMemory;
  } catch (const std::bad_alloc&) {
    err << "mobsim: error: out of memory; no output was written\n";
    return kExitOutOfMemory;
  } catch (const std::exception& e) {
    err << "mobsim: error: " << e.what() << "\n";
    return kExitInternalError;
  }
  return 2;
}

}  // namespace mobsim
