#pragma once
// Multinomial logit over a small set of alternatives:
//   P_k = exp(U_k) / sum_j exp(U_j),
// sampled by inverse CDF from one uniform draw, so a choice is a pure
// function of the draw.
#include <cstddef>
#include <span>
#include <vector>

namespace mobsim {

class LogitChooser {
 public:
  // An alternative with utility -infinity is unavailable (probability 0). If
  // none is available every probability is 0 and choose() returns size().
  void set_utilities(std::span<const double> utilities);

  std::size_t size() const { return cumulative_.size(); }
  double probability(std::size_t k) const { return probability_[k]; }
  bool empty() const { return !any_; }
  // Smallest k with u <= P_0 + ... + P_k, for u in (0, 1).
  std::size_t choose(double u) const;

 private:
  std::vector<double> probability_;
  std::vector<double> cumulative_;
  bool any_ = false;
};

}  // namespace mobsim
