#pragma once
// TOML scenario files → validated ScenarioSpec. A scenario may start from
// others (`base = "file.toml"` or a list of files, applied in order) and
// states only what it changes; `--set key.path=value` overrides come last.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "param.hpp"
#include "scenario.hpp"

namespace mobsim {

// A cross-field check run after every value has been typed and range-checked
// (e.g. "duration is a whole number of steps"). Adds diagnostics; never throws.
using ScenarioCheck = std::function<void(const ScenarioSpec&, std::vector<Diagnostic>&)>;

// Throws ScenarioError listing every problem found (syntax, unknown keys with
// suggestions, wrong types, out-of-range values, unknown names, dangling files).
// `table` must outlive the returned spec.
ScenarioSpec load_scenario(const std::filesystem::path& file, const std::vector<std::string>& overrides,
                           const ParamTable& table, const std::vector<ScenarioCheck>& checks);

// Same, from text already in memory (e.g. a resolved scenario read back from
// an output file). `name` is used in messages; relative `base` paths resolve
// against `base_dir`.
ScenarioSpec load_scenario_text(const std::string& text, const std::string& name,
                                const std::filesystem::path& base_dir,
                                const std::vector<std::string>& overrides, const ParamTable& table,
                                const std::vector<ScenarioCheck>& checks);

// Closest candidate within a typo's distance of `given`, or "" if none is close.
std::string closest_match(const std::string& given, const std::vector<std::string>& candidates);

}  // namespace mobsim
