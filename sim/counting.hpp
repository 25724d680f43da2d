#pragma once
// Counts of small byte codes over a column (tenure, job, status): the
// observers' and models' tallies. Tested in tests/sim/counting_test.cpp.
#include <cstddef>
#include <cstdint>

namespace mobsim {

// counts[v] += number of rows in [begin, end) with codes[row] == v, for v
// in [0, code_count); rows with larger codes are not counted.
void count_codes_plain(const std::uint8_t* codes, std::uint32_t begin, std::uint32_t end, std::size_t code_count,
                       std::int64_t* counts);

// The same counts, 32 rows at a time where the processor has AVX2 (each
// code compared with the block, the matches counted from a bit mask).
void count_codes(const std::uint8_t* codes, std::uint32_t begin, std::uint32_t end, std::size_t code_count,
                 std::int64_t* counts);

}  // namespace mobsim
