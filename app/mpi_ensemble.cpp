#include "mpi_ensemble.hpp"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <string>

#ifdef MOBSIM_HAVE_MPI
#include <mpi.h>
#endif

#include "state_archive.hpp"

namespace mobsim {
namespace {

Ranks started;
bool mpi_running = false;

// Launchers say so in the environment: OpenMPI's mpirun, PMIx and PMI (srun).
bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_SIZE"})
    if (std::getenv(name) != nullptr) return true;
  return false;
}

// What a rank sends: its statistics, then each replicate's time points.
struct RankResults {
  std::uint64_t agent_steps = 0, peak_agents = 0, peak_resident_bytes = 0;
  std::map<std::string, double> phase_seconds;
  std::map<std::uint64_t, std::vector<Frame>> frames;
  void archive(StateArchive& ar) {
    ar("agent_steps", agent_steps);
    ar("peak_agents", peak_agents);
    ar("peak_resident_bytes", peak_resident_bytes);
    ar("phase_seconds", phase_seconds);
    ar("frames", frames);
  }
};

constexpr int kResultsTag = 7;

#ifdef MOBSIM_HAVE_MPI
// MPI counts in int: a rank's results go in pieces of at most 1 GiB.
template <class Transfer>
void in_pieces(std::vector<std::byte>& bytes, Transfer transfer) {
  constexpr std::uint64_t kPiece = 1u << 30;
  for (std::uint64_t at = 0; at < bytes.size(); at += kPiece)
    transfer(bytes.data() + at, static_cast<int>(std::min<std::uint64_t>(kPiece, bytes.size() - at)));
}
#endif

}  // namespace

Ranks start_ranks(int& argc, char**& argv) {
#ifdef MOBSIM_HAVE_MPI
  if (launched_by_mpi()) {
    int provided = 0;
    // Only the thread that holds the sink's lock, or the main thread, calls MPI.
    MPI_Init_thread(&argc, &argv, MPI_THREAD_SERIALIZED, &provided);
    mpi_running = true;
    MPI_Comm_rank(MPI_COMM_WORLD, &started.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &started.size);
  }
#else
  (void)argc;
  (void)argv;
#endif
  return started;
}

const Ranks& ranks() { return started; }

void finish_ranks() {
#ifdef MOBSIM_HAVE_MPI
  if (mpi_running) MPI_Finalize();
  mpi_running = false;
#endif
}

void abort_ranks(int status) {
#ifdef MOBSIM_HAVE_MPI
  if (mpi_running) MPI_Abort(MPI_COMM_WORLD, status);
#endif
  std::exit(status);
}

void KeptFrames::write(std::size_t replicate, int time_index, const Frame& frame) {
  auto& kept = frames_[replicate];
  if (static_cast<std::size_t>(time_index) != kept.size())
    throw std::logic_error("KeptFrames: time points out of order");
  kept.push_back(frame);
}

void send_to_root(KeptFrames& kept, const RunStats& stats) {
#ifdef MOBSIM_HAVE_MPI
  RankResults results;
  results.agent_steps = stats.agent_steps;
  results.peak_agents = stats.peak_agents;
  results.peak_resident_bytes = stats.peak_resident_bytes;
  results.phase_seconds = stats.phase_seconds;
  for (auto& [r, frames] : kept.frames()) results.frames[r] = std::move(frames);
  std::vector<std::byte> bytes;
  StateArchive ar = StateArchive::saving(bytes);
  results.archive(ar);
  std::uint64_t size = bytes.size();
  MPI_Send(&size, 1, MPI_UINT64_T, 0, kResultsTag, MPI_COMM_WORLD);
  in_pieces(bytes, [](std::byte* p, int n) { MPI_Send(p, n, MPI_BYTE, 0, kResultsTag, MPI_COMM_WORLD); });
#else
  (void)kept;
  (void)stats;
#endif
}

void receive_from_ranks(Sink& sink, RunStats& stats) {
#ifdef MOBSIM_HAVE_MPI
  // In rank order, so that the statistics add up in a fixed order.
  for (int from = 1; from < started.size; ++from) {
    std::uint64_t size = 0;
    MPI_Recv(&size, 1, MPI_UINT64_T, from, kResultsTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    std::vector<std::byte> bytes(size);
    in_pieces(bytes, [from](std::byte* p, int n) {
      MPI_Recv(p, n, MPI_BYTE, from, kResultsTag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    });
    RankResults results;
    StateArchive ar = StateArchive::loading(bytes, "sent by rank " + std::to_string(from));
    results.archive(ar);
    ar.expect_end();
    for (auto& [r, frames] : results.frames)
      for (std::size_t t = 0; t < frames.size(); ++t) sink.write(r, static_cast<int>(t), frames[t]);
    stats.agent_steps += results.agent_steps;
    stats.peak_agents = std::max(stats.peak_agents, results.peak_agents);
    stats.peak_resident_bytes = std::max(stats.peak_resident_bytes, results.peak_resident_bytes);
    for (const auto& [phase, seconds] : results.phase_seconds) stats.phase_seconds[phase] += seconds;
  }
#else
  (void)sink;
  (void)stats;
#endif
}

}  // namespace mobsim
