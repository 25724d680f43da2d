#include "recording.hpp"

#include <cmath>
#include <cstdio>

#include "progress.hpp"

namespace mobsim {

void Recording::write(std::size_t replicate, int time_index, const Frame& frame) {
  if (frames_.size() <= replicate) frames_.resize(replicate + 1);
  auto& series = frames_[replicate];
  if (series.size() <= static_cast<std::size_t>(time_index)) series.resize(static_cast<std::size_t>(time_index) + 1);
  series[static_cast<std::size_t>(time_index)] = frame;
}

Summary::Summary(const Engine& engine) : engine_(engine), last_time_(engine.clock().steps) {
  const auto& series = engine.series();
  auto index_of = [&](const std::string& name) {
    for (std::size_t i = 0; i < series.size(); ++i)
      if (series[i].name == name) return i;
    return series.size();
  };
  population_ = index_of("population");
  foreign_born_ = index_of("foreign_born");
  inflow_ = index_of("inflow");
  outflow_ = index_of("outflow");
  for (const auto* m : engine.models())
    for (const auto& f : m->flows)
      if (f.is_migration) migration_flows_.emplace_back(index_of(f.name), f.inward ? 1 : -1);
  const std::size_t n = engine.geography().city_count();
  start_.assign(n, 0);
  end_.assign(n, 0);
  foreign_end_.assign(n, 0);
  net_.assign(n, 0);
}

void Summary::write(std::size_t, int time_index, const Frame& frame) {
  const std::size_t n = start_.size();
  for (std::size_t c = 0; c < n; ++c) {
    if (time_index == 0) {
      start_[c] += frame.series[population_][c];
      continue;
    }
    net_[c] += frame.series[inflow_][c] - frame.series[outflow_][c];
    for (const auto& [index, sign] : migration_flows_) net_[c] += sign * frame.series[index][c];
    if (time_index == last_time_) {
      end_[c] += frame.series[population_][c];
      foreign_end_[c] += frame.series[foreign_born_][c];
    }
  }
  if (time_index == last_time_) ++replicates_seen_;
}

double Summary::population_start(std::size_t c) const { return start_[c] / std::max<std::size_t>(1, replicates_seen_); }
double Summary::population_end(std::size_t c) const { return end_[c] / std::max<std::size_t>(1, replicates_seen_); }
double Summary::foreign_born_share_end(std::size_t c) const { return end_[c] > 0 ? foreign_end_[c] / end_[c] : 0.0; }
double Summary::net_migration(std::size_t c) const { return net_[c] / std::max<std::size_t>(1, replicates_seen_); }

void Summary::print(std::ostream& out) const {
  const Clock& clock = engine_.clock();
  const std::string first = clock.label(0), last = clock.label(clock.steps);
  char line[256];
  std::snprintf(line, sizeof line, "%-14s %16s %16s %14s %16s\n", "city", ("pop. " + first).c_str(),
                ("pop. " + last).c_str(), "foreign-born", "net migration");
  out << line;
  double total_start = 0, total_end = 0, total_net = 0, total_foreign = 0;
  for (std::size_t c = 0; c < start_.size(); ++c) {
    const auto& name = engine_.geography().city(c).name;
    char share[16];
    std::snprintf(share, sizeof share, "%.1f%%", 100.0 * foreign_born_share_end(c));
    const std::string net = (net_migration(c) > 0 ? "+" : "") + group_thousands(std::llround(net_migration(c)));
    // Pad by display width: names such as "Zürich" hold multi-byte characters.
    std::string padded = name;
    std::size_t width = 0;
    for (unsigned char ch : name) width += (ch & 0xC0) != 0x80;
    if (width < 14) padded += std::string(14 - width, ' ');
    std::snprintf(line, sizeof line, "%s %16s %16s %14s %16s\n", padded.c_str(),
                  group_thousands(std::llround(population_start(c))).c_str(),
                  group_thousands(std::llround(population_end(c))).c_str(), share, net.c_str());
    out << line;
    total_start += population_start(c);
    total_end += population_end(c);
    total_net += net_migration(c);
    total_foreign += foreign_end_[c] / std::max<std::size_t>(1, replicates_seen_);
  }
  char share[16];
  std::snprintf(share, sizeof share, "%.1f%%", total_end > 0 ? 100.0 * total_foreign / total_end : 0.0);
  std::snprintf(line, sizeof line, "%-14s %16s %16s %14s %16s\n", "all cities",
                group_thousands(std::llround(total_start)).c_str(), group_thousands(std::llround(total_end)).c_str(),
                share, ((total_net > 0 ? "+" : "") + group_thousands(std::llround(total_net))).c_str());
  out << line;
  if (replicates_seen_ > 1) out << "(means over " << replicates_seen_ << " replicates)\n";
}

}  // namespace mobsim
