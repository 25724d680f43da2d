#pragma once
// Parallel loops whose results do not depend on the number of threads: work
// is cut into chunks whose boundaries depend only on the data (never on the
// thread count), each chunk writes its own results, and results are merged
// in chunk order.
#include <cstdint>
#include <exception>
#include <span>
#include <vector>

// Marks a function holding a hot loop over agent columns: compiled for AVX2
// as well as the baseline instruction set, the version chosen at run time.
// Results are the same either way: IEEE arithmetic rounds each operation
// exactly in scalar and vector registers, and the build forbids contraction
// into fused multiply-adds (-ffp-contract=off), so vectorising changes
// speed only. Reductions in floating point must still be written in a
// fixed order (the compiler never reorders them without -ffast-math).
#define MOBSIM_VECTOR_KERNEL __attribute__((target_clones("avx2", "default")))

namespace mobsim {

class World;

struct Chunk {
  std::uint32_t city;
  std::uint32_t begin;  // first row
  std::uint32_t end;    // one past the last row
};

// Rows per chunk: about 256 chunks over all agents, within these bounds.
// Large chunks cost less per chunk (fewer tasks, longer streams for the
// prefetchers) and balance well enough across a few threads; the size
// depends only on the number of agents, never on the number of threads.
inline constexpr std::uint32_t kMinChunkRows = 1u << 14, kMaxChunkRows = 1u << 17;
std::uint32_t chunk_rows_for(std::uint64_t total_agents);

// Chunks over every city's agents, ordered by city then row; rows_per_chunk
// 0: chunk_rows_for(the world's agents).
std::vector<Chunk> make_chunks(const World& world, std::uint32_t rows_per_chunk = 0);

// An exception may not leave an OpenMP region (the program would abort):
// the first one a task throws (std::bad_alloc when memory runs out) is kept
// and thrown again once every task has finished.
class TaskFailure {
 public:
  template <class F>
  void run(F&& task) noexcept {
    try {
      task();
    } catch (...) {
#pragma omp critical(mobsim_task_failure)
      if (!failure_) failure_ = std::current_exception();
    }
  }
  void rethrow() const {
    if (failure_) std::rethrow_exception(failure_);
  }

 private:
  std::exception_ptr failure_;
};

template <class F>
void parallel_for_chunks(const std::vector<Chunk>& chunks, F&& body) {
  const auto n = static_cast<std::int64_t>(chunks.size());
  TaskFailure failure;
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t k = 0; k < n; ++k)
    failure.run([&] { body(static_cast<std::size_t>(k), chunks[static_cast<std::size_t>(k)]); });
  failure.rethrow();
}

// Cities in decreasing order of their number of agents (ties by index).
std::vector<std::uint32_t> cities_largest_first(const World& world);

// One task per city, the largest first, so that the threads finish
// together (the results do not depend on the order: each city's task
// writes only that city's state).
template <class F>
void parallel_for_cities(const World& world, F&& body) {
  const std::vector<std::uint32_t> order = cities_largest_first(world);
  const auto n = static_cast<std::int64_t>(order.size());
  TaskFailure failure;
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t i = 0; i < n; ++i)
    failure.run([&] { body(static_cast<std::size_t>(order[static_cast<std::size_t>(i)])); });
  failure.rethrow();
}

// The rows of one chunk that need random draws this step, with their agent
// ids. select() lists them without a branch per row (agent states are mixed
// at random, so a branch would be mispredicted half the time): every row is
// written and the count advances only for those taken; `takes(row)` may
// also do other per-row work (counting) in the same pass. list() lets a
// vectorised kernel write the rows and ids. One selection per thread
// (declare it thread_local at the call site); its buffers are reused.
class RowSelection {
 public:
  template <class Takes>
  void select(const Chunk& chunk, std::span<const std::uint64_t> agent_ids, Takes&& takes) {
    reserve(chunk);
    // Local pointers and count: stores through the id buffer could otherwise
    // alias a member count and force a reload every row.
    std::uint32_t* rows = rows_.data();
    std::uint64_t* ids = ids_.data();
    std::size_t m = 0;
    for (std::uint32_t r = chunk.begin; r < chunk.end; ++r) {
      rows[m] = r;
      ids[m] = agent_ids[r];
      m += static_cast<std::size_t>(static_cast<bool>(takes(r)));
    }
    size_ = m;
  }
  // `kernel(rows, ids)` writes at most one entry per row of the chunk and
  // returns how many it wrote.
  template <class Kernel>
  void list(const Chunk& chunk, Kernel&& kernel) {
    reserve(chunk);
    size_ = kernel(rows_.data(), ids_.data());
  }
  std::span<const std::uint32_t> rows() const { return {rows_.data(), size_}; }
  std::span<const std::uint64_t> ids() const { return {ids_.data(), size_}; }
  std::size_t size() const { return size_; }

 private:
  void reserve(const Chunk& chunk) {
    if (rows_.size() < chunk.end - chunk.begin) {
      rows_.resize(chunk.end - chunk.begin);
      ids_.resize(chunk.end - chunk.begin);
    }
  }
  std::vector<std::uint32_t> rows_;
  std::vector<std::uint64_t> ids_;
  std::size_t size_ = 0;
};

// Appends the rows of a block whose bits are set in `mask` (bit i: row
// base + i), with their agent ids, at position m of rows and ids; returns
// the new count. Vectorised selection kernels compute one such mask per
// block of 32 agents.
inline std::size_t append_rows(std::uint32_t mask, std::uint32_t base, const std::uint64_t* agent_ids,
                               std::uint32_t* rows, std::uint64_t* ids, std::size_t m) {
  for (; mask != 0; mask &= mask - 1) {
    const std::uint32_t r = base + static_cast<std::uint32_t>(__builtin_ctz(mask));
    rows[m] = r;
    ids[m] = agent_ids[r];
    ++m;
  }
  return m;
}

// Lists produced per chunk, regrouped per city in chunk order (so row lists
// stay in ascending row order).
template <class T>
std::vector<std::vector<T>> merge_by_city(const std::vector<Chunk>& chunks,
                                          const std::vector<std::vector<T>>& per_chunk, std::size_t city_count) {
  std::vector<std::vector<T>> merged(city_count);
  for (std::size_t k = 0; k < chunks.size(); ++k)
    merged[chunks[k].city].insert(merged[chunks[k].city].end(), per_chunk[k].begin(), per_chunk[k].end());
  return merged;
}

// Counts of small codes (0..N-1) in a hot loop. Four interleaved lanes keep
// consecutive increments of the same code from waiting on each other, and the
// counts live in the calling thread's stack, not in memory shared with other
// chunks.
template <std::size_t N>
class LaneCounter {
 public:
  void add(std::size_t row, std::size_t code, std::int64_t amount = 1) { lanes_[row & 3][code] += amount; }
  std::int64_t operator[](std::size_t code) const {
    return lanes_[0][code] + lanes_[1][code] + lanes_[2][code] + lanes_[3][code];
  }

 private:
  std::int64_t lanes_[4][N] = {};
};

// The same with a number of codes known only at run time.
class LaneCounts {
 public:
  explicit LaneCounts(std::size_t codes) : codes_(static_cast<std::uint32_t>(codes)), counts_(4 * codes, 0) {}
  void add(std::size_t row, std::size_t code, std::int64_t amount = 1) { counts_[(row & 3) * codes_ + code] += amount; }
  std::int64_t operator[](std::size_t code) const {
    return counts_[code] + counts_[codes_ + code] + counts_[2 * codes_ + code] + counts_[3 * codes_ + code];
  }
  std::size_t size() const { return codes_; }

 private:
  // Not a size_t: a store of the int64 counts may alias a size_t (its
  // signed twin), which would force a reload of the width every row.
  std::uint32_t codes_;
  std::vector<std::int64_t> counts_;
};

int thread_count();
void set_thread_count(int threads);
// Starts the OpenMP threads now, while memory is free: the runtime cannot
// report a thread it fails to create later (it ends the program), whereas
// a failed allocation is reported as out of memory.
void start_threads();

}  // namespace mobsim
