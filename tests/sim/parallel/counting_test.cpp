// Counting byte codes: hand-counted columns, and the vectorised form equal
// to the plain one on random columns (any start, any length).
#include "counting.hpp"

#include <gtest/gtest.h>

#include <array>
#include <random>
#include <vector>

#include "avx2.hpp"
#include "support.hpp"

namespace mobsim {
namespace {

TEST(CountCodes, HandCounted) {
  std::vector<std::uint8_t> codes(70, 2);
  codes[0] = 0;
  codes[33] = 1;
  codes[69] = 4;  // beyond the codes counted
  std::array<std::int64_t, 4> counts{1, 1, 1, 1};  // counts are added to
  count_codes(codes.data(), 0, 70, 4, counts.data());
  EXPECT_EQ(counts, (std::array<std::int64_t, 4>{2, 2, 68, 1}));
}

TEST(CountCodes, VectorisedEqualsPlain) {
  // count_codes takes the AVX2 form only where cpu_has_avx2() (and for at
  // most 64 codes, as every case here); without it both calls run the plain
  // form and the comparison proves nothing.
  if (!cpu_has_avx2()) GTEST_SKIP() << "AVX2 not available on this CPU: the vectorised path cannot be compared";
  std::mt19937 gen(17);
  std::vector<std::uint8_t> codes(10'009);
  for (auto& c : codes) c = static_cast<std::uint8_t>(gen() % 3 == 0 ? gen() % 40 : gen() % 5);
  for (const std::size_t code_count : {5u, 28u, 40u})
    for (const std::uint32_t begin : {0u, 13u}) {
      std::vector<std::int64_t> plain(code_count, 0), fast(code_count, 0);
      count_codes_plain(codes.data(), begin, static_cast<std::uint32_t>(codes.size()), code_count, plain.data());
      count_codes(codes.data(), begin, static_cast<std::uint32_t>(codes.size()), code_count, fast.data());
      EXPECT_EQ(plain, fast);
      std::int64_t total = 0;
      for (const auto c : plain) total += c;
      EXPECT_GT(total, static_cast<std::int64_t>(codes.size()) / 2);
    }
}

TEST(ListRowsEqual, VectorisedEqualsPlain) {
  // list_rows_equal takes the AVX2 form only where cpu_has_avx2(); without it
  // both calls run the plain form and the comparison proves nothing.
  if (!cpu_has_avx2()) GTEST_SKIP() << "AVX2 not available on this CPU: the vectorised path cannot be compared";
  std::mt19937 gen(29);
  const std::uint32_t n = 5011;
  std::vector<std::uint8_t> codes(n);
  std::vector<std::uint64_t> ids(n);
  for (std::uint32_t r = 0; r < n; ++r) {
    codes[r] = static_cast<std::uint8_t>(gen() % 4 == 0 ? 0 : 1 + gen() % 4);
    ids[r] = 1000 + 3ull * r;
  }
  for (const std::uint32_t begin : {0u, 21u}) {
    test::RowList rows_plain(n), rows_fast(n);
    rows_plain.count = list_rows_equal_plain(codes.data(), 0, ids.data(), begin, n, rows_plain.rows.data(), rows_plain.ids.data());
    rows_fast.count = list_rows_equal(codes.data(), 0, ids.data(), begin, n, rows_fast.rows.data(), rows_fast.ids.data());
    test::expect_same_rows(rows_plain, rows_fast);
    EXPECT_GT(rows_plain.count, n / 6);
    EXPECT_LT(rows_plain.count, n / 3);
    for (const std::uint32_t r : rows_plain.listed()) EXPECT_EQ(codes[r], 0);
  }
}

}  // namespace
}  // namespace mobsim
