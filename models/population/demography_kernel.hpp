#pragma once
// The demography's pass over every agent each step: ageing, and the list of
// those whose check (a death or birth opportunity) is due. Tested against
// its plain form in tests/models/population/demography_test.cpp.
#include <cstddef>
#include <cstdint>

namespace mobsim::models {

struct AgeingColumns {
  const std::uint64_t* id;
  const std::uint16_t* next_check;  // 0: not scheduled; else step | opportunity flag (0x8000)
  std::uint16_t* age_months;
};

// Rows [begin, end): each agent ages by `months`, at most to `last_age`;
// rows whose check is due this step (never scheduled, or the scheduled step
// reached) are listed with their ids in row order. Returns how many.
std::size_t age_and_list_due_plain(const AgeingColumns& c, std::uint32_t begin, std::uint32_t end,
                                   std::uint16_t months, std::uint16_t last_age, std::uint32_t step,
                                   std::uint32_t* rows, std::uint64_t* ids);

// The same results, 32 agents at a time where the processor has AVX2.
std::size_t age_and_list_due(const AgeingColumns& c, std::uint32_t begin, std::uint32_t end, std::uint16_t months,
                             std::uint16_t last_age, std::uint32_t step, std::uint32_t* rows, std::uint64_t* ids);

}  // namespace mobsim::models
