#include "logit.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace mobsim {
namespace {

constexpr double kUnavailable = -std::numeric_limits<double>::infinity();

TEST(Logit, ProbabilitiesAreTheSoftmaxOfUtilities) {
  const std::vector<double> u{0.3, -1.2, 2.0, 0.0};
  LogitChooser chooser;
  chooser.set_utilities(u);
  double z = 0;
  for (double x : u) z += std::exp(x);
  double total = 0;
  for (std::size_t k = 0; k < u.size(); ++k) {
    EXPECT_NEAR(chooser.probability(k), std::exp(u[k]) / z, 1e-15);
    total += chooser.probability(k);
  }
  EXPECT_NEAR(total, 1.0, 1e-15);
}

TEST(Logit, UnavailableAlternativesAreNeverChosen) {
  const std::vector<double> u{kUnavailable, 1.0, kUnavailable, 1.0, kUnavailable};
  LogitChooser chooser;
  chooser.set_utilities(u);
  EXPECT_EQ(chooser.probability(0), 0.0);
  EXPECT_DOUBLE_EQ(chooser.probability(1), 0.5);
  EXPECT_DOUBLE_EQ(chooser.probability(3), 0.5);
  for (double draw : {1e-12, 0.25, 0.5, 0.5000001, 0.75, 1.0 - 1e-12}) {
    const std::size_t k = chooser.choose(draw);
    EXPECT_TRUE(k == 1 || k == 3) << "draw " << draw << " chose " << k;
  }
}

TEST(Logit, InverseCdfReproducesProbabilitiesOnAFineGrid) {
  // With draws on an even grid of M points, the share choosing k differs from
  // P_k by at most 1/M.
  const std::vector<double> u{1.0, 0.1, -3.0, 2.5, kUnavailable, 0.7};
  LogitChooser chooser;
  chooser.set_utilities(u);
  const int m = 200000;
  std::vector<int> counts(u.size(), 0);
  for (int i = 0; i < m; ++i) ++counts[chooser.choose((i + 0.5) / m)];
  for (std::size_t k = 0; k < u.size(); ++k)
    EXPECT_NEAR(static_cast<double>(counts[k]) / m, chooser.probability(k), 1.0 / m + 1e-12) << "alternative " << k;
}

TEST(Logit, ExtremeUtilitiesDoNotOverflow) {
  const std::vector<double> u{1000.0, 999.0, -1000.0};
  LogitChooser chooser;
  chooser.set_utilities(u);
  EXPECT_NEAR(chooser.probability(0), 1.0 / (1.0 + std::exp(-1.0)), 1e-12);
  EXPECT_NEAR(chooser.probability(1), std::exp(-1.0) / (1.0 + std::exp(-1.0)), 1e-12);
  EXPECT_EQ(chooser.probability(2), 0.0);
}

TEST(Logit, NoAvailableAlternative) {
  const std::vector<double> u{kUnavailable, kUnavailable};
  LogitChooser chooser;
  chooser.set_utilities(u);
  EXPECT_TRUE(chooser.empty());
  EXPECT_EQ(chooser.choose(0.5), chooser.size());
}

}  // namespace
}  // namespace mobsim
