#pragma once
// The legal-status model's pass over every agent each step: who may change
// status. Tested against its plain form in tests/models/legal/legal_status_test.cpp.
#include <cstddef>
#include <cstdint>

namespace mobsim::models {

// Rows [begin, end) of non-citizens not already due to leave, listed in row
// order with their ids. Returns how many.
std::size_t list_non_citizens_plain(const std::uint64_t* id, const std::uint8_t* legal_status,
                                    const std::uint8_t* return_due, std::uint32_t begin, std::uint32_t end,
                                    std::uint32_t* rows, std::uint64_t* ids);

// The same results, 32 agents at a time where the processor has AVX2.
std::size_t list_non_citizens(const std::uint64_t* id, const std::uint8_t* legal_status,
                              const std::uint8_t* return_due, std::uint32_t begin, std::uint32_t end,
                              std::uint32_t* rows, std::uint64_t* ids);

}  // namespace mobsim::models
