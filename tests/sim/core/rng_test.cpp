#include "rng.hpp"

#include <gtest/gtest.h>

#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "support.hpp"

namespace mobsim {
namespace {

// Known-answer vectors of Philox4x32-10 from the Random123 distribution
// (kat_vectors). Mapping (seed, agent id, step, purpose) onto them proves the
// documented keying: key = seed, counter = (id low, id high, step, purpose).
TEST(Rng, PhiloxKnownAnswerWithZeroKeyAndCounter) {
  const Draw d = Rng(0).agent(0, 0, Purpose{0});
  EXPECT_EQ(d.words[0], 0x6627e8d5u);
  EXPECT_EQ(d.words[1], 0xe169c58du);
  EXPECT_EQ(d.words[2], 0xbc57ac4cu);
  EXPECT_EQ(d.words[3], 0x9b00dbd8u);
}

TEST(Rng, PhiloxKnownAnswerShowsKeyingLayout) {
  const std::uint64_t seed = 0x299f31d0a4093822ull;   // key words (a4093822, 299f31d0)
  const std::uint64_t agent = 0x85a308d3243f6a88ull;  // counter words 0, 1
  const Draw d = Rng(seed).agent(agent, 0x13198a2eu, Purpose{0x03707344u});
  EXPECT_EQ(d.words[0], 0xd16cfe09u);
  EXPECT_EQ(d.words[1], 0x94fdccebu);
  EXPECT_EQ(d.words[2], 0x5001e420u);
  EXPECT_EQ(d.words[3], 0x24126ea1u);
}

TEST(Rng, SameKeySameDrawAndEveryKeyPartMatters) {
  const Rng rng(42);
  const Purpose p = purpose("test.a");
  const Draw base = rng.agent(7, 3, p);
  EXPECT_EQ(base.words, rng.agent(7, 3, p).words);
  EXPECT_NE(base.words, rng.agent(8, 3, p).words);
  EXPECT_NE(base.words, rng.agent(7, 4, p).words);
  EXPECT_NE(base.words, rng.agent(7, 3, purpose("test.b")).words);
  EXPECT_NE(base.words, Rng(43).agent(7, 3, p).words);
  EXPECT_NE(base.words, rng.agent(7ull | (1ull << 48), 3, p).words);  // same serial, other city
}

TEST(Rng, UnitDrawsAreUniformOnTheOpenInterval) {
  // Mean of N uniforms has standard deviation sqrt(1/12 / N); accept 4 sigma.
  const Rng rng(2025);
  const int n = 100000;
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < n; ++i) {
    const double u = rng.agent(static_cast<std::uint64_t>(i), 1, purpose("test.uniform")).unit(i % 4);
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum_sq += u * u;
  }
  const double mean = sum / n;
  EXPECT_NEAR(mean, 0.5, 4.0 * std::sqrt(1.0 / 12.0 / n));
  EXPECT_NEAR(sum_sq / n - mean * mean, 1.0 / 12.0, 0.002);
}

TEST(Rng, PoissonFromCityStreamHasTheRequestedMean) {
  // Sum over S independent steps of Poisson(lambda): mean S*lambda, sd sqrt(S*lambda).
  const Rng rng(11);
  const double lambda = 37.5;
  const int steps = 4000;
  double total = 0;
  for (int s = 0; s < steps; ++s) {
    auto stream = rng.city_stream(3, static_cast<std::uint32_t>(s), purpose("test.poisson"));
    total += static_cast<double>(poisson(stream, lambda));
  }
  EXPECT_NEAR(total, steps * lambda, 4.0 * std::sqrt(steps * lambda));
  auto stream = rng.city_stream(3, 0, purpose("test.poisson"));
  EXPECT_EQ(poisson(stream, 0.0), 0);
}

TEST(Rng, CityStreamsAreReproducibleAndKeyed) {
  const Rng rng(5);
  auto a = rng.city_stream(1, 2, purpose("x"));
  auto b = rng.city_stream(1, 2, purpose("x"));
  auto c = rng.city_stream(2, 2, purpose("x"));
  const auto a1 = a(), b1 = b(), c1 = c();
  EXPECT_EQ(a1, b1);
  EXPECT_NE(a1, c1);
}

TEST(Rng, ReplicateSeedsAreDistinct) {
  std::set<std::uint64_t> seeds;
  for (std::uint32_t r = 0; r < 1000; ++r) seeds.insert(Rng::derive_seed(20250101, r));
  EXPECT_EQ(seeds.size(), 1000u);
  EXPECT_EQ(Rng::derive_seed(1, 0), Rng::derive_seed(1, 0));
  EXPECT_NE(Rng::derive_seed(1, 0), Rng::derive_seed(2, 0));
}

TEST(Rng, BuiltInPurposesAreDistinct) {
  const std::vector<std::string> names{"population.init",    "population.init.2", "demography.death_birth",
                                       "demography.newborn", "hinterland.arrivals", "hinterland.newcomer",
                                       "gravity.move",       "replicate.seed"};
  std::set<std::uint32_t> codes;
  for (const auto& n : names) codes.insert(purpose(n).code);
  EXPECT_EQ(codes.size(), names.size());
}

// Every purpose("...") of models/ and sim/ (there is no central registry:
// rng.hpp hashes names so that none is needed). Kept complete by
// PurposeListCoversTheSources below.
const std::vector<std::string> kCodeBasePurposes{
    "budget.init",
    "circular.apply", "circular.expiry", "circular.select",
    "demography.death_birth", "demography.newborn",
    "family_moves.reunification",
    "gravity.move",
    "hinterland.arrivals", "hinterland.newcomer",
    "households.formation", "households.initial", "households.newcomer",
    "housing.home_loss", "housing.init", "housing.init_household", "housing.place", "housing.reception",
    "international.arrivals", "international.newcomer",
    "job_programme.select",
    "labour.init", "labour.layoff", "labour.search", "labour.transition",
    "legal.init", "legal.status",
    "legal_pathways.select",
    "migration.border", "migration.channel", "migration.decide", "migration.irregular",
    "newcomer.participation",
    "outflows.abroad.count", "outflows.abroad.who", "outflows.internal.count", "outflows.internal.who",
    "population.init", "population.init.2",
    "regularisation.select",
    "replicate.seed",
    "return_support.placement",
    "sweep.latin_hypercube",
    "undocumented.service_access"};

TEST(Rng, EveryPurposeOfTheCodeBaseIsDistinct) {
  ASSERT_EQ(kCodeBasePurposes.size(), 44u);
  const std::set<std::string> names(kCodeBasePurposes.begin(), kCodeBasePurposes.end());
  ASSERT_EQ(names.size(), kCodeBasePurposes.size()) << "a name listed twice";
  // The stream key is the 32-bit hash: two names with the same code would
  // share every draw.
  std::set<std::uint32_t> codes;
  for (const auto& n : kCodeBasePurposes) EXPECT_TRUE(codes.insert(purpose(n).code).second) << n << " collides";
  EXPECT_EQ(codes.size(), kCodeBasePurposes.size());
  // And so their draws differ for the same seed, agent and step (whole draws
  // and the first word, which most decisions use alone), per agent and per
  // city stream, for agents of several cities and steps.
  for (const std::uint64_t seed : {1ull, 20250101ull})
    for (const std::uint64_t agent : {0ull, 7ull, 7ull | (3ull << 48)})
      for (const std::uint32_t step : {0u, 1u, 240u}) {
        SCOPED_TRACE("seed " + std::to_string(seed) + " agent " + std::to_string(agent) + " step " + std::to_string(step));
        const Rng rng(seed);
        std::set<std::array<std::uint32_t, 4>> draws;
        std::set<std::uint32_t> first_words, city_first;
        for (const auto& n : kCodeBasePurposes) {
          const Draw d = rng.agent(agent, step, purpose(n));
          draws.insert(d.words);
          first_words.insert(d.words[0]);
          auto stream = rng.city_stream(static_cast<std::uint32_t>(agent >> 48), step, purpose(n));
          city_first.insert(stream());
        }
        EXPECT_EQ(draws.size(), kCodeBasePurposes.size());
        EXPECT_EQ(first_words.size(), kCodeBasePurposes.size());
        EXPECT_EQ(city_first.size(), kCodeBasePurposes.size());
      }
}

TEST(Rng, PurposeListCoversTheSources) {
  // The names in purpose("...") calls of models/ and sim/, read from the
  // sources: a purpose added without joining kCodeBasePurposes would escape
  // the distinctness check above.
  std::set<std::string> found;
  for (const char* dir : {"models", "sim"})
    for (const auto& entry : std::filesystem::recursive_directory_iterator(test::source_dir() / dir)) {
      const auto ext = entry.path().extension();
      if (!entry.is_regular_file() || (ext != ".cpp" && ext != ".hpp")) continue;
      std::ifstream in(entry.path());
      const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
      const std::string call = "purpose(\"";
      for (auto at = text.find(call); at != std::string::npos; at = text.find(call, at + 1)) {
        const auto begin = at + call.size();
        const auto end = text.find('"', begin);
        ASSERT_NE(end, std::string::npos) << entry.path();
        found.insert(text.substr(begin, end - begin));
      }
    }
  ASSERT_FALSE(found.empty()) << "no purpose(\"...\") found under " << test::source_dir();
  EXPECT_EQ(found, std::set<std::string>(kCodeBasePurposes.begin(), kCodeBasePurposes.end()));
}

}  // namespace
}  // namespace mobsim
