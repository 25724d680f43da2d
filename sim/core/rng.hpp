#pragma once
// Counter-based randomness (Random123 Philox4x32-10). Every draw is a pure
// function of (seed, entity, step, purpose): results cannot depend on the
// number of threads, the order of loops or which rank owns an agent.
// philox.h sets up the Random123 feature macros MicroURNG.hpp relies on.
#include <Random123/philox.h>
// (keep this order)
#include <Random123/MicroURNG.hpp>
#include <Random123/uniform.hpp>

#include <array>
#include <cmath>
#include <limits>
#include <cstdint>
#include <random>
#include <span>
#include <vector>
#include <string_view>

namespace mobsim {

// What a draw decides. Models name their purposes ("demography.death"); the
// 32-bit FNV-1a hash of the name keeps purposes apart without a central list.
struct Purpose {
  std::uint32_t code;
};
constexpr Purpose purpose(std::string_view name) {
  std::uint32_t h = 2166136261u;
  for (char c : name) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return Purpose{h};
}

using Philox = r123::Philox4x32;

// Four independent 32-bit words; `unit(i)` maps word i into (0, 1).
struct Draw {
  std::array<std::uint32_t, 4> words;
  double unit(int i) const { return r123::u01<double>(words[static_cast<std::size_t>(i)]); }
};

// The draws of many agents at once (one purpose, one step), in four word
// arrays; unit(w, i) maps word w of agent i into (0, 1).
struct DrawBatch {
  std::array<std::vector<std::uint32_t>, 4> words;
  double unit(int w, std::size_t i) const { return r123::u01<double>(words[static_cast<std::size_t>(w)][i]); }
};

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}} {}

  // Counter = (agent id low, agent id high, step, purpose).
  [[gnu::always_inline]] Draw agent(std::uint64_t agent_id, std::uint32_t step, Purpose p) const {
    const Philox::ctr_type ctr{{static_cast<std::uint32_t>(agent_id), static_cast<std::uint32_t>(agent_id >> 32),
                                step, p.code}};
    const auto out = Philox()(ctr, key_);
    return Draw{{out[0], out[1], out[2], out[3]}};
  }

  // The same draws as agent() for every id of a chunk, computed with the
  // widest vector instructions the processor offers (identical results).
  void agents(std::span<const std::uint64_t> ids, std::uint32_t step, Purpose p, DrawBatch& out) const;

  // A stream for decisions taken once per city and step (e.g. how many people
  // arrive from the hinterland), usable with <random> distributions.
  // Counter = (purpose, 0xFFFF0000 | city, step, draw index): the second word
  // can never equal an agent id's high word, whose top 16 bits are a city
  // index below 0xFFFF.
  r123::MicroURNG<Philox> city_stream(std::uint32_t city, std::uint32_t step, Purpose p) const {
    const Philox::ctr_type ctr{{p.code, 0xFFFF0000u | city, step, 0u}};
    return r123::MicroURNG<Philox>(ctr, key_);
  }

  // Seeds of independent replicates, derived from a master seed.
  static std::uint64_t derive_seed(std::uint64_t master, std::uint32_t replicate) {
    const Philox::key_type key{{static_cast<std::uint32_t>(master), static_cast<std::uint32_t>(master >> 32)}};
    const Philox::ctr_type ctr{{replicate, 0u, 0u, purpose("replicate.seed").code}};
    const auto out = Philox()(ctr, key);
    return (static_cast<std::uint64_t>(out[1]) << 32) | out[0];
  }

 private:
  Philox::key_type key_;
};

// Whether an event with probability 1 - exp(-hazard) happens, for a uniform
// draw u. Exact, and cheap for small hazards: since 1 - exp(-x) <= x, a draw
// u >= x settles it without computing an exponential.
inline bool event_happens(double u, double hazard) { return u < hazard && u < -std::expm1(-hazard); }

// Poisson count with mean `mean` (0 when mean <= 0), drawn from a city stream.
template <class Urng>
std::int64_t poisson(Urng& urng, double mean) {
  if (!(mean > 0.0)) return 0;
  std::poisson_distribution<std::int64_t> dist(mean);
  return dist(urng);
}

}  // namespace mobsim
