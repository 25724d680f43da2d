// Agent tables: removals keep every other agent, and a second removal in the
// same pass finds its rows where the first left them.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "agents.hpp"

namespace mobsim {
namespace {

TEST(AgentTable, RowsAfterASwapRemoveAreWhereTheirAgentsMoved) {
  std::mt19937 gen(7);
  for (int trial = 0; trial < 200; ++trial) {
    const AgentSchema schema;
    AgentTable table(schema);
    const std::size_t n = 1 + gen() % 60;
    table.append_zeroed(n);
    auto id = table.col(core::id);
    for (std::size_t r = 0; r < n; ++r) id[r] = 1000 + r;
    // Two disjoint random sets of rows, ascending.
    std::vector<std::uint32_t> first, second;
    for (std::uint32_t r = 0; r < n; ++r) {
      const auto u = gen() % 4;
      if (u == 0) first.push_back(r);
      if (u == 1) second.push_back(r);
    }
    std::vector<std::uint64_t> second_ids;
    for (auto r : second) second_ids.push_back(1000 + r);
    const auto moved = AgentTable::rows_after_swap_remove(n, first, second);
    table.swap_remove(first);
    ASSERT_TRUE(std::is_sorted(moved.begin(), moved.end()));
    std::vector<std::uint64_t> found;
    for (auto r : moved) found.push_back(table.col(core::id)[r]);
    std::sort(found.begin(), found.end());
    EXPECT_EQ(found, second_ids) << "trial " << trial;
  }
}

}  // namespace
}  // namespace mobsim
