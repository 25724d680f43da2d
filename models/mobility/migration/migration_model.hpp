#pragma once
// Behavioural migration: decisions in two stages, then a channel, plus
// return migration.
//  (a) whether to consider moving: a monthly hazard driven by age (youth
//      peak), unemployment, the gap between the best expected income
//      elsewhere and income here, savings relative to the cost of moving
//      (capability) and ties to a diaspora abroad;
//  (b) where: a multinomial logit over the reachable cities and staying,
//      with expected income (wage x employment probability - rent - living
//      cost), diaspora, distance, moving cost, language and colonial ties,
//      and the chance of legal or irregular access;
//  then the channel: free movement or citizenship, family reunification,
//  work or study visa, or the irregular route (costly, may fail, may pass
//  through a transit hub such as Agadez or Tunis, often followed by an
//  asylum claim), or giving up. Migrants return home with their own hazard
//  (higher when unemployed or once a savings target is met), and must when
//  their permit ended without renewal.
//
// One class, its member functions defined by concern in this folder:
//   migration_model.cpp     the Model interface: set-up, initialise, run, observe
//   city_pair_tables.cpp    corridors, language and colonial ties, routes, distances (once per run)
//   step_tables.cpp         incomes and networks every decision of a step reads
//   decide.cpp              the per-agent driver calling the stages below
//   opportunities.cpp       when an agent gets to decide (thinned opportunities)
//   returns.cpp             return migration
//   consideration.cpp       stage (a)
//   destination_choice.cpp  stage (b)
//   channels.cpp            the channel, the irregular route, transit hubs, borders
//   settle.cpp              legal status on arrival
//   registration.cpp        the ModelInfo: parameters, data fields, state declarations
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "logit.hpp"
#include "migration_channels.hpp"
#include "model.hpp"
#include "relocation.hpp"
#include "shared_state.hpp"

namespace mobsim::models::migration {

// Words of the decision draw: 0 an opportunity now (unscheduled agents),
// 1 return or consideration, 2 destination, 3 the wait to the next
// opportunity (or, in transit, going on).
inline constexpr Purpose kDecideDraw = purpose("migration.decide");
inline constexpr Purpose kChannelDraw = purpose("migration.channel");     // 0 family, 1 work, 2 study, 3 irregular
inline constexpr Purpose kIrregularDraw = purpose("migration.irregular");  // 0 failure, 1 transit route, 2 asylum, 3 give up
inline constexpr Purpose kBorderDraw = purpose("migration.border");        // 0 an international move can take place

// The world channel of each ChannelCode, in its order.
inline const std::vector<std::string> kChannelNames{"internal",  "citizen",    "free_movement", "family_reunification",
                                                    "work_visa", "study_visa", "irregular",     "return"};
inline constexpr double kMinusInfinity = -std::numeric_limits<double>::infinity();
inline constexpr int kMaxAgeMonths = 130 * 12;
// Decision opportunities are bounded per band of ages of this width, and
// scheduled as step + kOpportunityFlag (the step in the low 15 bits); a
// check at the start of the next band has no flag.
inline constexpr int kDecisionBandYears = 5;
inline constexpr std::uint16_t kOpportunityFlag = 0x8000;  // kScheduledStep: decision_kernel.hpp
// The income gap that drives consideration counts up to this ratio
// (aspirations saturate).
inline constexpr double kMaxIncomeGapRatio = 30.0;
// The stay tables have a row for each Tenure (shared_state.hpp): rent is
// paid in the three tenures with a rent, none unhoused or homeless.
inline constexpr std::size_t kTenures = kTenureCodes;

// The migration.* parameters (declared in registration.cpp).
struct Params {
  double consider_hazard_per_year, age_peak_years, age_spread_years, age_floor;
  double unemployed_multiplier, income_gap_weight, network_tie_multiplier, capability_floor;
  double income_weight, size_weight, network_weight, distance_weight, cost_weight, language_bonus, colonial_bonus;
  double move_constant, international_constant, stay_constant, home_bonus, access_weight, income_floor_share;
  double travel_cost_eur_per_km, move_fixed_cost_eur, irregular_cost_eur, network_cost_reduction, network_half_persons;
  double family_max_probability, family_half_persons;
  double irregular_willingness, irregular_failure_probability, asylum_application_probability;
  double transit_months, transit_share, transit_max_detour, transit_give_up_probability;
  double return_hazard_per_year, return_unemployed_multiplier, savings_target_months, return_target_multiplier;
  double return_decay_years, settled_return_factor;
  int min_age_years, study_max_age_years;
};

// The parameters, each declared once with the member it fills
// (registration.cpp).
const ParamBindings<Params>& bound_params();

// Everything a decision reads from the other models for one step, indexed
// by city j (and origin place o, nationality n, skill s).
struct StepTables {
  std::size_t cities = 0, places = 0, nationalities = 0;
  std::vector<double> log_income;        // [(j * 3 + s) * 2 + foreign qualification]
  std::vector<double> size_term;         // [j]: size weight x log(population / 1 million)
  std::vector<double> best_elsewhere;    // [(i * N + b) * 3 + s]: max over j != i of log_income
  std::vector<double> network_term;      // [o * C + j]
  std::vector<double> family;            // [o * C + j] probability of family reunification
  std::vector<double> cost_factor;       // [o * C + j] network reduction of moving cost
  std::vector<bool> network_abroad;      // [i * P + o]
  // Net income of staying, as log and as income^(-income gap weight): for
  // the employed by job segment and tenure [(i * S + seg) * 5 + tenure], for
  // the others by skill, foreign qualification, tenure and irregularity
  // [(((i * 3 + s) * 2 + fq) * 5 + tenure) * 2 + irregular].
  std::size_t segments = 0;
  std::vector<double> stay_log_employed, stay_pow_employed, stay_log_other, stay_pow_other;
  std::vector<double> best_pow;          // [(i * N + b) * 3 + s]: exp(gap weight * best_elsewhere)
};

// One chunk's decisions: the columns of its agents, the logit's scratch
// space (reused by every agent of the chunk), and what the decisions
// produce (merged in chunk order, so that results do not depend on the
// threads).
struct ChunkDecisions {
  World& world;
  const StepTables& tables;
  AgentTable& agents;
  std::size_t city;             // i, where the chunk's agents live
  std::uint16_t country;        // i's country index
  std::uint32_t step;
  double transit_go_on_hazard;  // per step, for migrants waiting in a hub
  double consider_base_hazard;  // per step, before the agent's factors
  double gap_factor_max;        // the income gap factor at kMaxIncomeGapRatio
  std::span<std::uint64_t> id;
  std::span<std::uint16_t> origin, age;
  std::span<std::uint8_t> skill, employment;
  std::span<float> savings;
  std::span<std::uint8_t> job, tenure, legal, citizenship, return_due;
  std::span<std::uint16_t> arrival, transit, next;
  std::span<std::uint8_t> scheme;  // empty without circular schemes
  LogitChooser chooser{};
  std::vector<double> utility;       // [j] of the agent deciding now
  std::vector<ChannelOdds> options;  // [j] of the agent deciding now
  std::vector<Move>& moves;
  std::vector<std::uint32_t>& leaving;  // to the rest of the world
  double returns = 0, skilled_emigrants = 0;
};

// Who decides, drawn once for all the stages of one agent's decision.
struct AgentDecision {
  std::uint32_t row;
  std::uint64_t id;
  Draw draw;                  // kDecideDraw
  std::size_t birth_country;  // countries() for the rest of the world
  std::size_t nationality;
  std::size_t home;           // home_of(origin)
  bool migrant;               // lives away from home
  double opportunity;         // per-step probability of an opportunity in its band of ages
};

class BehaviouralMigration : public Model {
 public:
  explicit BehaviouralMigration(ModelSetup& setup);
  void initialise(World& world) override;
  void run(Phase, World& world) override;
  // returns, skilled_emigrants
  void observe(const World& world, SeriesOut& out) const override;
  // The last step's returns and skilled emigrants (the rest is fixed at set-up).
  void checkpoint(StateArchive& ar) override;

 private:
  // Set-up (migration_model.cpp, city_pair_tables.cpp).
  void read_corridors(const ScenarioSpec& spec);
  void read_language_and_colonial_ties(const ScenarioSpec& spec);
  void read_transit_hubs_and_routes(const ScenarioSpec& spec);
  void build_distance_terms_and_typical_costs();
  int city_index(const std::string& name) const;

  // Step tables (step_tables.cpp).
  StepTables build_tables(const World& world) const;
  double newcomer_income(const World& world, std::size_t j, int s, bool foreign_qualification) const;
  void build_stay_tables(const World& world, StepTables& t) const;

  // The driver (decide.cpp).
  void decide(World& world, const StepTables& t);
  ChunkDecisions open_chunk(World& world, const StepTables& t, const Chunk& ch, std::vector<Move>& moves,
                            std::vector<std::uint32_t>& leaving) const;
  void decide_chunk(ChunkDecisions& c, const Chunk& ch) const;
  void decide_agent(ChunkDecisions& c, std::uint32_t r, std::uint64_t agent_id) const;

  // Opportunities (opportunities.cpp).
  void build_opportunity_bands();
  std::uint16_t schedule(std::uint32_t step, int age, bool migrant, double u) const;
  bool has_opportunity_now(ChunkDecisions& c, const AgentDecision& agent) const;

  // Returns (returns.cpp).
  double return_incentive(const ChunkDecisions& c, const AgentDecision& agent) const;
  double return_probability(const World& world, std::size_t i, std::uint16_t arrived, bool unemployed,
                            float savings) const;
  void return_home(ChunkDecisions& c, const AgentDecision& agent, double incentive) const;

  // Stage (a) (consideration.cpp).
  void build_age_factors();
  std::optional<double> log_stay_income_if_considering(const ChunkDecisions& c, const AgentDecision& agent,
                                                       double u, double p_return) const;

  // Stage (b) (destination_choice.cpp).
  ChannelOdds access(const World& world, const StepTables& t, std::size_t i, std::size_t j, std::size_t nat,
                     std::uint16_t origin, int skill, int age_months) const;
  std::size_t choose_destination(ChunkDecisions& c, const AgentDecision& agent, double log_stay) const;

  // Channels, the irregular route and transit (channels.cpp).
  void move_by_a_channel(ChunkDecisions& c, const AgentDecision& agent, std::size_t j) const;
  std::uint8_t choose_channel(const ChunkDecisions& c, const AgentDecision& agent, std::size_t j,
                              const Draw& channel_draw) const;
  std::optional<std::size_t> set_off_irregularly(ChunkDecisions& c, const AgentDecision& agent, std::size_t j) const;
  void go_on_from_transit(ChunkDecisions& c, const AgentDecision& agent) const;
  bool border_open(const World& world, std::uint64_t agent, std::size_t i, std::size_t j) const;
  int transit_hub(std::size_t i, std::size_t j) const;

  // Arrival (settle.cpp).
  void settle(World& world, AgentTable& a, std::uint32_t r, std::size_t to, std::uint8_t channel, std::size_t nat,
              const Draw& draw, std::vector<Move>& moves) const;

  double travel_cost(std::size_t i, std::size_t j) const {
    return p_.move_fixed_cost_eur + p_.travel_cost_eur_per_km * geography_.distance_km(i, j);
  }

  std::size_t birth_country(std::uint16_t origin) const {
    const auto k = geography_.country_of_place(origin);
    return k == Geography::kNoCountry ? geography_.countries().size() : k;
  }

  // The city a migrant calls home: the city of birth or of the hinterland
  // of birth; city_count() for the rest of the world.
  std::size_t home_of(std::uint16_t origin) const {
    const std::size_t n = geography_.city_count();
    if (origin == geography_.rest_of_world_place()) return n;
    return origin < n ? origin : origin - n;
  }

  double years_per_step() const { return clock_.years_per_step(); }

  bool eligible(const World& world, std::uint16_t age_months, std::uint64_t id) const {
    return age_months >= min_age_months_ && !world.created_this_step(id);
  }

  const Geography& geography_;
  const Clock& clock_;
  Params p_;
  int min_age_months_, study_max_age_months_;
  std::vector<bool> legal_open_, irregular_open_;  // [i * C + j]
  std::vector<double> visa_multiplier_;            // [i * C + j]
  std::vector<double> language_, colonial_;        // [b * C + j]
  std::vector<bool> hub_;
  std::vector<bool> irregular_route_;  // [i * C + j]: an irregular route leads from i's continent to j's
  std::vector<double> distance_term_;  // [i * C + j]: distance weight x log(max(1, km) / 100)
  std::vector<double> typical_cost_;  // median moving cost from each city, EUR
  std::vector<double> age_factor_;    // relative consideration hazard by age in months (Gaussian around the peak)
  Column<std::uint16_t> transit_{}, next_{};
  int band_months_ = 60;
  // [migrant][band of ages]: per-step probability of a decision opportunity,
  // and 1 / log(1 - it) for geometric waits.
  std::array<std::vector<double>, 2> opportunity_, wait_scale_;
  Column<float> savings_{};
  Column<std::uint8_t> job_{}, tenure_{}, citizenship_{}, return_due_{};
  Column<std::uint16_t> permit_end_{}, arrival_{};
  CityField skill_wage_, wage_, unemployment_, penalty_, rent_, benefit_, contribution_, living_, diaspora_, settled_, free_, visa_,
      study_, decision_, permit_steps_;
  FlowId outside_ = 0;
  std::vector<std::uint8_t> channel_id_;  // world channel of each ChannelCode
  RelocationColumns relocation_;
  std::optional<Column<std::uint8_t>> scheme_, application_, supported_;
  std::optional<Column<std::uint16_t>> applied_to_;
  CityField pathway_{}, return_programme_{}, incentive_{};  // levers
  CityField move_factor_;  // lever
  std::vector<double> returns_, skilled_;  // agents, last step, by city of departure
};

}  // namespace mobsim::models::migration
