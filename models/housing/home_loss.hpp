#pragma once
// Households that lose their home in a crisis: a break-up, illness, debt,
// release from an institution, the loss of a benefit (FEANTSA's ETHOS
// pathways into homelessness), beyond the evictions for rent arrears and the
// placements that find nothing. Without these entries homelessness could
// only fall wherever the housing market had room, whatever the city's data
// said.
//
// Each step a Poisson number of residents of each city is picked at
// random (rows uniform, from the city's stream); a pick whose household has
// nobody in work loses its home: every member in private, social or
// informal housing becomes homeless at once (not unhoused: they are not
// placed again until they look, like every homeless resident). The mean
// number of picks is set at the first housing phase so that the persons
// losing their home equal those who leave the street at the search rate
// (housing.homeless_exit_per_month) at the city's homeless share of the
// start: homelessness stays where the data start it while the market has
// room, and grows where placements fail.
#include <cstdint>
#include <span>
#include <vector>

#include "agents.hpp"
#include "household_groups.hpp"
#include "rng.hpp"

namespace mobsim::models {

// Whether a tenure is a home that can be lost (private, social, informal).
bool home_that_can_be_lost(std::uint8_t tenure);

// Expected persons who lose their home per pick in one city: the mean over
// its rows of [the row is housed and its household has nobody in work] x
// (the household's members housed in the city). A resident without a
// household number is a household of their own.
double persons_lost_per_pick(std::span<const std::uint32_t> household, std::span<const std::uint8_t> tenure,
                             std::span<const std::uint8_t> employment, std::size_t city, const HouseholdNumbers& numbers);

// Mean picks per step that make the persons losing their home equal those
// leaving the street: exit_per_step x homeless / persons_lost_per_pick (0
// where nobody can lose a home or nobody is homeless).
double home_loss_picks_per_step(double homeless, double exit_per_step, double persons_per_pick);

// This step's picks in one city: Poisson(mean) rows, uniform over [0, rows).
std::vector<std::uint32_t> pick_rows(const Rng& rng, std::uint32_t city, std::uint32_t step, Purpose purpose,
                                     double mean, std::uint32_t rows);

}  // namespace mobsim::models
