// The decisions of one step: a short driver that takes each agent with
// something to decide through the stages in order (transit, opportunity,
// return, consideration, destination, channel), each stage in its own file.
#include <algorithm>
#include <cmath>

#include "decision_kernel.hpp"
#include "migration_model.hpp"

namespace mobsim::models::migration {

void BehaviouralMigration::decide(World& world, const StepTables& t) {
  const auto chunks = make_chunks(world);
  std::vector<std::vector<Move>> moves(chunks.size());
  std::vector<std::vector<std::uint32_t>> leaving(chunks.size());
  std::vector<double> returns_by_chunk(chunks.size(), 0.0), skilled_by_chunk(chunks.size(), 0.0);
  parallel_for_chunks(chunks, [&](std::size_t k, const Chunk& ch) {
    ChunkDecisions c = open_chunk(world, t, ch, moves[k], leaving[k]);
    decide_chunk(c, ch);
    returns_by_chunk[k] = c.returns;
    skilled_by_chunk[k] = c.skilled_emigrants;
  });
  // Merged in chunk order and requested together, so that the outcome does
  // not depend on how chunks were shared among threads.
  for (std::size_t k = 0; k < chunks.size(); ++k) {
    returns_[chunks[k].city] += returns_by_chunk[k];
    skilled_[chunks[k].city] += skilled_by_chunk[k];
  }
  world.request_moves(chunks, moves);
  world.request_departures(chunks, leaving, outside_);
}

ChunkDecisions BehaviouralMigration::open_chunk(World& world, const StepTables& t, const Chunk& ch,
                                                std::vector<Move>& moves, std::vector<std::uint32_t>& leaving) const {
  AgentTable& a = world.agents(ch.city);
  return ChunkDecisions{
      .world = world,
      .tables = t,
      .agents = a,
      .city = ch.city,
      .country = geography_.city(ch.city).country_index,
      .step = world.step(),
      .transit_go_on_hazard = clock_.step_months / p_.transit_months,
      .consider_base_hazard = p_.consider_hazard_per_year * years_per_step(),
      .gap_factor_max = std::pow(kMaxIncomeGapRatio, p_.income_gap_weight),
      .id = a.col(core::id),
      .origin = a.col(core::origin),
      .age = a.col(core::age_months),
      .skill = a.col(core::skill),
      .employment = a.col(core::employment),
      .savings = a.col(savings_),
      .job = a.col(job_),
      .tenure = a.col(tenure_),
      .legal = a.col(core::legal_status),
      .citizenship = a.col(citizenship_),
      .return_due = a.col(return_due_),
      .arrival = a.col(arrival_),
      .transit = a.col(transit_),
      .next = a.col(next_),
      .scheme = scheme_ ? a.col(*scheme_) : std::span<std::uint8_t>{},
      .utility = std::vector<double>(t.cities),
      .options = std::vector<ChannelOdds>(t.cities),
      .moves = moves,
      .leaving = leaving,
  };
}

void BehaviouralMigration::decide_chunk(ChunkDecisions& c, const Chunk& ch) const {
  // Most agents have nothing to decide before their next opportunity
  // (unless in transit or due to leave): a vectorised pass lists the others
  // (models/mobility/decision_kernel.cpp), and only they go through the
  // decision.
  thread_local RowSelection active;
  active.list(ch, [&](std::uint32_t* rows, std::uint64_t* ids) {
    return list_deciding(DecisionColumns{c.id.data(), c.next.data(), c.transit.data(), c.return_due.data(), c.age.data()},
                         c.step, min_age_months_, ch.begin, ch.end, rows, ids);
  });
  // The active rows are sparse: their columns are fetched a few rows ahead,
  // so that the loads of one agent overlap the work of another.
  const auto rows = active.rows();
  constexpr std::size_t kAhead = 8;
  for (std::size_t idx = 0; idx < rows.size(); ++idx) {
    if (idx + kAhead < rows.size()) {
      const std::uint32_t f = rows[idx + kAhead];
      __builtin_prefetch(&c.savings[f]);
      __builtin_prefetch(&c.age[f]);
      __builtin_prefetch(&c.origin[f]);
      __builtin_prefetch(&c.employment[f]);
      __builtin_prefetch(&c.skill[f]);
      __builtin_prefetch(&c.job[f]);
      __builtin_prefetch(&c.tenure[f]);
      __builtin_prefetch(&c.legal[f]);
      __builtin_prefetch(&c.citizenship[f]);
      __builtin_prefetch(&c.arrival[f]);
    }
    decide_agent(c, rows[idx], active.ids()[idx]);  // the id listed with the row: no random look-up
  }
}

void BehaviouralMigration::decide_agent(ChunkDecisions& c, std::uint32_t r, std::uint64_t agent_id) const {
  if (!eligible(c.world, c.age[r], agent_id)) return;
  if (scheme_ && c.scheme[r] != 0) return;  // circular scheme participants follow the scheme's rules
  const std::size_t b = birth_country(c.origin[r]);
  const std::size_t home = home_of(c.origin[r]);
  const bool migrant = home != c.city;
  const std::size_t band = static_cast<std::size_t>(std::min<int>(c.age[r], kMaxAgeMonths) / band_months_);
  const AgentDecision agent{.row = r,
                            .id = agent_id,
                            .draw = c.world.rng().agent(agent_id, c.step, kDecideDraw),
                            .birth_country = b,
                            .nationality = nationality(c.citizenship[r], static_cast<std::uint16_t>(b),
                                                       geography_.countries().size()),
                            .home = home,
                            .migrant = migrant,
                            .opportunity = opportunity_[migrant][band]};

  // Irregular migrants waiting in a transit hub only try to go on: they
  // decided where to go when they set off.
  if (c.transit[r] != kNotInTransit) {
    go_on_from_transit(c, agent);
    return;
  }
  // Thinning: most listed agents had only a check due, not an opportunity.
  if (!has_opportunity_now(c, agent)) return;

  // Someone told to leave who is already home (a child born here to
  // parents without papers) has nowhere to return to.
  if (c.return_due[r] && !agent.migrant) c.return_due[r] = 0;
  // Returning is decided first, and one uniform draw on (0, opportunity)
  // serves both it and consideration: the two are exclusive outcomes of the
  // same opportunity.
  const double incentive = return_incentive(c, agent);
  // A national of the country of residence (naturalised, or a citizen's
  // child come home with them) is no target saver: settled, whatever the stay.
  const bool national_here = agent.nationality == geography_.city(c.city).country_index;
  const std::uint16_t arrived = national_here ? 0 : c.arrival[r];
  const double p_return =
      agent.migrant ? return_probability(c.world, c.city, arrived, c.employment[r] == code(Employment::unemployed),
                                         static_cast<float>(c.savings[r] + incentive))
                    : 0.0;
  const double u = agent.draw.unit(1) * agent.opportunity;  // uniform on (0, opportunity)
  if (c.return_due[r] || (agent.migrant && u < p_return)) {
    return_home(c, agent, incentive);
    return;
  }

  // (a) Whether to consider moving at all; most do not, and skip the logit.
  const std::optional<double> log_stay = log_stay_income_if_considering(c, agent, u, p_return);
  if (!log_stay) return;
  // (b) Where: staying remains an option, since considering a move is not
  // yet deciding one.
  const std::size_t j = choose_destination(c, agent, *log_stay);
  if (j == c.city || j >= c.tables.cities) return;
  // A destination chosen is still a wish: a channel has to open, the move
  // has to be affordable and the border open.
  move_by_a_channel(c, agent, j);
}

}  // namespace mobsim::models::migration
