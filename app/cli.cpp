#include "cli.hpp"

#include <CLI/CLI.hpp>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

#include "compare.hpp"
#include "docs.hpp"
#include "engine.hpp"
#include "engine_params.hpp"
#include "hdf5_writer.hpp"
#include "mobsim_git_commit.hpp"
#include "mobsim_version.hpp"
#include "progress.hpp"
#include "recording.hpp"
#include "scenario_loader.hpp"

namespace mobsim {

namespace {

namespace fs = std::filesystem;

struct ScenarioArgs {
  std::string file;
  std::vector<std::string> sets;
};

void add_scenario_args(CLI::App* cmd, ScenarioArgs& args) {
  cmd->add_option("scenario", args.file, "Scenario TOML file")->required();
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
};

int cmd_run(const RunArgs& args, const std::string& command_line, const ModelRegistry& registry, std::ostream& out) {
  if (args.threads) set_thread_count(*args.threads);
  std::vector<std::string> extra;
  if (args.seed) extra.push_back("run.seed=" + std::to_string(*args.seed));
  if (args.replicates) extra.push_back("run.replicates=" + std::to_string(*args.replicates));
  const ParamTable table = registry.param_table();
  ScenarioSpec spec = load(args.scenario, extra, registry, table);
  if (args.steps) {
    extra.push_back("run.duration_months=" + std::to_string(*args.steps * spec.integer("run.step_months")));
    spec = load(args.scenario, extra, registry, table);
  }

  fs::path output = args.output.empty() ? fs::path(fs::path(args.scenario.file).stem().string() + ".h5")
                                        : fs::path(args.output);
  const fs::path dir = output.has_parent_path() ? output.parent_path() : fs::path(".");
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw UsageError("output directory '" + dir.string() + "' does not exist");
  if (fs::is_directory(output, ec)) throw UsageError("output '" + output.string() + "' is a directory");

  const Engine engine(spec, registry);
  const OutputMetadata meta{spec.resolved_toml(), args.scenario.file, command_line, thread_count()};
  Hdf5Writer writer(output, engine, meta);
  Summary summary(engine);
  Tee sink(writer, summary);
  const bool interactive = !args.quiet && &out == &std::cout && ::isatty(STDOUT_FILENO);
  Progress progress(out, interactive, engine.clock(), engine.replicate_seeds().size());
  if (!args.quiet)
    out << "mobsim: " << args.scenario.file << ": " << engine.geography().city_count() << " cities, "
        << engine.clock().steps << " steps of " << engine.clock().step_months << " month(s) from "
        << engine.clock().label(0) << ", " << engine.replicate_seeds().size() << " replicate(s), "
        << spec.integer("run.people_per_agent") << " people per agent, " << thread_count() << " thread(s)\n";
  const RunStats stats = engine.run(sink, [&](const StepReport& r) {
    if (!args.quiet) progress.update(r);
  });
  progress.finish();
  writer.commit(stats);

  char rate[64];
  std::snprintf(rate, sizeof rate, "%.2f s, %.1f M agent-steps/s", stats.wall_seconds,
                stats.wall_seconds > 0 ? static_cast<double>(stats.agent_steps) / stats.wall_seconds / 1e6 : 0.0);
  out << "mobsim: done in " << rate << " (" << group_thousands(static_cast<std::int64_t>(stats.agent_steps))
      << " agent-steps); output " << output.string() << "\n";
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
  return 0;
}

int cmd_validate(const ScenarioArgs& args, const ModelRegistry& registry, std::ostream& out) {
  const ParamTable table = registry.param_table();
  const ScenarioSpec spec = load(args, {}, registry, table);
  const Geography geography(spec);
  const Clock clock = Clock::from(spec);
  std::int64_t agents = 0;
  for (const auto& c : geography.cities()) agents += agents_for(c.population, spec.integer("run.people_per_agent"));
  out << args.file << ": valid: " << geography.city_count() << " cities, " << clock.steps << " steps of "
      << clock.step_months << " month(s) from " << clock.label(0) << ", " << group_thousands(agents)
      << " agents at start\n  models: " << models_text(registry, spec) << "\n  policies: " << policies_text(table, spec)
      << "\n";
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
  const DocsStatus status = update_docs(registry, dir, check);
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
  add_scenario_args(run, run_args.scenario);
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

  ScenarioArgs validate_args;
  CLI::App* validate = app.add_subcommand("validate", "Check a scenario without running it");
  add_scenario_args(validate, validate_args);

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
  compare->add_option("--format", compare_args.options.format, "Output format")
      ->check(CLI::IsMember({"text", "csv", "markdown", "json"}));
  compare->add_option("--indicator", compare_args.options.indicators,
                      "Series to compare (repeatable; default: the headline series the files mark)");
  compare->add_option("--city", compare_args.options.cities, "Cities to show (repeatable; default: all)");
  compare->add_flag("--no-all-cities", compare_args.no_all_cities, "Leave out the all-cities totals");

  std::string docs_dir = "docs";
  bool docs_check = false;
  CLI::App* docs = app.add_subcommand("docs", "Regenerate docs/SCENARIO.md, docs/STATE.md and the generated tables of docs/OUTPUT.md and docs/MODEL.md");
  docs->add_option("--dir", docs_dir, "Directory holding SCENARIO.md and OUTPUT.md");
  docs->add_flag("--check", docs_check, "Only check that the docs are up to date (exit 1 if not)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e, out, err);
    return rc == 0 ? 0 : 2;
  }

  std::string command_line;
  for (int i = 0; i < argc; ++i) command_line += (i ? " " : "") + std::string(argv[i]);
  try {
    if (run->parsed()) return cmd_run(run_args, command_line, registry, out);
    if (validate->parsed()) return cmd_validate(validate_args, registry, out);
    if (plan->parsed()) return cmd_plan(plan_args, registry, out);
    if (docs->parsed()) return cmd_docs(docs_dir, docs_check, registry, out, err);
    if (compare->parsed()) return cmd_compare(compare_args, out);
  } catch (const OutputError& e) {
    err << "mobsim: error: " << e.what() << "\n";
    return 2;
  } catch (const CompareError& e) {
    err << "mobsim: error: " << e.what() << "\n";
    return 2;
  } catch (const ScenarioError& e) {
    for (const auto& d : e.diagnostics()) err << d.format() << "\n";
    err << "mobsim: scenario rejected (" << e.diagnostics().size()
        << (e.diagnostics().size() == 1 ? " error" : " errors") << "); nothing was run and no output was written\n";
    return 2;
  } catch (const UsageError& e) {
    err << "mobsim: error: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    err << "mobsim: error: " << e.what() << "\n";
    return 1;
  }
  return 2;
}

}  // namespace mobsim
