#pragma once
// Helpers for the hand-vectorised kernels. Each such kernel has a plain C++
// form and an AVX2 form with identical results, the AVX2 form chosen at run
// time with cpu_has_avx2() and the plain form finishing the rows that do
// not fill a block; a test runs both on random agents. On other processors
// only the plain forms are compiled.
#include <cstdint>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace mobsim {

// Whether the processor has AVX2 (asked once).
inline bool cpu_has_avx2() {
#if defined(__x86_64__)
  static const bool avx2 = __builtin_cpu_supports("avx2");
  return avx2;
#else
  return false;
#endif
}

#if defined(__x86_64__)
namespace avx2 {

// 32 bytes (32 one-byte or 16 two-byte lanes) from any address.
__attribute__((target("avx2"))) inline __m256i load(const void* p) {
  return _mm256_loadu_si256(static_cast<const __m256i*>(p));
}

// Bit i set where byte lane i of a mask is set (rows of a block of 32).
__attribute__((target("avx2"))) inline std::uint32_t bits(__m256i byte_mask) {
  return static_cast<std::uint32_t>(_mm256_movemask_epi8(byte_mask));
}

// Two masks of 16 two-byte lanes (rows 0-15 and 16-31) as one mask of 32
// byte lanes in row order (packs works per 128-bit half, hence the permute).
__attribute__((target("avx2"))) inline __m256i pack16(__m256i low, __m256i high) {
  return _mm256_permute4x64_epi64(_mm256_packs_epi16(low, high), 0xD8);
}

__attribute__((target("avx2"))) inline std::uint32_t bits16(__m256i low, __m256i high) {
  return bits(pack16(low, high));
}

// Bits of the byte lanes equal to `value`.
__attribute__((target("avx2"))) inline std::uint32_t equal_bits(__m256i bytes, int value) {
  return bits(_mm256_cmpeq_epi8(bytes, _mm256_set1_epi8(static_cast<char>(value))));
}

}  // namespace avx2
#endif

}  // namespace mobsim
