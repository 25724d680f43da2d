// The state archive gives back what it was given, and refuses what it was
// not: another item's name, a shorter or longer archive, another length.
#include <gtest/gtest.h>

#include "state_archive.hpp"

namespace mobsim {
namespace {

struct Pair {  // stored as its bytes: no padding
  double a;
  std::int64_t b;
};

// A struct with padding is refused at compile time (its padding would put
// whatever the memory held into the file): it needs an archive() member.
struct Padded {
  double a;
  std::uint8_t flag;
};
static_assert(detail::bytes_are_value<Pair>());
static_assert(!detail::bytes_are_value<Padded>());
static_assert(!detail::bytes_are_value<std::pair<double, std::uint8_t>>());
static_assert(detail::bytes_are_value<std::array<std::uint16_t, 3>>());

struct WithVector {
  std::vector<double> values;
  std::string label;
  void archive(StateArchive& ar) {
    ar("values", values);
    ar("label", label);
  }
};

struct State {
  double x = 0;
  std::vector<std::int64_t> counts;
  std::vector<std::vector<double>> nested;
  std::array<double, 3> fixed{};
  std::optional<int> maybe;
  std::map<std::string, int> by_name;
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> rows;
  std::vector<Pair> pairs;
  std::vector<WithVector> blocks;
  std::vector<bool> flags;

  void archive(StateArchive& ar) {
    ar("x", x);
    ar("counts", counts);
    ar("nested", nested);
    ar("fixed", fixed);
    ar("maybe", maybe);
    ar("by_name", by_name);
    ar("rows", rows);
    ar("pairs", pairs);
    ar("blocks", blocks);
    ar("flags", flags);
  }
};

State example() {
  State s;
  s.x = -0.125;
  s.counts = {1, -2, 3};
  s.nested = {{1.5}, {}, {2.5, 3.5}};
  s.fixed = {4, 5, 6};
  s.maybe = 7;
  s.by_name = {{"b", 2}, {"a", 1}};
  s.rows = {{9, {1, 2}}, {3, {}}};
  s.pairs = {{0.5, 8}};
  s.blocks = {WithVector{{1, 2, 3}, "one"}, WithVector{{}, ""}};
  s.flags = {true, false, true};
  return s;
}

std::vector<std::byte> saved(State s) {
  std::vector<std::byte> bytes;
  StateArchive ar = StateArchive::saving(bytes);
  ar("state", s);
  return bytes;
}

TEST(StateArchive, GivesBackEveryKindOfMember) {
  const auto bytes = saved(example());
  State back;
  back.maybe = std::nullopt;
  StateArchive ar = StateArchive::loading(bytes, "test");
  ar("state", back);
  ar.expect_end();
  const State want = example();
  EXPECT_EQ(back.x, want.x);
  EXPECT_EQ(back.counts, want.counts);
  EXPECT_EQ(back.nested, want.nested);
  EXPECT_EQ(back.fixed, want.fixed);
  EXPECT_EQ(back.maybe, want.maybe);
  EXPECT_EQ(back.by_name, want.by_name);
  EXPECT_EQ(back.rows, want.rows);
  ASSERT_EQ(back.pairs.size(), 1u);
  EXPECT_EQ(back.pairs[0].a, 0.5);
  EXPECT_EQ(back.pairs[0].b, 8);
  ASSERT_EQ(back.blocks.size(), 2u);
  EXPECT_EQ(back.blocks[0].values, want.blocks[0].values);
  EXPECT_EQ(back.blocks[0].label, "one");
  EXPECT_EQ(back.flags, want.flags);
}

TEST(StateArchive, TheSameStateGivesTheSameBytesWhateverTheMapOrder) {
  State a = example(), b = example();
  b.rows.clear();
  b.rows[3] = {};
  b.rows[9] = {1, 2};
  EXPECT_EQ(saved(a), saved(b));
}

TEST(StateArchive, RefusesAnotherNameATruncationAndLeftovers) {
  const auto bytes = saved(example());
  {
    State back;
    StateArchive ar = StateArchive::loading(bytes, "'x.ckpt'");
    try {
      ar("other", back);
      FAIL() << "a different name was accepted";
    } catch (const CheckpointError& e) {
      EXPECT_NE(std::string(e.what()).find("holds 'state' where 'other' was expected"), std::string::npos)
          << e.what();
      EXPECT_NE(std::string(e.what()).find("checkpoint 'x.ckpt'"), std::string::npos) << e.what();
    }
  }
  for (const std::size_t cut : {bytes.size() - 1, bytes.size() / 2, std::size_t{3}}) {
    State back;
    StateArchive ar = StateArchive::loading(std::span(bytes.data(), cut), "test");
    EXPECT_THROW(ar("state", back), CheckpointError) << "cut at " << cut;
  }
  std::vector<std::byte> longer = bytes;
  longer.push_back(std::byte{0});
  State back;
  StateArchive ar = StateArchive::loading(longer, "test");
  ar("state", back);
  EXPECT_THROW(ar.expect_end(), CheckpointError);
}

TEST(StateArchive, ASpanOfAnotherLengthIsRefused) {
  std::vector<float> column{1, 2, 3};
  std::vector<std::byte> bytes;
  StateArchive save = StateArchive::saving(bytes);
  save.span("column", std::span(column));
  std::vector<float> shorter(2);
  StateArchive load = StateArchive::loading(bytes, "test");
  EXPECT_THROW(load.span("column", std::span(shorter)), CheckpointError);
  std::vector<float> same(3);
  StateArchive again = StateArchive::loading(bytes, "test");
  again.span("column", std::span(same));
  EXPECT_EQ(same, column);
}

TEST(StateArchive, SectionsNestNames) {
  std::vector<std::byte> bytes;
  StateArchive save = StateArchive::saving(bytes);
  double v = 1;
  {
    const auto outer = save.section("housing");
    const auto inner = save.section("city3");
    save("rent", v);
  }
  save("after", v);
  StateArchive load = StateArchive::loading(bytes, "test");
  try {
    load("rent", v);
    FAIL() << "a name outside its sections was accepted";
  } catch (const CheckpointError& e) {
    EXPECT_NE(std::string(e.what()).find("holds 'housing/city3/rent' where 'rent' was expected"), std::string::npos)
        << e.what();
  }
  StateArchive ok = StateArchive::loading(bytes, "test");
  {
    const auto outer = ok.section("housing");
    const auto inner = ok.section("city3");
    ok("rent", v);
  }
  ok("after", v);
  ok.expect_end();
}

}  // namespace
}  // namespace mobsim
