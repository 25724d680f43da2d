// How a chosen move is made, or given up: the channel (free movement or
// citizenship, family reunification, work visa, legal pathway, study visa,
// the irregular route), its cost, the borders, and on the irregular route
// possible failure and a stop in a transit hub (Agadez, Tunis) from which
// the migrant later goes on or gives up.
#include <algorithm>

#include "migration_model.hpp"

namespace mobsim::models::migration {

void BehaviouralMigration::move_by_a_channel(ChunkDecisions& c, const AgentDecision& agent, std::size_t j) const {
  const std::size_t i = c.city, n = c.tables.cities;
  const std::uint32_t r = agent.row;
  const Draw channel_draw = c.world.rng().agent(agent.id, c.step, kChannelDraw);
  const std::uint8_t channel = choose_channel(c, agent, j, channel_draw);
  if (channel == kNoChannel) return;  // no way in: gives up
  // The diaspora there lowers the cost, of the smugglers' fee too.
  double cost = travel_cost(i, j) * c.tables.cost_factor[c.origin[r] * n + j];
  if (channel == kIrregular) cost += p_.irregular_cost_eur * c.tables.cost_factor[c.origin[r] * n + j];
  if (c.savings[r] < cost) return;  // cannot afford it: gives up
  if (!border_open(c.world, agent.id, i, j)) return;  // a mobility shock: stays
  if (channel == kPathway) {  // applies; the pathway's quota decides later in the step
    c.agents.col(*application_)[r] = c.options[j].pathway;
    c.agents.col(*applied_to_)[r] = static_cast<std::uint16_t>(j);
    return;
  }
  c.savings[r] = static_cast<float>(c.savings[r] - cost);

  std::size_t destination = j;
  if (channel == kIrregular) {
    const std::optional<std::size_t> reached = set_off_irregularly(c, agent, j);
    if (!reached) return;  // intercepted or turned back: the money is lost
    destination = *reached;
  } else {
    settle(c.world, c.agents, r, destination, channel, agent.nationality, channel_draw, c.moves);
  }
  // Brain drain counts high-skill departures abroad, a transit hub abroad
  // included.
  if (c.skill[r] == code(Skill::high) && geography_.city(destination).country_index != c.country)
    c.skilled_emigrants += 1;
}

// The channel into j, or kNoChannel: free movement and citizenship need no
// draw; the other channels are tried in turn (pick_channel).
std::uint8_t BehaviouralMigration::choose_channel(const ChunkDecisions& c, const AgentDecision& agent, std::size_t j,
                                                  const Draw& channel_draw) const {
  const ChannelOdds& acc = c.options[j];
  if (acc.citizen_or_free)
    return c.country == geography_.city(j).country_index                ? kInternal
           : agent.nationality == geography_.city(j).country_index      ? kCitizen
                                                                        : kFreeMovement;
  const double u[4] = {channel_draw.unit(0), channel_draw.unit(1), channel_draw.unit(2), channel_draw.unit(3)};
  return pick_channel(acc, u);
}

// Sets off for j by the irregular route, paid already: the crossing may
// fail, or stop in a transit hub on the way, where the migrant waits with
// j remembered. Returns the city reached (j or the hub), or nothing when
// the crossing failed.
std::optional<std::size_t> BehaviouralMigration::set_off_irregularly(ChunkDecisions& c, const AgentDecision& agent,
                                                                     std::size_t j) const {
  const std::uint32_t r = agent.row;
  const Draw x = c.world.rng().agent(agent.id, c.step, kIrregularDraw);
  if (x.unit(0) < p_.irregular_failure_probability) return std::nullopt;
  std::size_t destination = j;
  const int hub = transit_hub(c.city, j);
  if (hub >= 0 && x.unit(1) < p_.transit_share) {
    c.transit[r] = static_cast<std::uint16_t>(j + 1);
    destination = static_cast<std::size_t>(hub);
  }
  settle(c.world, c.agents, r, destination, kIrregular, agent.nationality, x, c.moves);
  return destination;
}

// A migrant waiting in a transit hub goes on at the rate of the mean wait;
// when the crossing fails (or the route or border is closed), it may give
// up, and then returns home like someone told to leave.
void BehaviouralMigration::go_on_from_transit(ChunkDecisions& c, const AgentDecision& agent) const {
  const std::size_t i = c.city, n = c.tables.cities;
  const std::uint32_t r = agent.row;
  if (!event_happens(agent.draw.unit(3), c.transit_go_on_hazard)) return;
  const std::size_t j = c.transit[r] - 1u;
  const Draw x = c.world.rng().agent(agent.id, c.step, kIrregularDraw);
  if (!irregular_open_[i * n + j] || x.unit(0) < p_.irregular_failure_probability ||
      !border_open(c.world, agent.id, i, j)) {
    if (x.unit(3) < p_.transit_give_up_probability) {
      c.transit[r] = kNotInTransit;
      c.return_due[r] = 1;
    }
    return;
  }
  c.transit[r] = kNotInTransit;
  settle(c.world, c.agents, r, j, kIrregular, agent.nationality, x, c.moves);
  if (c.skill[r] == code(Skill::high)) c.skilled_emigrants += 1;
}

// Whether a move from city i to j (j = C: the rest of the world) can take
// place under the mobility shocks in force: always within a country, else
// with the product of both cities' international move factors.
bool BehaviouralMigration::border_open(const World& world, std::uint64_t agent, std::size_t i, std::size_t j) const {
  const std::size_t n = geography_.city_count();
  if (j < n && geography_.city(i).country_index == geography_.city(j).country_index) return true;
  const double open = world.fields().at(move_factor_, i)[0] * (j < n ? world.fields().at(move_factor_, j)[0] : 1.0);
  return open >= 1.0 || world.rng().agent(agent, world.step(), kBorderDraw).unit(0) < open;
}

// A transit hub on an irregular route from i to j (the continents' data):
// the hub of i's continent with the smallest detour within the allowed
// ratio, or -1.
int BehaviouralMigration::transit_hub(std::size_t i, std::size_t j) const {
  if (!irregular_route_[i * geography_.city_count() + j] || hub_[i]) return -1;
  int best = -1;
  double best_detour = p_.transit_max_detour;
  for (std::size_t h = 0; h < geography_.city_count(); ++h) {
    if (!hub_[h] || h == i || h == j || geography_.city(h).continent != geography_.city(i).continent) continue;
    const double detour =
        (geography_.distance_km(i, h) + geography_.distance_km(h, j)) / std::max(1.0, geography_.distance_km(i, j));
    if (detour <= best_detour) {
      best_detour = detour;
      best = static_cast<int>(h);
    }
  }
  return best;
}

}  // namespace mobsim::models::migration
