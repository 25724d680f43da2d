#include "stop_signals.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace mobsim {

namespace {

constexpr int kSlots = 256;
constexpr std::size_t kPathBytes = 4096;
struct Slot {
  std::atomic<int> state{0};  // 0 free, 1 being filled, 2 holds a path
  char path[kPathBytes];
};
Slot g_slots[kSlots];
std::atomic<int> g_signal{0};
std::atomic<int> g_count{0};  // stop requests, any signal
std::atomic<int> g_hard{0};   // SIGTERM and SIGINT: the second stops at once
static_assert(std::atomic<int>::is_always_lock_free);  // safe in a signal handler

void on_signal(int signal) {
  if (g_count.fetch_add(1) == 0) g_signal.store(signal);
  // SIGUSR1 (a scheduler's warning, forwarded by job scripts) only ever
  // asks for a stop after the step, however often it comes; a second
  // SIGTERM or SIGINT stops at once.
  if (signal == SIGUSR1 || g_hard.fetch_add(1) == 0) return;  // polled after each step
  // Only async-signal-safe calls from here: unlink, write, _exit.
  for (Slot& s : g_slots)
    if (s.state.load(std::memory_order_acquire) == 2) ::unlink(s.path);
  static const char message[] = "mobsim: second signal: stopped at once; temporary files removed\n";
  [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, message, sizeof message - 1);
  ::_exit(immediate_stop_status(signal));
}

}  // namespace

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;  // system calls go on: the step finishes
  for (const int s : {SIGTERM, SIGINT, SIGUSR1}) ::sigaction(s, &action, nullptr);
}

bool stop_requested() { return g_count.load(std::memory_order_relaxed) > 0; }
int stop_signal() { return g_signal.load(); }

const char* signal_name(int signal) {
  switch (signal) {
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    case SIGUSR1: return "SIGUSR1";
    default: return "a signal";
  }
}

TemporaryFileGuard::TemporaryFileGuard(const std::string& path) {
  if (path.size() >= kPathBytes) return;
  for (int i = 0; i < kSlots; ++i) {
    int expected = 0;
    if (g_slots[i].state.compare_exchange_strong(expected, 1, std::memory_order_acq_rel)) {
      std::memcpy(g_slots[i].path, path.c_str(), path.size() + 1);
      g_slots[i].state.store(2, std::memory_order_release);
      slot_ = i;
      return;
    }
  }
}

TemporaryFileGuard::~TemporaryFileGuard() {
  if (slot_ >= 0) g_slots[slot_].state.store(0, std::memory_order_release);
}

}  // namespace mobsim
