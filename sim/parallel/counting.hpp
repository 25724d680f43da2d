#pragma once
// Counts of small byte codes over a column (tenure, job, status), and the
// rows holding one code: the observers' and models' tallies and lists.
// Tested in tests/sim/parallel/counting_test.cpp.
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

// Rows [begin, end) with codes[row] == value, listed in row order with
// their agent ids; returns how many. `rows` and `ids` need room for
// end - begin entries.
std::size_t list_rows_equal_plain(const std::uint8_t* codes, std::uint8_t value, const std::uint64_t* agent_ids,
                                  std::uint32_t begin, std::uint32_t end, std::uint32_t* rows, std::uint64_t* ids);

// The same list, 32 rows at a time where the processor has AVX2.
std::size_t list_rows_equal(const std::uint8_t* codes, std::uint8_t value, const std::uint64_t* agent_ids,
                            std::uint32_t begin, std::uint32_t end, std::uint32_t* rows, std::uint64_t* ids);

}  // namespace mobsim
