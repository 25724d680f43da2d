#pragma once
// Fair, deterministic choice of a fixed number of winners among candidates
// (quota places, regularisations, programme jobs). Each candidate gets a
// random priority keyed by (seed, agent id, step, purpose), optionally
// weighted (Efraimidis & Spirakis 2006: priority = log(u) / weight, the
// largest win, which draws without replacement with probabilities
// proportional to the weights); ties are broken by id. The winners depend on
// who the candidates are, never on storage order or the number of threads.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "rng.hpp"

namespace mobsim {

struct Candidate {
  std::uint64_t id;
  double weight = 1.0;  // > 0
};

// Indices into `candidates` of min(places, size) winners, best first.
std::vector<std::size_t> select_fairly(const Rng& rng, std::span<const Candidate> candidates, std::size_t places,
                                       std::uint32_t step, Purpose purpose);

}  // namespace mobsim
