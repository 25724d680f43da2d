#include "parallel.hpp"

#include <algorithm>

#include <omp.h>

#include "world.hpp"

namespace mobsim {

std::vector<Chunk> make_chunks(const World& world, std::uint32_t rows_per_chunk) {
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

}  // namespace mobsim
