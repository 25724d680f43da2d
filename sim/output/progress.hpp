#pragma once
// What a run tells the person (or batch log) watching it.
#include <cstdint>
#include <ostream>

#include "engine.hpp"

namespace mobsim {

class Progress {
 public:
  // `interactive`: redraw one status line (a terminal); otherwise print a
  // plain log line at every 10% of the run (batch jobs).
  Progress(std::ostream& out, bool interactive, const Clock& clock, std::size_t replicates);
  void update(const StepReport& report);
  void finish();

 private:
  std::ostream& out_;
  bool interactive_;
  const Clock& clock_;
  std::size_t replicates_;
  std::uint64_t total_steps_;
  std::uint64_t done_steps_ = 0;
  std::uint64_t agent_steps_ = 0;
  int next_decile_ = 1;
  double start_;
  double last_draw_ = -1;
};

// 1234567 -> "1,234,567"
std::string group_thousands(std::int64_t value);

}  // namespace mobsim
