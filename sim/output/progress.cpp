#include "progress.hpp"

#include <omp.h>

#include <cmath>
#include <cstdio>
#include <string>

namespace mobsim {

std::string group_thousands(std::int64_t value) {
  std::string digits = std::to_string(value < 0 ? -value : value);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return (value < 0 ? "-" : "") + out;
}

namespace {
std::string seconds_text(double s) {
  char buf[32];
  if (s < 60) std::snprintf(buf, sizeof buf, "%.0fs", s);
  else std::snprintf(buf, sizeof buf, "%dm%02ds", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
  return buf;
}
}  // namespace

Progress::Progress(std::ostream& out, bool interactive, const Clock& clock, std::size_t replicates)
    : out_(out),
      interactive_(interactive),
      clock_(clock),
      replicates_(replicates),
      total_steps_(static_cast<std::uint64_t>(clock.steps) * replicates),
      start_(omp_get_wtime()) {}

void Progress::update(const StepReport& report) {
  ++done_steps_;
  agent_steps_ += report.agents;
  const double now = omp_get_wtime();
  const double elapsed = now - start_;
  const double fraction = total_steps_ ? static_cast<double>(done_steps_) / static_cast<double>(total_steps_) : 1.0;
  const double rate = elapsed > 0 ? static_cast<double>(agent_steps_) / elapsed : 0.0;
  const double eta = fraction > 0 ? elapsed * (1.0 - fraction) / fraction : 0.0;
  char rate_text[32];
  std::snprintf(rate_text, sizeof rate_text, "%.1f M", rate / 1e6);
  const std::string where = "step " + std::to_string(report.step) + "/" + std::to_string(clock_.steps) +
                            (replicates_ > 1 ? " replicate " + std::to_string(report.replicate + 1) + "/" +
                                                   std::to_string(replicates_)
                                             : "") +
                            "  " + clock_.label(report.step) + "  agents " +
                            group_thousands(static_cast<std::int64_t>(report.agents)) + "  " + rate_text +
                            " agent-steps/s  ETA " + seconds_text(eta);
  if (interactive_) {
    if (now - last_draw_ < 0.1 && done_steps_ < total_steps_) return;
    last_draw_ = now;
    constexpr int kWidth = 24;
    const int filled = static_cast<int>(std::lround(fraction * kWidth));
    out_ << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
         << std::string(static_cast<std::size_t>(kWidth - filled), '.') << "] " << where << "   " << std::flush;
    return;
  }
  while (next_decile_ <= 10 && fraction * 10.0 + 1e-9 >= next_decile_) {
    out_ << "mobsim: " << next_decile_ * 10 << "% " << where << "\n" << std::flush;
    ++next_decile_;
  }
}

void Progress::finish() {
  if (interactive_) out_ << "\n" << std::flush;
}

}  // namespace mobsim
