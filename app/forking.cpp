#include "forking.hpp"

#include <algorithm>

#include "checkpointing.hpp"
#include "clock.hpp"
#include "scenario_loader.hpp"

namespace mobsim {

namespace fs = std::filesystem;

ForkSource load_fork_source(const std::string& from, const ScenarioSpec& spec, const ModelRegistry& registry,
                            const std::string& program) {
  ForkSource source;
  source.folder = restart_folder(from);
  source.base = load_checkpoints(source.folder);
  const std::string where = "'" + source.folder.string() + "'";
  const CheckpointRun* base_run = nullptr;
  int step = 0;
  std::uint32_t usable = 0;  // replicates 0..usable-1 have a state to fork from
  for (std::size_t r = 0; r < source.base.size(); ++r) {
    const auto& c = source.base[r];
    if (!c) break;
    base_run = &c->header().run;
    if (c->header().finished())
      throw CheckpointError("the checkpoint of replicate " + std::to_string(r) + " in " + where +
                            " is of a finished run and keeps its results only: take the warm-up with "
                            "`mobsim run BASE.toml --stop-after STEPS --checkpoint-dir DIR`");
    step = std::max(step, static_cast<int>(c->header().step));
    usable = static_cast<std::uint32_t>(r + 1);
  }
  if (base_run == nullptr) throw CheckpointError("the checkpoints in " + where + " have none of replicate 0");
  if (base_run->program != program)
    throw CheckpointError("the checkpoints in " + where + " were written by " + base_run->program +
                          ", not by this program (" + program + ")");
  const ParamTable table = registry.param_table();
  const ScenarioSpec base = load_scenario_text(base_run->scenario_toml, base_run->scenario_file,
                                               fs::path(base_run->scenario_file).parent_path(), {}, table,
                                               registry.checks());
  source.plan = plan_fork(base, spec, table, registry.selected(spec), Clock::from(spec), step, usable);
  return source;
}

}  // namespace mobsim
