#pragma once
// Sinks that keep results in memory: a full recording (tests, small runs)
// and the per-city summary printed at the end of a run.
#include <ostream>
#include <vector>

#include "engine.hpp"

namespace mobsim {

class Recording : public Sink {
 public:
  void write(std::size_t replicate, int time_index, const Frame& frame) override;
  // frames[replicate][time]
  const std::vector<std::vector<Frame>>& frames() const { return frames_; }

 private:
  std::vector<std::vector<Frame>> frames_;
};

class Tee : public Sink {
 public:
  Tee(Sink& a, Sink& b) : a_(a), b_(b) {}
  void write(std::size_t replicate, int time_index, const Frame& frame) override {
    a_.write(replicate, time_index, frame);
    b_.write(replicate, time_index, frame);
  }

 private:
  Sink& a_;
  Sink& b_;
};

// Population at the start and the end, foreign-born share at the end and net
// migration (arrivals from other cities and across migration boundaries minus
// departures) over the run, averaged over replicates.
class Summary : public Sink {
 public:
  explicit Summary(const Engine& engine);
  void write(std::size_t replicate, int time_index, const Frame& frame) override;
  void print(std::ostream& out) const;

  double population_start(std::size_t city) const;
  double population_end(std::size_t city) const;
  double foreign_born_share_end(std::size_t city) const;
  double net_migration(std::size_t city) const;

 private:
  const Engine& engine_;
  std::size_t population_ = 0, foreign_born_ = 0, inflow_ = 0, outflow_ = 0;
  std::vector<std::pair<std::size_t, int>> migration_flows_;  // (series index, +1 inward / -1 outward)
  int last_time_ = 0;
  std::vector<double> start_, end_, foreign_end_, net_;  // summed over replicates
  std::size_t replicates_seen_ = 0;
};

}  // namespace mobsim
