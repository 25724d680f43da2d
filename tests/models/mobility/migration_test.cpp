// Behavioural migration: channel availability by hand, closed corridors,
// savings that never go negative, returns, and the remittance books.
#include "migration_channels.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "avx2.hpp"
#include "decision_kernel.hpp"
#include "diaspora_kernel.hpp"
#include "logit.hpp"
#include "remittances_kernel.hpp"
#include "shared_state.hpp"
#include "support.hpp"

namespace mobsim {
namespace {

using models::ChannelOdds;

TEST(MigrationChannels, AvailabilityHandComputed) {
  ChannelOdds odds;
  odds.family = 0.2;
  odds.work = 0.5;
  odds.irregular = 0.25;
  // 1 - 0.8 * 0.5 * 1.0 * 0.75
  EXPECT_DOUBLE_EQ(odds.any(), 0.7);
  EXPECT_DOUBLE_EQ(ChannelOdds{}.any(), 0.0);
  ChannelOdds free;
  free.citizen_or_free = true;
  EXPECT_DOUBLE_EQ(free.any(), 1.0);
  // Channels are tried in order, each with its own draw.
  const double family[4] = {0.1, 0.9, 0.9, 0.9}, work[4] = {0.3, 0.4, 0.9, 0.9}, irregular[4] = {0.3, 0.6, 0.9, 0.2},
               none[4] = {0.3, 0.6, 0.9, 0.3};
  EXPECT_EQ(models::pick_channel(odds, family), models::kFamily);
  EXPECT_EQ(models::pick_channel(odds, work), models::kWorkVisa);
  EXPECT_EQ(models::pick_channel(odds, irregular), models::kIrregular);
  EXPECT_EQ(models::pick_channel(odds, none), models::kNoChannel);
}

TEST(MigrationChannels, ADestinationWithoutAnyChannelGetsNoProbabilityInTheLogit) {
  // Utilities as the model builds them: weight * log(probability that a channel is open).
  ChannelOdds closed, open;
  open.work = 0.5;
  const std::vector<double> utility{2.0, 1.0 + std::log(open.any()),
                                    closed.any() > 0 ? 1.0 : -std::numeric_limits<double>::infinity()};
  LogitChooser chooser;
  chooser.set_utilities(utility);
  EXPECT_EQ(chooser.probability(2), 0.0);
  const double z = std::exp(2.0) + std::exp(1.0) * 0.5;
  EXPECT_NEAR(chooser.probability(1), std::exp(1.0) * 0.5 / z, 1e-15);
}

double flow(const test::RunResult& run, std::size_t from, std::size_t to) {
  const std::size_t n = run.cities.size();
  double total = 0;
  for (const auto& replicate : run.recording.frames())
    for (const auto& frame : replicate) total += frame.flows[from * n + to];
  return total;
}

TEST(Migration, ClosingACorridorMakesItsFlowExactlyZero) {
  const std::vector<std::string> busy{"run.people_per_agent=100", "run.duration_months=36",
                                      "migration.consider_hazard_per_year=0.5"};
  const auto open = test::run_in_memory(test::load(test::scenario_path("ci/four_cities.toml"), busy));
  const std::size_t dakar = open.city("Dakar"), paris = open.city("Paris");
  ASSERT_GT(flow(open, dakar, paris), 0.0) << "the test needs moves from Dakar to Paris when the corridor is open";

  const auto closed = test::run_in_memory(test::load_text(R"(
base = "ci/four_cities.toml"
[run]
people_per_agent = 100
duration_months = 36
[migration]
consider_hazard_per_year = 0.5
[corridors.dakar_paris]
origin = "Dakar"
destination = "Paris"
legal_open = false
irregular_open = false
)"));
  EXPECT_EQ(flow(closed, dakar, paris), 0.0);
  EXPECT_GT(flow(closed, paris, dakar), 0.0) << "only the stated direction is closed";
  const std::size_t n = closed.cities.size();
  for (const auto& replicate : closed.recording.frames())
    for (const auto& frame : replicate)
      for (std::size_t ch = 0; ch < frame.flows_by_channel.size() / (n * n); ++ch)
        EXPECT_EQ(frame.flows_by_channel[(ch * n + dakar) * n + paris], 0.0);
}

TEST(Migration, FlowsByChannelAddUpToFlows) {
  const auto run = test::run_in_memory(test::load(test::scenario_path("ci/four_cities.toml")));
  const std::size_t n = run.cities.size();
  double moved = 0;
  for (const auto& replicate : run.recording.frames())
    for (const auto& frame : replicate) {
      const std::size_t channels = frame.flows_by_channel.size() / (n * n);
      ASSERT_EQ(channels, run.channels.size());
      for (std::size_t o = 0; o < n; ++o)
        for (std::size_t d = 0; d < n; ++d) {
          double sum = 0;
          for (std::size_t ch = 0; ch < channels; ++ch) sum += frame.flows_by_channel[(ch * n + o) * n + d];
          ASSERT_EQ(sum, frame.flows[o * n + d]);
          moved += sum;
        }
    }
  EXPECT_GT(moved, 0.0);
}

TEST(Migration, NoAgentEverHasNegativeSavings) {
  const ScenarioSpec spec = test::load(test::scenario_path("ci/four_cities.toml"),
                                       {"run.people_per_agent=200", "migration.consider_hazard_per_year=0.5"});
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  const auto savings = sim->world().schema().find<float>(models::kSavingsColumn);
  for (int t = 0; t < 24; ++t) {
    sim->step();
    for (std::size_t c = 0; c < sim->world().city_count(); ++c)
      for (float s : sim->world().agents(c).col(savings)) ASSERT_GE(s, 0.0f);
  }
}

TEST(Migration, MigrantsReturnAndThoseBornElsewhereLeaveTheModel) {
  const auto run = test::run_in_memory(test::load(test::scenario_path("ci/four_cities.toml"),
                                                  {"migration.return_hazard_per_year=0.5"}));
  double returns = 0, outside = 0, return_moves = 0, with_family = 0;
  const std::size_t n = run.cities.size();
  for (std::size_t c = 0; c < n; ++c) {
    returns += run.total("returns", c);
    outside += run.total("returns_to_rest_of_world", c);
    with_family += run.total("moved_with_family", c);
  }
  for (const auto& replicate : run.recording.frames())
    for (const auto& frame : replicate)
      for (std::size_t i = 0; i < n * n; ++i) return_moves += frame.flows_by_channel[run.channel("return") * n * n + i];
  EXPECT_GT(outside, 0.0);
  EXPECT_GT(return_moves, 0.0);
  // Every return is one of the two; the families that go home with a
  // returnee move on the return channel too (they are not returns).
  EXPECT_LE(returns, outside + return_moves);
  EXPECT_LE(outside + return_moves, returns + with_family);
  EXPECT_GT(outside + return_moves, returns) << "no returnee took their family home";
}

TEST(Migration, SomeoneToldToLeaveWhoIsAlreadyHomeStays) {
  // A child born here to parents without papers inherits their status and
  // may be told to leave; there is nowhere to return to.
  const ScenarioSpec spec = test::load(test::scenario_path("ci/four_cities.toml"), {"run.people_per_agent=500"});
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  World& world = sim->world();
  const auto return_due = world.schema().find<std::uint8_t>(models::kReturnDueColumn);
  std::size_t marked = 0;
  for (std::size_t c = 0; c < world.city_count(); ++c) {
    auto& a = world.agents(c);
    for (std::size_t r = 0; r < a.size() && marked < 50 * (c + 1); ++r) {
      if (a.col(core::origin)[r] != world.geography().city_place(c) || a.col(core::age_months)[r] < 20 * 12) continue;
      a.col(core::legal_status)[r] = code(LegalStatus::irregular);
      a.col(return_due)[r] = 1;
      ++marked;
    }
  }
  ASSERT_GT(marked, 100u);
  sim->step();  // must not ask anyone to move to the city they are in
  std::size_t still_due = 0;
  for (std::size_t c = 0; c < world.city_count(); ++c)
    for (std::size_t r = 0; r < world.agents(c).size(); ++r)
      still_due += world.agents(c).col(return_due)[r] && world.agents(c).col(core::origin)[r] == world.geography().city_place(c);
  EXPECT_EQ(still_due, 0u);
}

TEST(Remittances, EveryEuroSentIsReceivedOrLeavesTheModel) {
  const auto run = test::run_in_memory(test::load(test::scenario_path("ci/four_cities.toml")));
  const std::size_t n = run.cities.size();
  double received_total = 0;
  for (std::size_t r = 0; r < run.recording.frames().size(); ++r)
    for (int t = 1; t <= 24; ++t) {
      double sent = 0, received = 0, outside = 0;
      for (std::size_t c = 0; c < n; ++c) {
        sent += run.at("remittances_sent", r, t, c);
        received += run.at("remittances_received", r, t, c);
        outside += run.at("remittances_to_rest_of_world", r, t, c);
      }
      EXPECT_NEAR(sent, received + outside, 1e-6 * std::max(1.0, sent)) << "t " << t;
      received_total += received;
    }
  EXPECT_GT(received_total, 0.0);
}

TEST(Networks, DiasporaStocksCountEveryResidentOnce) {
  const ScenarioSpec spec = test::load(test::scenario_path("ci/four_cities.toml"));
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  sim->step();
  const World& world = sim->world();
  const auto diaspora = world.field_schema().find(models::kDiasporaField);
  for (std::size_t c = 0; c < world.city_count(); ++c) {
    double total = 0, from_other_cities = 0;
    const auto d = world.fields().at(diaspora, c);
    for (std::size_t p = 0; p < d.size(); ++p) {
      total += d[p];
      if (p < world.city_count() && p != c) from_other_cities += d[p];
    }
    // Counted in the decide phase, before this step's moves and departures
    // to the rest of the world.
    const auto left = world.tally().boundary[world.flow("returns_to_rest_of_world")][c];
    const auto before = static_cast<std::int64_t>(world.agents(c).size()) + world.tally().outflow[c] -
                        world.tally().inflow[c] + left;
    EXPECT_NEAR(total, static_cast<double>(before * world.people_per_agent()), 1e-9);
    if (world.geography().city(c).name == "Paris") {
      EXPECT_GT(from_other_cities, 0.0);
    }
  }
}

// Who decides this step: the vectorised pass against the plain one, with
// opportunities past, due and to come, unscheduled adults and children,
// agents in transit and agents due to leave, opportunity flags, and steps
// beyond the largest that can be scheduled.
TEST(MigrationDecisions, VectorisedListingEqualsPlain) {
  // list_deciding takes the AVX2 form only where cpu_has_avx2(); without it
  // both calls run the plain form and the comparison proves nothing.
  if (!cpu_has_avx2()) GTEST_SKIP() << "AVX2 not available on this CPU: the vectorised path cannot be compared";
  std::mt19937 gen(13);
  const std::uint32_t n = 5003;
  std::vector<std::uint64_t> id(n);
  std::vector<std::uint16_t> next(n), transit(n), age(n);
  std::vector<std::uint8_t> return_due(n);
  for (std::uint32_t r = 0; r < n; ++r) {
    id[r] = 31 + 4ull * r;
    // Scheduled steps around the step tested, flagged as opportunities or not.
    next[r] = static_cast<std::uint16_t>((gen() % 3 == 0 ? 30000 + gen() % 100 : 90 + gen() % 20) |
                                         (gen() % 2 ? 0x8000 : 0));
    transit[r] = static_cast<std::uint16_t>(gen() % 17 == 0 ? 1 + gen() % 24 : 0);
    return_due[r] = static_cast<std::uint8_t>(gen() % 19 == 0);
    age[r] = static_cast<std::uint16_t>(gen() % 1000);
    if (age[r] < 15 * 12 || gen() % 11 == 0) next[r] = 0;  // children are never scheduled; some adults not yet
  }
  const models::DecisionColumns columns{id.data(), next.data(), transit.data(), return_due.data(), age.data()};
  for (const std::uint32_t step : {100u, 30050u, 40000u})
    for (const std::uint32_t begin : {0u, 9u}) {
      test::RowList rows_plain(n), rows_fast(n);
      rows_plain.count = models::list_deciding_plain(columns, step, 15 * 12, begin, n, rows_plain.rows.data(), rows_plain.ids.data());
      rows_fast.count = models::list_deciding(columns, step, 15 * 12, begin, n, rows_fast.rows.data(), rows_fast.ids.data());
      test::expect_same_rows(rows_plain, rows_fast);
      EXPECT_GT(rows_plain.count, n / 4);  // some due, some not
      EXPECT_LT(rows_plain.count, n - n / 10);
    }
}

// Remittance senders and adults: the vectorised pass against the plain one.
TEST(Remittances, VectorisedSenderSurveyEqualsPlain) {
  // survey_senders takes the AVX2 form only where cpu_has_avx2(); without it
  // both calls run the plain form and the comparison proves nothing.
  if (!cpu_has_avx2()) GTEST_SKIP() << "AVX2 not available on this CPU: the vectorised path cannot be compared";
  std::mt19937 gen(23);
  const std::uint32_t n = 4007;
  std::vector<std::uint8_t> employment(n);
  std::vector<std::uint16_t> origin(n), age(n);
  for (std::uint32_t r = 0; r < n; ++r) {
    employment[r] = static_cast<std::uint8_t>(gen() % 3);
    origin[r] = static_cast<std::uint16_t>(gen() % 2 ? 3 + 24 * (gen() % 2) : gen() % 49);  // 3 and 27: own places
    age[r] = static_cast<std::uint16_t>(gen() % 1200);
  }
  const models::SenderColumns columns{employment.data(), origin.data(), age.data()};
  for (const std::uint32_t begin : {0u, 6u}) {
    std::vector<std::uint32_t> rows_plain(n), rows_fast(n);
    const auto plain = models::survey_senders_plain(columns, 3, 27, 18 * 12, begin, n, rows_plain.data());
    const auto fast = models::survey_senders(columns, 3, 27, 18 * 12, begin, n, rows_fast.data());
    ASSERT_EQ(plain.senders, fast.senders);
    EXPECT_EQ(plain.adults, fast.adults);
    rows_plain.resize(plain.senders);
    rows_fast.resize(fast.senders);
    EXPECT_EQ(rows_plain, rows_fast);
    EXPECT_GT(plain.senders, n / 10);
    EXPECT_GT(plain.adults, static_cast<std::int64_t>(n / 2));
    for (const std::uint32_t r : rows_plain) EXPECT_TRUE(employment[r] == 2 && origin[r] != 3 && origin[r] != 27);
  }
}

// Remittance recipients: the rows of households sent to, found eight at a
// time, against the plain scan, from every start; households of the city
// (number base + serial) and of other cities, serials beyond the largest
// recipient, and rows without a household.
TEST(Remittances, VectorisedRecipientSearchEqualsPlain) {
  if (!cpu_has_avx2()) GTEST_SKIP() << "AVX2 not available on this CPU: the vectorised path cannot be compared";
  std::mt19937 gen(29);
  const std::uint32_t n = 3001, base = 5u << 27, largest = 700;
  std::vector<std::uint64_t> recipients(largest / 64 + 1, 0);
  for (int k = 0; k < 40; ++k) {
    const std::uint32_t serial = 1 + gen() % largest;
    recipients[serial / 64] |= std::uint64_t{1} << (serial % 64);
  }
  std::vector<std::uint32_t> household(n);
  for (auto& h : household) {
    const std::uint32_t kind = gen() % 10;
    h = kind == 0 ? 0u : kind == 1 ? (3u << 27) + 1 + gen() % largest : base + 1 + gen() % (2 * largest);
  }
  std::size_t found = 0;
  for (std::uint32_t begin = 0; begin <= n; ++begin) {
    const auto plain = models::next_recipient_row_plain(household.data(), base, largest, recipients.data(), begin, n);
    const auto fast = models::next_recipient_row(household.data(), base, largest, recipients.data(), begin, n);
    ASSERT_EQ(plain, fast) << "from row " << begin;
    if (plain < n) {
      const std::uint32_t serial = household[plain] - base;
      ASSERT_LE(serial, largest);
      ASSERT_TRUE((recipients[serial / 64] >> (serial % 64)) & 1u);
      found += plain == begin;
    }
  }
  EXPECT_GT(found, 20u);  // recipients' rows are met
}

// Residents by place of birth: the vectorised pass against the plain one,
// most born in the city (place 3) or its hinterland (27), arrivals at every
// step, before and after the settling stay, and without arrival column.
TEST(Diaspora, VectorisedCountsEqualPlain) {
  // count_by_birthplace takes the AVX2 form only where cpu_has_avx2(); without it
  // both calls run the plain form and the comparison proves nothing.
  if (!cpu_has_avx2()) GTEST_SKIP() << "AVX2 not available on this CPU: the vectorised path cannot be compared";
  std::mt19937 gen(31);
  const std::uint32_t n = 6007;
  std::vector<std::uint16_t> origin(n), arrival(n);
  for (std::uint32_t r = 0; r < n; ++r) {
    origin[r] = static_cast<std::uint16_t>(gen() % 10 < 8 ? (gen() % 2 ? 3 : 27) : gen() % 49);
    arrival[r] = static_cast<std::uint16_t>(gen() % 3 == 0 ? 0 : gen() % 120);
  }
  for (const bool with_arrival : {true, false})
    for (const std::int64_t step : {10, 70, 119, 100000})
      for (const std::uint32_t begin : {0u, 4u}) {
        const models::BirthplaceColumns columns{origin.data(), with_arrival ? arrival.data() : nullptr};
        const models::SettledRule rule{step, 60};
        std::vector<std::int64_t> plain(98, 0), fast(98, 0);
        models::count_by_birthplace_plain(columns, rule, begin, n, plain.data());
        models::count_by_birthplace(columns, rule, 3, 27, begin, n, fast.data());
        EXPECT_EQ(plain, fast) << "step " << step;
        if (with_arrival && step == 70) {
          EXPECT_GT(plain[2 * 3], 100);  // some not yet settled
          EXPECT_GT(plain[2 * 3 + 1], 100);
        }
      }
}

}  // namespace
}  // namespace mobsim
