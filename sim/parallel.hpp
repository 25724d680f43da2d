#pragma once
// Parallel loops whose results do not depend on the number of threads: work
// is cut into chunks whose boundaries depend only on the data (never on the
// thread count), each chunk writes its own results, and results are merged
// in chunk order.
#include <cstdint>
#include <vector>

namespace mobsim {

class World;

struct Chunk {
  std::uint32_t city;
  std::uint32_t begin;  // first row
  std::uint32_t end;    // one past the last row
};

inline constexpr std::uint32_t kChunkRows = 1u << 14;

// Chunks over every city's agents, ordered by city then row.
std::vector<Chunk> make_chunks(const World& world, std::uint32_t rows_per_chunk = kChunkRows);

template <class F>
void parallel_for_chunks(const std::vector<Chunk>& chunks, F&& body) {
  const auto n = static_cast<std::int64_t>(chunks.size());
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t k = 0; k < n; ++k) body(static_cast<std::size_t>(k), chunks[static_cast<std::size_t>(k)]);
}

template <class F>
void parallel_for_cities(std::size_t city_count, F&& body) {
  const auto n = static_cast<std::int64_t>(city_count);
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t c = 0; c < n; ++c) body(static_cast<std::size_t>(c));
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

int thread_count();
void set_thread_count(int threads);

}  // namespace mobsim
