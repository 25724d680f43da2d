#pragma once
// The migration decisions' pass over every agent each step: who has
// something to decide. Tested against its plain form in
// tests/models/mobility/migration_test.cpp.
#include <cstddef>
#include <cstdint>

namespace mobsim::models {

// The step of a scheduled check is next_decision & kScheduledStep (the top
// bit flags an opportunity, as opposed to a check at a new band of ages).
inline constexpr std::uint16_t kScheduledStep = 0x7FFF;

struct DecisionColumns {
  const std::uint64_t* id;
  const std::uint16_t* next_decision;  // the next check (step, flag); 0 not scheduled
  const std::uint16_t* transit;        // 1 + city an irregular migrant in transit heads to; 0 none
  const std::uint8_t* return_due;      // nonzero: must leave
  const std::uint16_t* age_months;
};

// Rows [begin, end) with a decision check due (or, from min_age_months on,
// never scheduled), in transit, or due to leave, listed in row order
// with their ids. Returns how many. (Children are never scheduled; they are
// listed only in transit or due to leave.)
std::size_t list_deciding_plain(const DecisionColumns& c, std::uint32_t step, int min_age_months, std::uint32_t begin,
                                std::uint32_t end, std::uint32_t* rows, std::uint64_t* ids);

// The same results, 32 agents at a time where the processor has AVX2.
std::size_t list_deciding(const DecisionColumns& c, std::uint32_t step, int min_age_months, std::uint32_t begin,
                          std::uint32_t end, std::uint32_t* rows, std::uint64_t* ids);

}  // namespace mobsim::models
