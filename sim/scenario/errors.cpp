#include "errors.hpp"

namespace mobsim {

std::string to_text(const SourcePos& where) {
  std::string out = where.file.empty() ? std::string("<scenario>") : where.file;
  if (where.line > 0) out += ":" + std::to_string(where.line) + ":" + std::to_string(where.column);
  return out;
}

std::string Diagnostic::format() const {
  std::string out = to_text(where);
  out += severity == Severity::warning ? ": warning: " : ": error: ";
  if (!key_path.empty()) out += key_path + ": ";
  out += message;
  if (!suggestion.empty()) out += "; " + suggestion;
  return out;
}

static std::string join_messages(const std::vector<Diagnostic>& diagnostics) {
  std::string text;
  for (const auto& d : diagnostics) {
    if (!text.empty()) text += "\n";
    text += d.format();
  }
  return text;
}

ScenarioError::ScenarioError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join_messages(diagnostics)), diagnostics_(std::move(diagnostics)) {}

ScenarioError::ScenarioError(Diagnostic diagnostic)
    : ScenarioError(std::vector<Diagnostic>{std::move(diagnostic)}) {}

}  // namespace mobsim
