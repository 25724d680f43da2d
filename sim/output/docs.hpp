#pragma once
// Reference documentation generated from the declarations, so it cannot
// drift from the code: docs/SCENARIO.md and docs/STATE.md entirely, and the
// table of series in docs/OUTPUT.md between its GENERATED markers.
#include <filesystem>
#include <string>

#include "model.hpp"

namespace mobsim {

std::string scenario_reference(const ModelRegistry& registry);
std::string output_series_table(const ModelRegistry& registry);
// Every model's parameters and data fields, for the appendix of docs/MODEL.md.
std::string model_parameter_index(const ModelRegistry& registry);
// docs/STATE.md: every piece of shared state, its owner, writers and readers.
std::string state_reference(const ModelRegistry& registry);

// Puts `generated` between "<!-- BEGIN GENERATED: name -->" and
// "<!-- END GENERATED: name -->" in `document`. Throws if the markers are missing.
std::string replace_generated_block(const std::string& document, const std::string& name, const std::string& generated);

struct DocsStatus {
  bool up_to_date = true;
  std::vector<std::string> stale_files;
};
// A whole generated document that the engine does not know of (the
// command line's exit codes): file name under docs_dir and its text.
struct GeneratedDoc {
  std::string file_name;
  std::string text;
};
// Writes (or with check_only, compares) docs/SCENARIO.md, docs/STATE.md, the
// generated blocks of docs/OUTPUT.md and docs/MODEL.md, and `extra`, under
// `docs_dir`.
DocsStatus update_docs(const ModelRegistry& registry, const std::filesystem::path& docs_dir, bool check_only,
                       const std::vector<GeneratedDoc>& extra = {});

}  // namespace mobsim
