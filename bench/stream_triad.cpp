// STREAM triad (a[i] = b[i] + s * c[i]) over arrays far larger than the
// caches: the memory bandwidth this machine sustains, the yardstick for the
// step kernel's effective bandwidth in bench/full_scale.sh. Counts 24 bytes
// per element as STREAM does (two reads, one write; write-allocate traffic
// not counted). Prints "triad_gb_per_s <best> threads <n>".
#include <omp.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>

int main(int argc, char** argv) {
  // 2^25 doubles per array: 768 MiB in all, 24 times a 32 MiB L3.
  const std::size_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : (std::size_t{1} << 25);
  const std::unique_ptr<double[]> a(new double[n]), b(new double[n]), c(new double[n]);
  // First touch by the threads that use the pages.
#pragma omp parallel for schedule(static)
  for (std::size_t i = 0; i < n; ++i) {
    a[i] = 0.0;
    b[i] = 1.0;
    c[i] = 2.0;
  }
  double best = 1e30;
  for (int repeat = 0; repeat < 10; ++repeat) {
    const double start = omp_get_wtime();
#pragma omp parallel for schedule(static)
    for (std::size_t i = 0; i < n; ++i) a[i] = b[i] + 3.0 * c[i];
    best = std::min(best, omp_get_wtime() - start);
  }
  if (a[n / 2] != 7.0) return 1;  // the loop ran and was not optimised away
  std::printf("triad_gb_per_s %.2f threads %d\n", 3.0 * sizeof(double) * static_cast<double>(n) / best / 1e9,
              omp_get_max_threads());
  return 0;
}
