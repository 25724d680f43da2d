#include "parallel.hpp"

#include <algorithm>
#include <bit>

#include <omp.h>

#include "world.hpp"

namespace mobsim {

std::uint32_t chunk_rows_for(std::uint64_t total_agents) {
  const std::uint64_t target = std::bit_ceil(std::max<std::uint64_t>(total_agents / 256, 1));
  return static_cast<std::uint32_t>(std::clamp<std::uint64_t>(target, kMinChunkRows, kMaxChunkRows));
}

std::vector<Chunk> make_chunks(const World& world, std::uint32_t rows_per_chunk) {
  if (rows_per_chunk == 0) rows_per_chunk = chunk_rows_for(world.total_agents());
  std::vector<Chunk> chunks;
  for (std::size_t c = 0; c < world.city_count(); ++c) {
    const auto n = static_cast<std::uint32_t>(world.agents(c).size());
    for (std::uint32_t b = 0; b < n; b += rows_per_chunk)
      chunks.push_back(Chunk{static_cast<std::uint32_t>(c), b, std::min(n, b + rows_per_chunk)});
  }
  return chunks;
}

std::vector<std::uint32_t> cities_largest_first(const World& world) {
  std::vector<std::uint32_t> order(world.city_count());
  for (std::uint32_t c = 0; c < order.size(); ++c) order[c] = c;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return world.agents(a).size() > world.agents(b).size(); });
  return order;
}

int thread_count() { return omp_get_max_threads(); }
void set_thread_count(int threads) { omp_set_num_threads(threads); }
void start_threads() {
  int started = 0;
#pragma omp parallel reduction(+ : started)
  started += 1;
  (void)started;
}

}  // namespace mobsim
