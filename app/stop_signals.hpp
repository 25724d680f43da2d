#pragma once
// Stopping a run from outside (docs/CHECKPOINTS.md): SIGTERM, SIGINT or
// SIGUSR1 asks the run to stop after the step it is in, with a checkpoint;
// a second SIGTERM or SIGINT stops at once, after removing the temporary
// files registered here (the unfinished output and any checkpoint being
// written), so that no partial file is left either way. SIGUSR1 never
// stops at once: a job script forwards the scheduler's warning with it
// while Slurm's own SIGTERM at the time limit may reach mobsim too. Slurm
// sends SIGTERM at the time limit (or the signal of --signal) and SIGKILL
// after KillWait.
#include <string>

namespace mobsim {

// Installs the handlers (once per process).
void install_stop_handlers();
// Whether a stop was asked for, and by which signal (0: none).
bool stop_requested();
int stop_signal();
const char* signal_name(int signal);

// A temporary file to remove if a second signal stops the run at once.
// Registration is lock-free and safe from any thread; slots are few (one
// per file being written at once).
class TemporaryFileGuard {
 public:
  explicit TemporaryFileGuard(const std::string& path);
  ~TemporaryFileGuard();
  TemporaryFileGuard(const TemporaryFileGuard&) = delete;
  TemporaryFileGuard& operator=(const TemporaryFileGuard&) = delete;

 private:
  int slot_ = -1;
};

// The status a second signal exits with: 128 + the signal, as a shell
// reports a process killed by it.
inline int immediate_stop_status(int signal) { return 128 + signal; }

}  // namespace mobsim
