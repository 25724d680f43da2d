#include "sweep_commands.hpp"

#include <cstdlib>
#include <iomanip>
#include <sstream>

#include "errors.hpp"
#include "gather.hpp"
#include "hdf5_handle.hpp"
#include "output_errors.hpp"
#include "output_file.hpp"
#include "scenario_loader.hpp"

namespace mobsim {

namespace fs = std::filesystem;

ScenarioSpec sweep_point_scenario(const SweepSpec& sweep, std::size_t point, const std::vector<std::string>& extra,
                                  const ModelRegistry& registry, const ParamTable& table) {
  std::vector<std::string> overrides = sweep.overrides(point);
  overrides.insert(overrides.end(), extra.begin(), extra.end());
  return load_scenario(sweep.scenario, overrides, table, registry.checks());
}

std::size_t sweep_task(const SweepSpec& sweep, std::optional<int> task) {
  long k = -1;
  if (task) {
    k = *task;
  } else if (const char* env = std::getenv("SLURM_ARRAY_TASK_ID")) {
    char* end = nullptr;
    k = std::strtol(env, &end, 10);
    if (end == env || *end != '\0') throw UsageError(std::string("SLURM_ARRAY_TASK_ID is not a number: '") + env + "'");
  } else {
    throw UsageError("--sweep needs --task K (or SLURM_ARRAY_TASK_ID, as in a Slurm job array)");
  }
  if (k < 0 || k >= sweep.points)
    throw UsageError("task " + std::to_string(k) + " is outside the sweep's points 0 to " +
                     std::to_string(sweep.points - 1));
  return static_cast<std::size_t>(k);
}

int cmd_sweep(const SweepArgs& args, const ModelRegistry& registry, std::ostream& out) {
  const ParamTable table = registry.param_table();
  const SweepSpec sweep = load_sweep(args.file, table);
  // Every point must be a valid scenario before anything is submitted.
  std::vector<ScenarioSpec> specs;
  for (std::size_t k = 0; k < static_cast<std::size_t>(sweep.points); ++k) {
    try {
      specs.push_back(sweep_point_scenario(sweep, k, {}, registry, table));
    } catch (const ScenarioError& e) {
      std::vector<Diagnostic> diags = e.diagnostics();
      for (auto& d : diags) d.message = "point " + std::to_string(k) + " (" + sweep.describe(k) + "): " + d.message;
      throw ScenarioError(std::move(diags));
    }
  }
  if (args.count) {
    out << sweep.points << "\n";
    return 0;
  }
  const auto replicates = specs.front().integer("run.replicates");
  if (args.format == "csv") {
    out << "point";
    for (const auto& p : sweep.parameters) out << "," << p.key;
    out << "\n";
  } else {
    out << args.file << ": " << name_of(sweep.design) << " design over " << sweep.parameters.size()
        << (sweep.parameters.size() == 1 ? " parameter: " : " parameters: ") << sweep.points << " points x "
        << replicates << " replicate(s) = " << sweep.points * replicates << " runs"
        << (sweep.design == SweepDesign::latin_hypercube ? " (design seed " + std::to_string(sweep.seed) + ")" : "")
        << "\n  scenario: " << sweep.scenario.string() << ", seed " << specs.front().integer("run.seed")
        << " at every point (common random numbers)";
    for (const auto& s : sweep.sets) out << ", " << s;
    out << "\n  run point K: mobsim run --sweep " << args.file << " --task K (K = 0 to " << sweep.points - 1
        << "; a Slurm array: --array=0-" << sweep.points - 1 << ")\n  gather: mobsim gather " << args.file << " "
        << default_sweep_folder(sweep).string() << " -o OUT.h5\n"
        << "point";
    for (const auto& p : sweep.parameters) out << "  " << p.key;
    out << "\n";
  }
  for (std::size_t k = 0; k < static_cast<std::size_t>(sweep.points); ++k) {
    out << k;
    for (std::size_t j = 0; j < sweep.parameters.size(); ++j) {
      std::ostringstream v;
      v << std::setprecision(sweep.parameters[j].integer ? 12 : 6) << sweep.values[k][j];
      out << (args.format == "csv" ? "," : "  ") << v.str();
    }
    out << "\n";
  }
  return 0;
}

int cmd_gather(const GatherArgs& args, const ModelRegistry& registry, std::ostream& out, std::ostream& err) {
  const ParamTable table = registry.param_table();
  const SweepSpec sweep = load_sweep(args.sweep, table);
  const fs::path folder = args.folder.empty() ? default_sweep_folder(sweep) : fs::path(args.folder);
  const GatherResult found = find_sweep_points(sweep, folder);
  if (!found.missing.empty()) {
    std::string list;
    for (std::size_t i = 0; i < found.missing.size() && i < 20; ++i) list += (i ? ", " : "") + std::to_string(found.missing[i]);
    if (found.missing.size() > 20) list += ", ... (" + std::to_string(found.missing.size()) + " in all)";
    const std::string text = std::to_string(found.missing.size()) + " of " + std::to_string(sweep.points) +
                             " points have no output in '" + folder.string() + "' (" +
                             sweep_point_path(folder, found.missing.front()).filename().string() + " ...): " + list;
    if (!args.allow_missing) throw GatherError(text + "; run them, or gather the others with --allow-missing");
    err << "mobsim: warning: " << text << "; gathering the other " << found.gathered.size() << "\n";
  }
  std::vector<std::string> expected(static_cast<std::size_t>(sweep.points));
  for (const std::size_t k : found.gathered)
    expected[k] = sweep_point_scenario(sweep, k, {}, registry, table).resolved_toml();
  const fs::path requested = args.output.empty() ? fs::path(fs::path(args.sweep).stem().string() + ".h5") : fs::path(args.output);
  OutputFile file(requested, args.overwrite ? ExistingOutput::overwrite : ExistingOutput::keep_backup);
  for (const auto& note : file.notes()) err << "mobsim: note: " << note << "\n";
  try {
    gather_sweep(sweep, expected, found.gathered, folder, file.temporary_path());
  } catch (const Hdf5Error& e) {
    throw WriteError(file.path(), e.system_error().empty() ? e.what() : e.system_error());
  }
  const fs::path backup = file.commit();
  out << "mobsim: gathered " << found.gathered.size() << " of " << sweep.points << " points into "
      << file.path().string() << (backup.empty() ? "" : " (the previous file is kept as " + backup.string() + ")")
      << "\n";
  return 0;
}

}  // namespace mobsim
