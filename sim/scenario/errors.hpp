#pragma once
// Errors are values: library code throws these, only main() turns them into
// a message and an exit code, so tests can assert on them.
#include <stdexcept>
#include <string>
#include <vector>

namespace mobsim {

// Where a value came from: a scenario file, or a --set argument.
struct SourcePos {
  std::string file;
  int line = 0;    // 1-based; 0 when the position is unknown
  int column = 0;  // 1-based
};

// "file:line:column" ("file" when the line is unknown, "<scenario>" for
// a value without a file).
std::string to_text(const SourcePos& where);

// An error stops the scenario; a warning (a policy that can never act) is
// printed and the run goes on, unless the user asks for --strict.
enum class Severity { error, warning };

struct Diagnostic {
  SourcePos where;
  std::string key_path;    // e.g. "gravity.distance_elasticity"
  std::string message;
  std::string suggestion;  // e.g. "did you mean 'population'?"
  Severity severity = Severity::error;

  // "file:line:column: error: key.path: message; suggestion" ("warning:" for warnings)
  std::string format() const;
};

// A scenario that cannot be run. Carries every problem found, in file order.
class ScenarioError : public std::runtime_error {
 public:
  explicit ScenarioError(std::vector<Diagnostic> diagnostics);
  explicit ScenarioError(Diagnostic diagnostic);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

// Bad command-line usage that is not about a scenario value (exit code 2).
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace mobsim
