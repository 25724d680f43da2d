#include "selection.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace mobsim {

std::vector<std::size_t> select_fairly(const Rng& rng, std::span<const Candidate> candidates, std::size_t places,
                                       std::uint32_t step, Purpose purpose) {
  std::vector<double> priority(candidates.size());
  for (std::size_t i = 0; i < candidates.size(); ++i)
    priority[i] = std::log(rng.agent(candidates[i].id, step, purpose).unit(0)) / candidates[i].weight;
  std::vector<std::size_t> order(candidates.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  const auto better = [&](std::size_t a, std::size_t b) {
    if (priority[a] != priority[b]) return priority[a] > priority[b];
    return candidates[a].id < candidates[b].id;
  };
  const std::size_t winners = std::min(places, candidates.size());
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(winners), order.end(), better);
  order.resize(winners);
  return order;
}

}  // namespace mobsim
