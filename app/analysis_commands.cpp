#include "analysis_commands.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>

#include "exit_codes.hpp"
#include "param.hpp"
#include "scenario_loader.hpp"

#ifndef MOBSIM_SCRIPTS_DIR
#error "MOBSIM_SCRIPTS_DIR must name the scripts folder (app/CMakeLists.txt)"
#endif
#ifndef MOBSIM_SYSTEM_PYTHON
#error "MOBSIM_SYSTEM_PYTHON must name the Python interpreter with numpy, scipy and scikit-learn"
#endif

namespace mobsim {

int cmd_parameters(const ParametersArgs& args, const ModelRegistry& registry, std::ostream& out) {
  const ParamTable table = registry.param_table();
  const ScenarioSpec spec = load_scenario(args.file, args.sets, table, registry.checks());
  // The parameters of the models the scenario selects, in declaration order:
  // varying another model's parameter changes nothing in this scenario.
  std::set<std::string> keys;
  for (const ModelInfo* m : registry.selected(spec))
    for (const auto& d : m->params) keys.insert(d.key);
  if (args.format == "tsv") out << "key\tvalue\tunit\tmin\tmax\tplausible_min\tplausible_max\n";
  for (const auto& d : table.globals()) {
    if (!keys.count(d.key) || d.type != ParamType::real) continue;
    if (args.plausible_only && !d.plausible) continue;
    const double value = spec.real(d.key);
    auto opt = [](const std::optional<double>& v) { return v ? shortest_text(*v) : std::string(); };
    const std::string low = d.plausible ? shortest_text(d.plausible->min) : "";
    const std::string high = d.plausible ? shortest_text(d.plausible->max) : "";
    if (args.format == "tsv") {
      out << d.key << "\t" << shortest_text(value) << "\t" << d.unit << "\t" << opt(d.min) << "\t" << opt(d.max)
          << "\t" << low << "\t" << high << "\n";
    } else {
      out << d.key << " = " << shortest_text(value) << " " << d.unit;
      if (d.plausible) out << "  plausible [" << low << ", " << high << "]";
      out << "\n";
    }
  }
  return kExitSuccess;
}

int exec_python_driver(const std::string& script, const std::vector<std::string>& args, std::ostream& err) {
  const std::filesystem::path driver = std::filesystem::path(MOBSIM_SCRIPTS_DIR) / script;
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  std::vector<std::string> words{MOBSIM_SYSTEM_PYTHON, driver.string(), "--mobsim", ec ? "mobsim" : self.string()};
  words.insert(words.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& w : words) argv.push_back(w.data());
  argv.push_back(nullptr);
  err.flush();
  execv(argv[0], argv.data());
  err << "mobsim: error: cannot start " << words[0] << " " << driver.string() << ": " << std::strerror(errno)
      << " (install Debian's python3-scipy and python3-sklearn: scripts/setup.sh)\n";
  return kExitBadInput;
}

}  // namespace mobsim
