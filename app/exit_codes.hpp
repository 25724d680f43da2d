#pragma once
// The exit status of every mobsim command: one table, from which
// docs/EXIT_CODES.md is generated (`mobsim docs`), so that what a job script
// is told and what the program does cannot drift apart.
#include <string>
#include <vector>

namespace mobsim {

enum ExitCode : int {
  kExitSuccess = 0,
  kExitInternalError = 1,
  kExitBadInput = 2,
  kExitWriteFailed = 3,
  kExitOutOfMemory = 4,
  kExitOutputBusy = 5,
  // sysexits.h's EX_TEMPFAIL ("try again later"): a job script requeues.
  kExitStopped = 75,
};

struct ExitCodeDoc {
  ExitCode code;
  std::string name;
  std::string meaning;
  std::string example;     // a message that ends with this code
  std::string job_script;  // what a job script should do
};

const std::vector<ExitCodeDoc>& exit_codes();

// docs/EXIT_CODES.md.
std::string exit_codes_reference();

}  // namespace mobsim
