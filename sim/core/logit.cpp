#include "logit.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mobsim {

void LogitChooser::set_utilities(std::span<const double> utilities) {
  const std::size_t n = utilities.size();
  probability_.assign(n, 0.0);
  cumulative_.assign(n, 0.0);
  // Subtract the largest utility before exponentiating: same probabilities,
  // no overflow.
  auto available = [&](std::size_t k) { return utilities[k] > -std::numeric_limits<double>::infinity(); };
  double top = -std::numeric_limits<double>::infinity();
  for (std::size_t k = 0; k < n; ++k)
    if (available(k)) top = std::max(top, utilities[k]);
  any_ = std::isfinite(top);
  if (!any_) return;
  double total = 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    if (!available(k)) continue;
    probability_[k] = std::exp(utilities[k] - top);
    total += probability_[k];
  }
  double running = 0.0;
  std::size_t last = 0;
  for (std::size_t k = 0; k < n; ++k) {
    probability_[k] /= total;
    running += probability_[k];
    cumulative_[k] = running;
    if (available(k)) last = k;
  }
  // Rounding must not leave a gap at the top of the last available alternative.
  for (std::size_t k = last; k < n; ++k) cumulative_[k] = 1.0;
}

std::size_t LogitChooser::choose(double u) const {
  if (!any_) return size();
  const auto it = std::lower_bound(cumulative_.begin(), cumulative_.end(), u);
  std::size_t k = static_cast<std::size_t>(it - cumulative_.begin());
  // Skip unavailable alternatives with zero width (equal cumulative values).
  while (k < size() && probability_[k] == 0.0) ++k;
  return k;
}

}  // namespace mobsim
