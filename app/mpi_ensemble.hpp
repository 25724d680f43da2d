#pragma once
// Ensembles across MPI ranks (`mpirun -n R mobsim run ...`): replicate r
// runs on rank r mod R, each rank with its own threads; the other ranks send
// their time points and statistics to rank 0, which writes the one output.
// The output equals the single-process run's, since every replicate
// depends only on its seed. Without MPI (built without it, or not started
// by mpirun) there is one rank and nothing here does anything.
#include <cstddef>
#include <map>
#include <vector>

#include "engine.hpp"

namespace mobsim {

struct Ranks {
  int rank = 0;
  int size = 1;
  bool distributed() const { return size > 1; }
  bool root() const { return rank == 0; }
  bool runs(std::size_t replicate) const { return static_cast<int>(replicate % static_cast<std::size_t>(size)) == rank; }
};

// Starts MPI when the process was launched by an MPI launcher (and the
// program was built with MPI); call once, first thing in main().
Ranks start_ranks(int& argc, char**& argv);
// The ranks started by start_ranks (one rank when none were).
const Ranks& ranks();
// Ends MPI (when started); call last thing in main().
void finish_ranks();
// Ends every rank with `status` (a rank failed: the others must not wait for it).
[[noreturn]] void abort_ranks(int status);

// Keeps every time point of the replicates this rank runs, to be sent.
class KeptFrames : public Sink {
 public:
  void write(std::size_t replicate, int time_index, const Frame& frame) override;
  std::map<std::size_t, std::vector<Frame>>& frames() { return frames_; }

 private:
  std::map<std::size_t, std::vector<Frame>> frames_;
};

// A rank other than 0: sends its replicates' time points and its statistics.
void send_to_root(KeptFrames& kept, const RunStats& stats);
// Rank 0: receives every other rank's time points into `sink` (replicate by
// replicate, time points in order) and adds their statistics to `stats`.
void receive_from_ranks(Sink& sink, RunStats& stats);

}  // namespace mobsim
