#include "rng.hpp"

#include <algorithm>

namespace mobsim {

namespace {

constexpr std::size_t kBatchRows = 1u << 14;  // room for a whole chunk, so buffers are allocated once

// Compiled once per instruction set and chosen at run time: Philox is pure
// integer arithmetic, so every version gives the same words.
__attribute__((target_clones("avx512f", "avx2", "default"))) void philox_batch(
    const std::uint64_t* ids, std::size_t n, std::uint32_t step, std::uint32_t purpose, std::uint32_t key0,
    std::uint32_t key1, std::uint32_t* w0, std::uint32_t* w1, std::uint32_t* w2, std::uint32_t* w3) {
  const Philox::key_type key{{key0, key1}};
  for (std::size_t i = 0; i < n; ++i) {
    const Philox::ctr_type ctr{{static_cast<std::uint32_t>(ids[i]), static_cast<std::uint32_t>(ids[i] >> 32), step,
                                purpose}};
    const auto out = Philox()(ctr, key);
    w0[i] = out[0];
    w1[i] = out[1];
    w2[i] = out[2];
    w3[i] = out[3];
  }
}

}  // namespace

void Rng::agents(std::span<const std::uint64_t> ids, std::uint32_t step, Purpose p, DrawBatch& out) const {
  for (auto& w : out.words)
    if (w.size() < ids.size()) w.resize(std::max<std::size_t>(ids.size(), kBatchRows));
  philox_batch(ids.data(), ids.size(), step, p.code, key_[0], key_[1], out.words[0].data(), out.words[1].data(),
               out.words[2].data(), out.words[3].data());
}

}  // namespace mobsim
