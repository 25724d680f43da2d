#pragma once
// Who arrives from outside the simulated cities (the rural hinterland, the
// rest of the world): one place that draws a newcomer's age, sex and skill.
// Both arrival models start their newcomers without a job or a home (the
// housing market places them), looking for work as often as the city's
// residents of working age take part in the labour force, inactive
// otherwise (NewcomerParticipation); what else an arrival brings
// (legal status, a permit, savings, the arrival step) is the arrival
// model's, stated beside its call of draw_newcomer.
#include <cstdint>
#include <optional>

#include "agents.hpp"
#include "declare.hpp"
#include "rng.hpp"
#include "shared_state.hpp"
#include "world.hpp"

namespace mobsim::models {

// Ages uniform over whole years [min_age_years, max_age_years], in months.
struct NewcomerAges {
  int min_months = 0, span_months = 0;
  NewcomerAges() = default;
  NewcomerAges(int min_age_years, int max_age_years)
      : min_months(min_age_years * 12), span_months((max_age_years + 1) * 12 - min_age_years * 12) {}
};

// Sets row r's origin, age (draw word 0), sex (word 1) and skill (word 2:
// high, then medium, with the given shares) and makes it unemployed (see
// NewcomerParticipation for those who do not look for work).
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

// Whether a newcomer looks for work: with the city's labour-force
// participation (kParticipationField), on a draw of its own keyed by the
// newcomer's id; everyone looks where no labour market is selected.
// assumption: newcomers take part as often as the residents of working age
// (Eurostat lfsa_argacob: activity rates of the foreign-born aged 15-64 in
// the EU are within a few points of the native-born's, approx.); before,
// every newcomer looked for work, which raised unemployment wherever the
// calibration needs many arrivals.
constexpr Purpose kParticipationDraw = purpose("newcomer.participation");

struct NewcomerParticipation {
  std::optional<CityField> participation;

  void find(const World& world) {
    if (world.field_schema().has(kParticipationField)) participation = world.field_schema().find(kParticipationField);
  }
  // Row r of city c arrived in `step` (after draw_newcomer).
  void apply(const World& world, std::size_t c, const CoreColumns& a, std::size_t r, std::uint32_t step) const {
    if (!participation) return;
    const double share = world.fields().at(*participation, c)[0];
    if (world.rng().agent(a.id[r], step, kParticipationDraw).unit(0) >= share)
      a.employment[r] = code(Employment::inactive);
  }
  static void declare(StateDecls& state, Phase phase) {
    // Set once, in the labour market's initialise (written in no phase of the step).
    state.reads.push_back(optional(reads_field(kParticipationField, phase, ReadTiming::last_step),
                                   "every newcomer looks for work"));
  }
};

// What a newcomer brings to live on while settling in: `months` of the
// city's living cost plus its formal private rent per person (0 for a field
// that no selected model provides). Enough for two months' deposit and a
// month's costs at 3 months.
struct ArrivalSavings {
  std::optional<Column<float>> savings;
  std::optional<CityField> living, rent;
  double months = 0;

  void find(const World& world, double savings_months) {
    months = savings_months;
    if (world.schema().has(kSavingsColumn)) savings = world.schema().find<float>(kSavingsColumn);
    if (world.field_schema().has(kLivingCostField)) living = world.field_schema().find(kLivingCostField);
    if (world.field_schema().has(kRentField)) rent = world.field_schema().find(kRentField);
  }
  float amount(const World& world, std::size_t city) const {
    const double cost = (living ? world.fields().at(*living, city)[0] : 0.0) +
                        (rent ? world.fields().at(*rent, city)[0] : 0.0);  // [0]: formal private
    return static_cast<float>(months * cost);
  }
  // The state an arrival model that uses it declares.
  static void declare(StateDecls& state, Phase phase) {
    state.writes.push_back(optional(writes_column(kSavingsColumn, {phase}, "newcomers bring savings for settling in")));
    // The living cost is set once, in the budget's initialise (written in no phase of the step).
    state.reads.push_back(optional(reads_field(kLivingCostField, phase, ReadTiming::last_step),
                                   "newcomers' savings leave out living costs"));
    state.reads.push_back(optional(reads_field(kRentField, phase), "newcomers' savings leave out rent"));
  }
};

}  // namespace mobsim::models
