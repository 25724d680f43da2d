#pragma once
// Who arrives from outside the simulated cities (the rural hinterland, the
// rest of the world): one place that draws a newcomer's age, sex and skill.
// Both arrival models start their newcomers unemployed and without a job or
// a home (the housing market places them); what else an arrival brings
// (legal status, a permit, savings, the arrival step) is the arrival
// model's, stated beside its call of draw_newcomer.
#include <cstdint>

#include "agents.hpp"
#include "rng.hpp"

namespace mobsim::models {

// Ages uniform over whole years [min_age_years, max_age_years], in months.
struct NewcomerAges {
  int min_months = 0, span_months = 0;
  NewcomerAges() = default;
  NewcomerAges(int min_age_years, int max_age_years)
      : min_months(min_age_years * 12), span_months((max_age_years + 1) * 12 - min_age_years * 12) {}
};

// Sets row r's origin, age (draw word 0), sex (word 1) and skill (word 2:
// high, then medium, with the given shares) and makes it unemployed.
inline void draw_newcomer(const CoreColumns& a, std::size_t r, const Draw& d, std::uint16_t origin,
                          const NewcomerAges& ages, double male_share, double high_skill_share,
                          double medium_skill_share) {
  a.origin[r] = origin;
  a.age_months[r] = static_cast<std::uint16_t>(ages.min_months + static_cast<int>(d.unit(0) * ages.span_months));
  a.sex[r] = code(d.unit(1) < male_share ? Sex::male : Sex::female);
  const double u = d.unit(2);
  a.skill[r] = code(u < high_skill_share                        ? Skill::high
                    : u < high_skill_share + medium_skill_share ? Skill::medium
                                                                : Skill::low);
  a.employment[r] = code(Employment::unemployed);
}

}  // namespace mobsim::models
