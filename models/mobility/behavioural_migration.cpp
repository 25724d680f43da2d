// Migration decisions in two stages, then a channel, plus return migration.
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
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <optional>

#include "decision_kernel.hpp"
#include "declare.hpp"
#include "levers.hpp"
#include "logit.hpp"
#include "migration_channels.hpp"
#include "register_models.hpp"
#include "relocation.hpp"
#include "shared_state.hpp"

namespace mobsim::models {

namespace {

// Words of the decision draw: 0 an opportunity now (unscheduled agents),
// 1 return or consideration, 2 destination, 3 the wait to the next
// opportunity (or, in transit, going on).
constexpr Purpose kDecideDraw = purpose("migration.decide");
constexpr Purpose kChannelDraw = purpose("migration.channel");     // 0 family, 1 work, 2 study, 3 irregular
constexpr Purpose kIrregularDraw = purpose("migration.irregular");  // 0 failure, 1 transit route, 2 asylum, 3 give up
constexpr Purpose kBorderDraw = purpose("migration.border");        // 0 an international move can take place

const std::vector<std::string> kChannelNames{"internal",  "citizen",    "free_movement", "family_reunification",
                                             "work_visa", "study_visa", "irregular",     "return"};
constexpr double kMinusInfinity = -std::numeric_limits<double>::infinity();
constexpr int kMaxAgeMonths = 130 * 12;
// Decision opportunities are bounded per band of ages of this width, and
// scheduled as step + kOpportunityFlag (the step in the low 15 bits); a
// check at the start of the next band has no flag.
constexpr int kDecisionBandYears = 5;
constexpr std::uint16_t kOpportunityFlag = 0x8000;  // kScheduledStep: decision_kernel.hpp
// The income gap that drives consideration counts up to this ratio
// (aspirations saturate).
constexpr double kMaxIncomeGapRatio = 30.0;

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
  int min_age_months, study_max_age_months;
};

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

constexpr std::size_t kTenures = 5;

struct Pending {
  std::uint32_t row;
  std::uint16_t destination;
  std::uint8_t channel;
};

class BehaviouralMigration : public Model {
 public:
  explicit BehaviouralMigration(ModelSetup& setup) : geography_(setup.geography), clock_(setup.clock) {
    const auto& spec = setup.spec;
    read_params(spec);
    const std::size_t n = geography_.city_count();
    const std::size_t countries = geography_.countries().size();
    legal_open_.assign(n * n, true);
    irregular_open_.assign(n * n, true);
    visa_multiplier_.assign(n * n, 1.0);
    for (const auto& corridor : spec.entries("corridors")) {
      const int a = city_index(corridor.text("origin")), b = city_index(corridor.text("destination"));
      if (a < 0 || b < 0) continue;  // a corridor between cities not simulated in this run
      const std::size_t k = static_cast<std::size_t>(a) * n + static_cast<std::size_t>(b);
      legal_open_[k] = corridor.flag("legal_open");
      irregular_open_[k] = corridor.flag("irregular_open");
      visa_multiplier_[k] = corridor.real("work_visa_multiplier");
    }
    // Language and colonial ties between a birth country b (or the rest of
    // the world, b = countries) and each city's country.
    language_.assign((countries + 1) * n, 0.0);
    colonial_.assign((countries + 1) * n, 0.0);
    for (std::size_t b = 0; b < countries; ++b) {
      const auto& from = *spec.find_entry("countries", geography_.countries()[b]);
      for (std::size_t j = 0; j < n; ++j) {
        const auto& to = *spec.find_entry("countries", geography_.city(j).country);
        bool shared = false;
        for (const auto& l : from.names("languages"))
          shared = shared || std::find(to.names("languages").begin(), to.names("languages").end(), l) !=
                                 to.names("languages").end();
        language_[b * n + j] = shared ? 1.0 : 0.0;
        const auto& ties = from.names("colonial_ties");
        colonial_[b * n + j] = std::find(ties.begin(), ties.end(), geography_.city(j).country) != ties.end() ? 1.0 : 0.0;
      }
    }
    for (std::size_t c = 0; c < n; ++c)
      hub_.push_back(spec.find_entry("cities", geography_.city(c).name)->flag("transit_hub"));
    // Irregular routes by pair of cities, from the continents' data.
    irregular_route_.assign(n * n, false);
    for (std::size_t i = 0; i < n; ++i) {
      const auto& to = spec.find_entry("continents", geography_.city(i).continent)->names("irregular_routes_to");
      for (std::size_t j = 0; j < n; ++j)
        irregular_route_[i * n + j] = std::find(to.begin(), to.end(), geography_.city(j).continent) != to.end();
    }
    // The distance term of each pair of cities (the logit needs it for every
    // destination of every agent considering a move).
    distance_term_.resize(n * n);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j)
        distance_term_[i * n + j] =
            p_.distance_weight * std::log(std::max(1.0, geography_.distance_km(i, j)) / 100.0);
    typical_cost_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<double> costs;
      for (std::size_t j = 0; j < n; ++j)
        if (j != i) costs.push_back(travel_cost(i, j));
      std::nth_element(costs.begin(), costs.begin() + static_cast<std::ptrdiff_t>(costs.size() / 2), costs.end());
      typical_cost_[i] = costs.empty() ? p_.move_fixed_cost_eur : costs[costs.size() / 2];
    }
    for (int a = 0; a <= kMaxAgeMonths; ++a) {
      const double z = (a / 12.0 - p_.age_peak_years) / p_.age_spread_years;
      age_factor_.push_back(p_.age_floor + (1.0 - p_.age_floor) * std::exp(-z * z));
    }
    transit_ = setup.schema.add<std::uint16_t>(kTransitColumn, "1 + city an irregular migrant in transit heads to; 0 none");
    next_ = setup.schema.add<std::uint16_t>(
        "next_decision_step",
        "step of the agent's next decision opportunity (+ 0x8000), or of its next band of ages; 0 not yet scheduled");
    // Decision opportunities arrive with a per-step probability that bounds
    // the chance to return or consider moving of every agent of the same age
    // band and kind (born here or a migrant); each is then accepted with the
    // agent's actual probabilities (thinning). Exact, and most agents are
    // skipped without a draw. The age factor is bounded per band of ages, so
    // that agents far from the peak age get fewer opportunities to reject.
    const double dt = setup.clock.years_per_step();
    band_months_ = std::max(kDecisionBandYears * 12, setup.clock.step_months);
    const double consider_without_age = p_.consider_hazard_per_year * dt *
                                        std::pow(kMaxIncomeGapRatio, p_.income_gap_weight) * p_.unemployed_multiplier *
                                        (1.0 + p_.network_tie_multiplier);
    const double return_max =
        p_.return_hazard_per_year * dt * p_.return_unemployed_multiplier * p_.return_target_multiplier;
    for (int band = 0; band * band_months_ <= kMaxAgeMonths; ++band) {
      double age_max = 0;
      for (int a = band * band_months_; a < (band + 1) * band_months_ && a <= kMaxAgeMonths; ++a)
        age_max = std::max(age_max, age_factor_[static_cast<std::size_t>(a)]);
      const double consider_max = consider_without_age * age_max;
      for (const bool migrant : {false, true}) {
        const double q = -std::expm1(-(consider_max + (migrant ? return_max : 0.0)));
        opportunity_[migrant].push_back(q);
        wait_scale_[migrant].push_back(1.0 / std::log1p(-q));
      }
    }
  }

  void initialise(World& world) override {
    const auto& s = world.schema();
    savings_ = s.find<float>(kSavingsColumn);
    job_ = s.find<std::uint8_t>(kJobColumn);
    tenure_ = s.find<std::uint8_t>(kTenureColumn);
    citizenship_ = s.find<std::uint8_t>(kCitizenshipColumn);
    permit_end_ = s.find<std::uint16_t>(kPermitEndColumn);
    arrival_ = s.find<std::uint16_t>(kArrivalColumn);
    return_due_ = s.find<std::uint8_t>(kReturnDueColumn);
    const auto& f = world.field_schema();
    skill_wage_ = f.find(kSkillWageField);
    wage_ = f.find(kWageField);
    unemployment_ = f.find(kUnemploymentRateField);
    penalty_ = f.find(kRecognitionPenaltyField);
    rent_ = f.find(kRentField);
    benefit_ = f.find(kBenefitField);
    living_ = f.find(kLivingCostField);
    diaspora_ = f.find(kDiasporaField);
    settled_ = f.find(kSettledDiasporaField);
    free_ = f.find(kFreeMovementField);
    visa_ = f.find("work_visa_grant_rate");
    study_ = f.find("study_visa_grant_rate");
    decision_ = f.find("asylum_decision_months");
    permit_steps_ = f.find(kWorkPermitStepsField);
    outside_ = world.flow("returns_to_rest_of_world");
    for (const auto& name : kChannelNames) channel_id_.push_back(world.channel(name));
    relocation_ = RelocationColumns::find(world);
    // Policies, when their models are selected.
    if (s.has(kSchemeColumn)) scheme_ = s.find<std::uint8_t>(kSchemeColumn);
    if (f.has(kLegalPathwayField)) {
      pathway_ = f.find(kLegalPathwayField);
      application_ = s.find<std::uint8_t>(kPathwayApplicationColumn);
      applied_to_ = s.find<std::uint16_t>(kPathwayDestinationColumn);
    }
    move_factor_ = f.find(international_move_lever().name);
    if (f.has(kReturnIncentiveField)) {
      return_programme_ = f.find("return_programme");
      incentive_ = f.find(kReturnIncentiveField);
      supported_ = s.find<std::uint8_t>(kSupportedReturnColumn);
    }
    returns_.assign(world.city_count(), 0.0);
    skilled_.assign(world.city_count(), 0.0);
    // The initial adults' first decision opportunities (geometric waits from
    // step 0); those who come of age later are scheduled then.
    parallel_for_chunks(make_chunks(world), [&](std::size_t, const Chunk& ch) {
      AgentTable& a = world.agents(ch.city);
      const auto id = a.col(core::id);
      const auto age = a.col(core::age_months);
      const auto origin = a.col(core::origin);
      auto next = a.col(next_);
      for (std::uint32_t r = ch.begin; r < ch.end; ++r) {
        if (age[r] < p_.min_age_months) continue;
        const bool migrant = home_of(origin[r]) != ch.city;
        next[r] = schedule(0, age[r], migrant, world.rng().agent(id[r], 0, kDecideDraw).unit(3));
      }
    });
  }

  void run(Phase, World& world) override {
    std::fill(returns_.begin(), returns_.end(), 0.0);
    std::fill(skilled_.begin(), skilled_.end(), 0.0);
    const StepTables tables = build_tables(world);
    decide(world, tables);
  }

  // returns, skilled_emigrants
  void observe(const World& world, SeriesOut& out) const override {
    auto& returns = out["returns"];
    auto& skilled_emigrants = out["skilled_emigrants"];
    if (world.step() == 0) return;
    const double scale = static_cast<double>(world.people_per_agent());
    for (std::size_t c = 0; c < world.city_count(); ++c) {
      returns[c] = returns_[c] * scale;
      skilled_emigrants[c] = skilled_[c] * scale;
    }
  }

 private:
  void read_params(const ScenarioSpec& spec) {
    auto r = [&](const char* key) { return spec.real(std::string("migration.") + key); };
    p_.consider_hazard_per_year = r("consider_hazard_per_year");
    p_.age_peak_years = r("age_peak_years");
    p_.age_spread_years = r("age_spread_years");
    p_.age_floor = r("age_floor");
    p_.unemployed_multiplier = r("unemployed_multiplier");
    p_.income_gap_weight = r("income_gap_weight");
    p_.network_tie_multiplier = r("network_tie_multiplier");
    p_.capability_floor = r("capability_floor");
    p_.income_weight = r("income_weight");
    p_.size_weight = r("size_weight");
    p_.move_constant = r("move_constant");
    p_.network_weight = r("network_weight");
    p_.distance_weight = r("distance_weight");
    p_.cost_weight = r("cost_weight");
    p_.language_bonus = r("language_bonus");
    p_.colonial_bonus = r("colonial_bonus");
    p_.international_constant = r("international_constant");
    p_.stay_constant = r("stay_constant");
    p_.home_bonus = r("home_bonus");
    p_.access_weight = r("access_weight");
    p_.income_floor_share = r("income_floor_share");
    p_.travel_cost_eur_per_km = r("travel_cost_eur_per_km");
    p_.move_fixed_cost_eur = r("move_fixed_cost_eur");
    p_.irregular_cost_eur = r("irregular_cost_eur");
    p_.network_cost_reduction = r("network_cost_reduction");
    p_.network_half_persons = r("network_half_persons");
    p_.family_max_probability = r("family_max_probability");
    p_.family_half_persons = r("family_half_persons");
    p_.irregular_willingness = r("irregular_willingness");
    p_.irregular_failure_probability = r("irregular_failure_probability");
    p_.asylum_application_probability = r("asylum_application_probability");
    p_.transit_months = r("transit_months");
    p_.transit_share = r("transit_share");
    p_.transit_max_detour = r("transit_max_detour");
    p_.transit_give_up_probability = r("transit_give_up_probability");
    p_.return_hazard_per_year = r("return_hazard_per_year");
    p_.return_unemployed_multiplier = r("return_unemployed_multiplier");
    p_.savings_target_months = r("savings_target_months");
    p_.return_target_multiplier = r("return_target_multiplier");
    p_.return_decay_years = r("return_decay_years");
    p_.settled_return_factor = r("settled_return_factor");
    p_.min_age_months = static_cast<int>(spec.integer("migration.min_age_years")) * 12;
    p_.study_max_age_months = static_cast<int>(spec.integer("migration.study_max_age_years")) * 12;
  }

  int city_index(const std::string& name) const {
    for (std::size_t c = 0; c < geography_.city_count(); ++c)
      if (geography_.city(c).name == name) return static_cast<int>(c);
    return -1;
  }

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

  StepTables build_tables(const World& world) const {
    StepTables t;
    const std::size_t n = world.city_count();
    const std::size_t countries = geography_.countries().size();
    t.cities = n;
    t.places = 2 * n + 1;
    t.nationalities = countries + 1;
    t.log_income.assign(n * kSkillLevels * 2, 0.0);
    for (std::size_t j = 0; j < n; ++j)
      for (int s = 0; s < kSkillLevels; ++s)
        for (int fq = 0; fq < 2; ++fq) t.log_income[(j * kSkillLevels + static_cast<std::size_t>(s)) * 2 + static_cast<std::size_t>(fq)] =
            std::log(newcomer_income(world, j, s, fq == 1));
    t.size_term.resize(n);
    for (std::size_t j = 0; j < n; ++j)
      t.size_term[j] = p_.size_weight * std::log(std::max(1.0, static_cast<double>(world.agents(j).size()) *
                                                                 static_cast<double>(world.people_per_agent())) /
                                                 1.0e6);
    t.best_elsewhere.assign(n * (countries + 1) * kSkillLevels, kMinusInfinity);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t b = 0; b <= countries; ++b)
        for (int s = 0; s < kSkillLevels; ++s) {
          double best = kMinusInfinity;
          for (std::size_t j = 0; j < n; ++j) {
            if (j == i || (!legal_open_[i * n + j] && !irregular_open_[i * n + j])) continue;
            const bool fq = s > 0 && b != geography_.city(j).country_index;
            best = std::max(best, t.log_income[(j * kSkillLevels + static_cast<std::size_t>(s)) * 2 + fq]);
          }
          t.best_elsewhere[(i * (countries + 1) + b) * kSkillLevels + static_cast<std::size_t>(s)] = best;
        }
    t.network_term.assign(t.places * n, 0.0);
    t.family.assign(t.places * n, 0.0);
    t.cost_factor.assign(t.places * n, 1.0);
    t.network_abroad.assign(n * t.places, false);
    for (std::size_t j = 0; j < n; ++j) {
      const auto d = world.fields().at(diaspora_, j);
      const auto settled = world.fields().at(settled_, j);
      for (std::size_t o = 0; o < t.places; ++o) {
        t.network_term[o * n + j] = p_.network_weight * std::log1p(d[o] / 1000.0);
        t.family[o * n + j] = p_.family_max_probability * settled[o] / (settled[o] + p_.family_half_persons);
        t.cost_factor[o * n + j] = 1.0 - p_.network_cost_reduction * d[o] / (d[o] + p_.network_half_persons);
      }
    }
    build_stay_tables(world, t);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t o = 0; o < t.places; ++o)
        for (std::size_t j = 0; j < n && !t.network_abroad[i * t.places + o]; ++j)
          t.network_abroad[i * t.places + o] = j != i && geography_.city(j).country_index != geography_.city(i).country_index &&
                                               world.fields().at(diaspora_, j)[o] > 0 && o != geography_.city_place(j) &&
                                               o != geography_.hinterland_place(j);
    return t;
  }

  // Expected monthly income of a newcomer to city j after rent and living
  // costs, floored at a share of the lowest wage (informal support).
  double newcomer_income(const World& world, std::size_t j, int s, bool foreign_qualification) const {
    const auto hire = world.fields().at(skill_wage_, j);
    const auto u = world.fields().at(unemployment_, j);
    const double penalty = foreign_qualification ? world.fields().at(penalty_, j)[0] : 0.0;
    const auto su = static_cast<std::size_t>(s);
    const double wage = (1.0 - penalty) * hire[su] + penalty * hire[0];
    const double unemployed = (1.0 - penalty) * u[su] + penalty * u[0];
    const double income = (1.0 - unemployed) * wage + unemployed * world.fields().at(benefit_, j)[0] -
                          world.fields().at(rent_, j)[0] - world.fields().at(living_, j)[0];
    return std::max(income, p_.income_floor_share * hire[0]);
  }

  // Net monthly income of staying (after rent and living costs, floored
  // likewise) for every situation an agent can be in, so that the decision
  // loop looks it up instead of computing logs and powers per agent.
  void build_stay_tables(const World& world, StepTables& t) const {
    const std::size_t n = t.cities;
    t.segments = wage_.width;
    t.stay_log_employed.assign(n * t.segments * kTenures, 0.0);
    t.stay_pow_employed.assign(n * t.segments * kTenures, 0.0);
    t.stay_log_other.assign(n * kSkillLevels * 2 * kTenures * 2, 0.0);
    t.stay_pow_other.assign(t.stay_log_other.size(), 0.0);
    t.best_pow.assign(t.best_elsewhere.size(), 0.0);
    for (std::size_t k = 0; k < t.best_elsewhere.size(); ++k)
      t.best_pow[k] = std::exp(p_.income_gap_weight * t.best_elsewhere[k]);
    for (std::size_t i = 0; i < n; ++i) {
      const auto wage = world.fields().at(wage_, i);
      const auto skill_wage = world.fields().at(skill_wage_, i);
      const auto u = world.fields().at(unemployment_, i);
      const auto rent = world.fields().at(rent_, i);
      const double living = world.fields().at(living_, i)[0];
      const double benefit = world.fields().at(benefit_, i)[0];
      const double penalty_here = world.fields().at(penalty_, i)[0];
      const double floor = p_.income_floor_share * skill_wage[0];
      auto rent_of = [&](std::size_t tenure) { return tenure >= 1 && tenure <= 3 ? rent[tenure - 1] : 0.0; };
      auto store = [&](std::vector<double>& logs, std::vector<double>& pows, std::size_t k, double income) {
        const double y = std::max(income, floor);
        logs[k] = std::log(y);
        pows[k] = std::pow(y, -p_.income_gap_weight);
      };
      for (std::size_t seg = 0; seg < t.segments; ++seg)
        for (std::size_t tenure = 0; tenure < kTenures; ++tenure)
          store(t.stay_log_employed, t.stay_pow_employed, (i * t.segments + seg) * kTenures + tenure,
                wage[seg] - rent_of(tenure) - living);
      for (int s = 0; s < kSkillLevels; ++s)
        for (int fq = 0; fq < 2; ++fq)
          for (std::size_t tenure = 0; tenure < kTenures; ++tenure)
            for (int irregular = 0; irregular < 2; ++irregular) {
              const double penalty = fq && s > 0 ? penalty_here : 0.0;
              const auto su = static_cast<std::size_t>(s);
              const double unemployed = (1.0 - penalty) * u[su] + penalty * u[0];
              const double income = (1.0 - unemployed) * ((1.0 - penalty) * skill_wage[su] + penalty * skill_wage[0]) +
                                    unemployed * (irregular ? 0.0 : benefit);
              store(t.stay_log_other, t.stay_pow_other,
                    (((i * kSkillLevels + su) * 2 + static_cast<std::size_t>(fq)) * kTenures + tenure) * 2 +
                        static_cast<std::size_t>(irregular),
                    income - rent_of(tenure) - living);
            }
    }
  }

  // Return hazard: highest just after arrival, decaying with the stay to a
  // settled level (residents present at the start count as settled);
  // higher for the unemployed and for recent migrants who met their savings
  // target. Forced when a permit ended or a claim was refused.
  // Probability that a migrant returns home this step: highest just after
  // arrival, decaying with the stay to a settled level (residents present at
  // the start count as settled); higher for the unemployed and for recent
  // migrants who met their savings target.
  double return_probability(const World& world, std::size_t i, std::uint16_t arrived, bool unemployed,
                            float savings) const {
    const double years = (world.step() - arrived) * clock_.step_months / 12.0;
    const bool recent = arrived > 0;
    double h = p_.return_hazard_per_year *
               (recent ? std::max(p_.settled_return_factor, std::exp(-years / p_.return_decay_years))
                       : p_.settled_return_factor);
    if (unemployed) h *= p_.return_unemployed_multiplier;
    if (recent && savings >= p_.savings_target_months * world.fields().at(living_, i)[0]) h *= p_.return_target_multiplier;
    return -std::expm1(-h * years_per_step());
  }

  // The agent's next check after `step`: a geometric wait (uniform u) at its
  // band's opportunity probability, flagged as an opportunity if it falls
  // within the band of ages, else the first step of the next band (where
  // the bound changes).
  std::uint16_t schedule(std::uint32_t step, int age, bool migrant, double u) const {
    const int capped = std::min(age, kMaxAgeMonths);
    const int band = capped / band_months_;
    const int left_in_band = ((band + 1) * band_months_ - 1 - capped) / clock_.step_months;
    const double wait = std::floor(std::log(u) * wait_scale_[migrant][static_cast<std::size_t>(band)]);
    if (wait + 1 <= left_in_band)
      return static_cast<std::uint16_t>(std::min<double>(step + 1 + wait, kScheduledStep) + kOpportunityFlag);
    return static_cast<std::uint16_t>(std::min<std::uint32_t>(step + 1 + static_cast<std::uint32_t>(left_in_band),
                                                              kScheduledStep));
  }

  bool eligible(const World& world, std::uint16_t age_months, std::uint64_t id) const {
    return age_months >= p_.min_age_months && !world.created_this_step(id);
  }

  // What is open to this agent into j.
  ChannelOdds access(const World& world, const StepTables& t, std::size_t i, std::size_t j, std::size_t nat,
                     std::uint16_t origin, int skill, int age_months) const {
    ChannelOdds acc;
    const std::size_t n = t.cities;
    const bool legal = legal_open_[i * n + j];
    if (legal) {
      const bool same_country = geography_.city(i).country_index == geography_.city(j).country_index;
      if (same_country || nat == geography_.city(j).country_index || world.fields().at(free_, j)[nat] > 0) {
        acc.citizen_or_free = true;
        return acc;
      }
      acc.family = t.family[origin * n + j];
      acc.work = std::min(1.0, world.fields().at(visa_, j)[static_cast<std::size_t>(skill)] * visa_multiplier_[i * n + j]);
      if (pathway_)
        acc.pathway = static_cast<std::uint8_t>(world.fields().at(*pathway_, j)[i * kSkillLevels + static_cast<std::size_t>(skill)]);
      if (age_months < p_.study_max_age_months && skill > 0) acc.study = world.fields().at(study_, j)[0];
    }
    if (irregular_open_[i * n + j]) acc.irregular = p_.irregular_willingness;
    return acc;
  }

  void decide(World& world, const StepTables& t) {
    const auto chunks = make_chunks(world);
    const std::uint32_t step = world.step();
    const std::size_t n = t.cities;
    const std::size_t countries = geography_.countries().size();
    std::vector<std::vector<Move>> moves(chunks.size());
    std::vector<std::vector<std::uint32_t>> leaving(chunks.size());
    std::vector<double> returns_by_chunk(chunks.size(), 0.0), skilled_by_chunk(chunks.size(), 0.0);
    const double gap_cap = std::pow(kMaxIncomeGapRatio, p_.income_gap_weight);

    parallel_for_chunks(chunks, [&](std::size_t k, const Chunk& ch) {
      const std::size_t i = ch.city;
      AgentTable& a = world.agents(i);
      const auto id = a.col(core::id);
      const auto origin = a.col(core::origin);
      const auto age = a.col(core::age_months);
      const auto skill = a.col(core::skill);
      const auto employment = a.col(core::employment);
      const auto savings = a.col(savings_);
      const auto job = a.col(job_);
      const auto tenure = a.col(tenure_);
      const auto legal = a.col(core::legal_status);
      const auto citizenship = a.col(citizenship_);
      const auto return_due = a.col(return_due_);
      const auto arrival = a.col(arrival_);
      auto transit = a.col(transit_);
      auto next = a.col(next_);
      const auto scheme = scheme_ ? a.col(*scheme_) : std::span<std::uint8_t>{};
      const std::uint16_t here = geography_.city(i).country_index;
      const double continue_transit = clock_.step_months / p_.transit_months;
      const double base_hazard = p_.consider_hazard_per_year * years_per_step();
      LogitChooser chooser;
      std::vector<double> utility(n);
      std::vector<ChannelOdds> options(n);
      // Most agents have nothing to decide before their next opportunity
      // (unless in transit or due to leave): a vectorised pass lists the
      // others (models/mobility/decision_kernel.cpp), and only they go through the
      // decision below.
      thread_local RowSelection active;
      active.list(ch, [&](std::uint32_t* rows, std::uint64_t* ids) {
        return list_deciding(DecisionColumns{id.data(), next.data(), transit.data(), return_due.data(), age.data()},
                             step, p_.min_age_months, ch.begin, ch.end, rows, ids);
      });
      // The active rows are sparse: their columns are fetched a few rows
      // ahead, so that the loads of one agent overlap the work of another.
      const auto rows = active.rows();
      constexpr std::size_t kAhead = 8;
      for (std::size_t idx = 0; idx < rows.size(); ++idx) {
        const std::uint32_t r = rows[idx];
        if (idx + kAhead < rows.size()) {
          const std::uint32_t f = rows[idx + kAhead];
          __builtin_prefetch(&savings[f]);
          __builtin_prefetch(&age[f]);
          __builtin_prefetch(&origin[f]);
          __builtin_prefetch(&employment[f]);
          __builtin_prefetch(&skill[f]);
          __builtin_prefetch(&job[f]);
          __builtin_prefetch(&tenure[f]);
          __builtin_prefetch(&legal[f]);
          __builtin_prefetch(&citizenship[f]);
          __builtin_prefetch(&arrival[f]);
        }
        const std::uint64_t agent_id = active.ids()[idx];  // listed with the row: no random look-up
        if (!eligible(world, age[r], agent_id)) continue;
        if (scheme_ && scheme[r] != 0) continue;  // circular scheme participants follow the scheme's rules
        const Draw d = world.rng().agent(agent_id, step, kDecideDraw);
        const std::size_t b = birth_country(origin[r]);
        const std::size_t nat = nationality(citizenship[r], static_cast<std::uint16_t>(b), countries);
        const std::size_t home = home_of(origin[r]);
        const bool migrant = home != i;

        // Irregular migrants waiting in a transit hub try to go on.
        if (transit[r] != kNotInTransit) {
          if (!event_happens(d.unit(3), continue_transit)) continue;
          const std::size_t j = transit[r] - 1u;
          const Draw x = world.rng().agent(agent_id, step, kIrregularDraw);
          if (!irregular_open_[i * n + j] || x.unit(0) < p_.irregular_failure_probability ||
              !border_open(world, agent_id, i, j)) {
            if (x.unit(3) < p_.transit_give_up_probability) {
              transit[r] = kNotInTransit;
              return_due[r] = 1;
            }
            continue;
          }
          transit[r] = kNotInTransit;
          settle(world, a, r, j, kIrregular, nat, x, moves[k]);
          if (skill[r] == code(Skill::high)) skilled_by_chunk[k] += 1;
          continue;
        }

        // A decision opportunity now? Scheduled ones are; unscheduled agents
        // (new, just arrived, just come of age) and those entering a new
        // band of ages get one with the band's per-step probability; the
        // next one is then scheduled a geometric number of steps ahead.
        const std::size_t band = static_cast<std::size_t>(std::min<int>(age[r], kMaxAgeMonths) / band_months_);
        const double opportunity = opportunity_[migrant][band];
        bool now = return_due[r] != 0;
        if ((next[r] & kScheduledStep) <= step) {
          const bool scheduled = next[r] == (step | kOpportunityFlag);
          now = now || scheduled || d.unit(0) < opportunity;  // a band check, a missed or no schedule: afresh
          next[r] = schedule(step, age[r], migrant, d.unit(3));
        }
        if (!now) continue;

        // Someone told to leave who is already home (a child born here to
        // parents without papers) has nowhere to return to.
        if (return_due[r] && !migrant) return_due[r] = 0;
        // Return migration: forced when a permit ended or a claim was refused.
        // A return incentive counts towards a target saver's savings.
        const double incentive = incentive_ && migrant ? world.fields().at(*incentive_, i)[home] : 0.0;
        const double p_return =
            migrant ? return_probability(world, i, arrival[r], employment[r] == code(Employment::unemployed),
                                         static_cast<float>(savings[r] + incentive))
                    : 0.0;
        const double u = d.unit(1) * opportunity;  // uniform on (0, opportunity)
        if (return_due[r] || (migrant && u < p_return)) {
          if (!border_open(world, agent_id, i, home)) continue;  // stranded while borders are closed
          if (home == n) {  // born in the rest of the world: leaves the model
            leaving[k].push_back(r);
            returns_by_chunk[k] += 1;
            continue;
          }
          if (!legal_open_[i * n + home] && !irregular_open_[i * n + home]) continue;  // corridor closed
          if (savings[r] + incentive < travel_cost(i, home) && !return_due[r]) continue;  // cannot afford it yet
          if (incentive_ && world.fields().at(*return_programme_, i)[home] > 0) {
            savings[r] = static_cast<float>(savings[r] + incentive);
            a.col(*supported_)[r] = static_cast<std::uint8_t>(world.fields().at(*return_programme_, i)[home]);
          }
          settle(world, a, r, home, kReturn, nat, d, moves[k]);
          returns_by_chunk[k] += 1;
          continue;
        }

        // (a) Whether to consider moving: hazard = base x age x income gap
        // x capability x unemployment x ties abroad; considered when the
        // draw falls in [p_return, p_return + (1 - p_return) p_consider).
        std::size_t stay_key;
        const std::vector<double>* stay_logs;
        const std::vector<double>* stay_pows;
        if (employment[r] == code(Employment::employed) && job[r] != kNoJob) {
          stay_key = (i * t.segments + job_segment(job[r])) * kTenures + tenure[r];
          stay_logs = &t.stay_log_employed;
          stay_pows = &t.stay_pow_employed;
        } else {
          const std::size_t fq = skill[r] > 0 && b != here;
          stay_key = (((i * kSkillLevels + skill[r]) * 2 + fq) * kTenures + tenure[r]) * 2 +
                     (legal[r] == code(LegalStatus::irregular));
          stay_logs = &t.stay_log_other;
          stay_pows = &t.stay_pow_other;
        }
        // exp(w * gap) with gap = log(best / stay) clamped to [0, log 30]:
        // max(1, exp(w * best) * stay^-w), at most 30^w.
        const double gap_factor = std::clamp(
            t.best_pow[(i * (countries + 1) + b) * kSkillLevels + skill[r]] * (*stay_pows)[stay_key], 1.0, gap_cap);
        double x = base_hazard * age_factor_[std::min<int>(age[r], kMaxAgeMonths)] * gap_factor *
                   std::clamp(savings[r] / typical_cost_[i], p_.capability_floor, 1.0);
        if (employment[r] == code(Employment::unemployed)) x *= p_.unemployed_multiplier;
        if (t.network_abroad[i * t.places + origin[r]]) x *= 1.0 + p_.network_tie_multiplier;
        // Since 1 - exp(-x) <= x, a draw at or above p_return + (1 -
        // p_return) x settles it without the exponential (most do).
        if (u < p_return || u >= p_return + (1.0 - p_return) * x) continue;
        if (u >= p_return + (1.0 - p_return) * -std::expm1(-x)) continue;
        const double log_stay = (*stay_logs)[stay_key];
        const double stay = std::exp(log_stay);

        // (b) Where: logit over the cities and staying. Utilities are
        // relative to staying: income as a log ratio, distance per 100 km.
        for (std::size_t j = 0; j < n; ++j) {
          if (j == i) {
            utility[j] = p_.stay_constant + (geography_.city(i).country_index == b ? p_.home_bonus : 0.0);
            continue;
          }
          options[j] = access(world, t, i, j, nat, origin[r], skill[r], age[r]);
          const double reachable = options[j].any();
          if (reachable <= 0) {
            utility[j] = kMinusInfinity;
            continue;
          }
          const bool fq = skill[r] > 0 && b != geography_.city(j).country_index;
          const bool abroad = geography_.city(j).country_index != geography_.city(i).country_index;
          const double cost = travel_cost(i, j) * t.cost_factor[origin[r] * n + j];
          utility[j] = p_.move_constant + t.size_term[j] +
                       p_.income_weight * (t.log_income[(j * kSkillLevels + skill[r]) * 2 + fq] - log_stay) +
                       t.network_term[origin[r] * n + j] -
                       distance_term_[i * n + j] -
                       p_.cost_weight * cost / stay + (abroad ? p_.international_constant : 0.0) +
                       (b < countries ? p_.language_bonus * language_[b * n + j] + p_.colonial_bonus * colonial_[b * n + j]
                                      : 0.0) +
                       (geography_.city(j).country_index == b ? p_.home_bonus : 0.0) +
                       (reachable < 1.0 ? p_.access_weight * std::log(reachable) : 0.0);  // log 1 = 0
        }
        chooser.set_utilities(utility);
        const std::size_t j = chooser.choose(d.unit(2));
        if (j == i || j >= n) continue;

        // The channel, or giving up.
        const ChannelOdds& acc = options[j];
        const Draw c = world.rng().agent(agent_id, step, kChannelDraw);
        std::uint8_t channel;
        if (acc.citizen_or_free) {
          channel = geography_.city(i).country_index == geography_.city(j).country_index ? kInternal
                    : nat == geography_.city(j).country_index                           ? kCitizen
                                                                                        : kFreeMovement;
        } else {
          const double u[4] = {c.unit(0), c.unit(1), c.unit(2), c.unit(3)};
          channel = pick_channel(acc, u);
          if (channel == kNoChannel) continue;  // no way in: gives up
        }
        double cost = travel_cost(i, j) * t.cost_factor[origin[r] * n + j];
        if (channel == kIrregular) cost += p_.irregular_cost_eur * t.cost_factor[origin[r] * n + j];
        if (savings[r] < cost) continue;  // cannot afford it: gives up
        if (!border_open(world, agent_id, i, j)) continue;  // a mobility shock: stays
        if (channel == kPathway) {  // applies; the pathway's quota decides later in the step
          a.col(*application_)[r] = acc.pathway;
          a.col(*applied_to_)[r] = static_cast<std::uint16_t>(j);
          continue;
        }
        savings[r] = static_cast<float>(savings[r] - cost);

        std::size_t destination = j;
        if (channel == kIrregular) {
          const Draw x = world.rng().agent(agent_id, step, kIrregularDraw);
          if (x.unit(0) < p_.irregular_failure_probability) continue;  // intercepted or turned back: money lost
          const int hub = transit_hub(i, j);
          if (hub >= 0 && x.unit(1) < p_.transit_share) {
            transit[r] = static_cast<std::uint16_t>(j + 1);
            destination = static_cast<std::size_t>(hub);
          }
          settle(world, a, r, destination, kIrregular, nat, x, moves[k]);
        } else {
          settle(world, a, r, destination, channel, nat, c, moves[k]);
        }
        if (skill[r] == code(Skill::high) &&
            geography_.city(destination).country_index != geography_.city(i).country_index)
          skilled_by_chunk[k] += 1;
      }
    });
    for (std::size_t k = 0; k < chunks.size(); ++k) {
      returns_[chunks[k].city] += returns_by_chunk[k];
      skilled_[chunks[k].city] += skilled_by_chunk[k];
    }
    world.request_moves(chunks, moves);
    world.request_departures(chunks, leaving, outside_);
  }

  // Whether a move from city i to j (j = C: the rest of the world) can take
  // place under the mobility shocks in force: always within a country, else
  // with the product of both cities' international move factors.
  bool border_open(const World& world, std::uint64_t agent, std::size_t i, std::size_t j) const {
    const std::size_t n = geography_.city_count();
    if (j < n && geography_.city(i).country_index == geography_.city(j).country_index) return true;
    const double open =
        world.fields().at(move_factor_, i)[0] * (j < n ? world.fields().at(move_factor_, j)[0] : 1.0);
    return open >= 1.0 || world.rng().agent(agent, world.step(), kBorderDraw).unit(0) < open;
  }

  // A transit hub on an irregular route from i to j (the continents' data):
  // the hub of i's continent with the smallest detour within the allowed
  // ratio, or -1.
  int transit_hub(std::size_t i, std::size_t j) const {
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

  // Legal state on arrival in `to` by `channel`; the job, the home and any
  // return order are left behind. Requests the move.
  void settle(World& world, AgentTable& a, std::uint32_t r, std::size_t to, std::uint8_t channel, std::size_t nat,
              const Draw& draw, std::vector<Move>& moves) const {
    const std::uint32_t step = world.step();
    auto legal = a.col(core::legal_status);
    auto permit_end = a.col(permit_end_);
    const auto here = geography_.city(to).country_index;
    switch (channel) {
      case kInternal: break;
      case kCitizen:
      case kReturn:
        if (nat == here || geography_.country_of_place(a.col(core::origin)[r]) == here) {
          legal[r] = code(LegalStatus::citizen);
          permit_end[r] = 0;
        }
        break;
      case kFreeMovement:
        legal[r] = code(LegalStatus::free_mover);
        permit_end[r] = 0;
        break;
      case kFamily:
      case kWorkVisa:
      case kStudyVisa:
        legal[r] = code(channel == kFamily     ? LegalStatus::temporary_permit
                        : channel == kWorkVisa ? LegalStatus::work_permit
                                               : LegalStatus::student);
        permit_end[r] = static_cast<std::uint16_t>(step + static_cast<int>(world.fields().at(permit_steps_, to)[0]));
        break;
      case kIrregular: {
        // In a transit hub or another country by the irregular route: free
        // movement or citizenship may still apply there; otherwise the
        // migrant may claim asylum.
        permit_end[r] = 0;
        if (nat == here) {
          legal[r] = code(LegalStatus::citizen);
        } else if (world.fields().at(free_, to)[nat] > 0) {
          legal[r] = code(LegalStatus::free_mover);
        } else if (a.col(transit_)[r] == kNotInTransit && draw.unit(2) < p_.asylum_application_probability) {
          legal[r] = code(LegalStatus::asylum_seeker);
          permit_end[r] = static_cast<std::uint16_t>(
              step + std::max(1.0, std::ceil(world.fields().at(decision_, to)[0] / clock_.step_months)));
        } else {
          legal[r] = code(LegalStatus::irregular);
        }
        break;
      }
      default: break;
    }
    leave_behind(a, r, step, relocation_);
    moves.push_back(Move{r, static_cast<std::uint16_t>(to), channel_id_[channel]});
  }

  const Geography& geography_;
  const Clock& clock_;
  Params p_{};
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
  CityField skill_wage_, wage_, unemployment_, penalty_, rent_, benefit_, living_, diaspora_, settled_, free_, visa_,
      study_, decision_, permit_steps_;
  FlowId outside_ = 0;
  std::vector<std::uint8_t> channel_id_;  // world channel of each ChannelCode
  RelocationColumns relocation_;
  std::optional<Column<std::uint8_t>> scheme_, application_, supported_;
  std::optional<Column<std::uint16_t>> applied_to_;
  std::optional<CityField> pathway_, return_programme_, incentive_;
  CityField move_factor_;  // lever
  std::vector<double> returns_, skilled_;  // agents, last step, by city of departure
};

}  // namespace

ModelInfo behavioural_migration() {
  ModelInfo info;
  info.slot = "migration";
  info.slot_meaning = "Moves between the simulated cities";
  info.name = "behavioural";
  info.summary = "two-stage decisions (whether: age, unemployment, income gap, capability, networks; where: logit "
                 "on expected income, diaspora, distance, cost, ties, legal access), channels, transit, returns";
  info.phases = {Phase::decide};
  info.channels = kChannelNames;
  info.requires_slots = {"labour", "housing", "legal_status", "budget", "networks", "free_movement"};
  info.flows = {FlowDecl{"returns_to_rest_of_world", false,
                         "Migrants born outside the simulated cities returning there during the step", true}};
  const std::string a = "assumption: ";
  info.params = {
      real_param("migration.consider_hazard_per_year", "1/year", 0.06, 0.0, 10.0,
                 "Base yearly hazard of considering a move (at the age peak, employed, no income gap, able to pay)",
                 a + "Gallup World Poll 2018: about 15% of adults would like to move abroad, and a minority of them "
                     "prepares each year; calibrated so that the baseline moves well under 1% of residents a year"),
      real_param("migration.age_peak_years", "years", 24.0, 15.0, 60.0, "Age at which the hazard peaks",
                 "Rogers & Castro (1981) model migration schedules: labour migration peaks in the early twenties"),
      real_param("migration.age_spread_years", "years", 12.0, 1.0, 50.0, "Width of the age peak (Gaussian in age)",
                 "Rogers & Castro (1981)"),
      share_param("migration.age_floor", 0.1, "Hazard far from the age peak relative to the peak", a + "older adults still move"),
      real_param("migration.unemployed_multiplier", "1", 2.0, 0.0, 20.0, "Hazard multiplier for the unemployed",
                 a + "unemployment roughly doubles the propensity to migrate (Herzog et al. 1993 survey)"),
      real_param("migration.income_gap_weight", "1", 0.5, 0.0, 5.0,
                 "Hazard multiplier exp(w * gap), gap = log(best expected income elsewhere / income here)",
                 a + "aspirations rise with the income gap (de Haas 2010)"),
      real_param("migration.network_tie_multiplier", "1", 0.5, 0.0, 10.0,
                 "Hazard rises by this factor for people with a diaspora of their birthplace abroad",
                 a + "networks lower the threshold to migrate (Massey et al. 1993)"),
      share_param("migration.capability_floor", 0.1,
                  "Lowest capability factor; capability = savings / typical moving cost from the city, capped at 1",
                  a + "aspiration-capability framework (Carling 2002; de Haas 2021): the poorest rarely move"),
      real_param("migration.income_weight", "1", 1.0, 0.0, 10.0,
                 "Weight of log(expected net income there / net income here) in a destination's utility",
                 "log-income utility as in Grogger & Hanson (2011)"),
      real_param("migration.size_weight", "1", 1.0, 0.0, 5.0,
                 "Weight of log(destination population / 1 million): a city aggregates many opportunities",
                 "size term of aggregated destination choice (McFadden 1978), coefficient 1"),
      real_param("migration.move_constant", "1", -3.0, -20.0, 0.0,
                 "Utility of any move away from the current city (leaving home, searching anew)",
                 a + "calibrated so that moves between the simulated cities stay well under 1% of residents a year"),
      real_param("migration.network_weight", "1", 0.5, 0.0, 5.0,
                 "Weight of log(1 + diaspora / 1000) in a destination's utility",
                 "Beine, Docquier & Özden (2011): elasticity of migration to the diaspora about 0.5-0.7"),
      real_param("migration.distance_weight", "1", 1.0, 0.0, 5.0,
                 "Weight of log(distance / 100 km), entering negatively",
                 "Poot et al. (2016) meta-analysis: distance elasticities around 1"),
      real_param("migration.cost_weight", "1", 0.05, 0.0, 10.0,
                 "Weight of the moving cost in months of current net income, entering negatively", a + "moving costs"),
      real_param("migration.language_bonus", "1", 0.7, 0.0, 5.0,
                 "Utility of a destination sharing a language with the country of birth",
                 "Adserà & Pytliková (2015): a common language raises migration rates substantially"),
      real_param("migration.colonial_bonus", "1", 0.4, 0.0, 5.0,
                 "Utility of a destination with a colonial tie to the country of birth", "Mayda (2010); Beine et al. (2011)"),
      real_param("migration.international_constant", "1", -2.0, -20.0, 0.0,
                 "Extra utility of crossing a national border (psychic and administrative costs)",
                 a + "internal moves are far more common than international ones (UN DESA 2013)"),
      real_param("migration.stay_constant", "1", 0.0, -10.0, 20.0,
                 "Utility of staying, for those considering a move (status quo), besides the home bonus",
                 a + "most who consider moving stay (Carling & Schewel 2018)"),
      real_param("migration.home_bonus", "1", 1.0, 0.0, 10.0, "Utility of being in the country of birth",
                 a + "location-specific capital at home"),
      real_param("migration.access_weight", "1", 1.0, 0.0, 5.0,
                 "Weight of the log probability that some channel into a destination is open",
                 a + "migrants anticipate legal access (Czaika & de Haas 2017)"),
      share_param("migration.income_floor_share", 0.1,
                  "Net income is floored at this share of the lowest wage (family and informal support)", a + "avoids "
                  "log of non-positive income"),
      real_param("migration.travel_cost_eur_per_km", "EUR per km", 0.1, 0.0, 10.0, "Travel cost per km", a + "fares"),
      real_param("migration.move_fixed_cost_eur", "EUR", 300.0, 0.0, 1.0e5,
                 "Fixed cost of a legal move (documents, fees, first days)",
                 a + "Schengen visa fee EUR 80 plus documents and travel to consulates"),
      real_param("migration.irregular_cost_eur", "EUR", 3000.0, 0.0, 1.0e5, "Extra cost of the irregular route",
                 "UNODC (2018) Global Study on Smuggling of Migrants: West Africa to Europe EUR 1,000-5,000"),
      share_param("migration.network_cost_reduction", 0.5, "Largest reduction of moving costs by a diaspora",
                  a + "networks provide information, housing and credit (Munshi 2003)"),
      real_param("migration.network_half_persons", "persons", 5000.0, 1.0, 1.0e8,
                 "Diaspora size at which moving costs are reduced by half the largest reduction", a),
      share_param("migration.family_max_probability", 0.3, "Largest probability of family reunification",
                  a + "family is the main legal entry channel into the EU (Eurostat migr_resfirst)"),
      real_param("migration.family_half_persons", "persons", 20000.0, 1.0, 1.0e8,
                 "Settled diaspora at which family reunification reaches half its largest probability", a),
      share_param("migration.irregular_willingness", 0.25,
                  "Probability that someone without a legal channel takes the irregular route", a),
      share_param("migration.irregular_failure_probability", 0.25,
                  "Probability that an irregular crossing fails (interception, turned back, death)",
                  a + "IOM Missing Migrants and UNHCR interception figures for the central Mediterranean"),
      share_param("migration.asylum_application_probability", 0.6,
                  "Probability that an irregular arrival claims asylum",
                  a + "most irregular arrivals by sea in Italy claim asylum (Eurostat, UNHCR)"),
      real_param("migration.transit_months", "months", 6.0, 0.1, 120.0, "Mean wait in a transit hub",
                 "IOM Displacement Tracking Matrix, Niger: stays of weeks to many months in Agadez"),
      share_param("migration.transit_share", 0.6,
                  "Share of irregular trips from Africa to Europe that pass through a transit hub when one is on the way",
                  a + "Agadez and Tunis are named as transit points in the seeds"),
      real_param("migration.transit_max_detour", "1", 1.5, 1.0, 10.0,
                 "Largest ratio (via hub) / (direct distance) for a hub to be on the way", a),
      share_param("migration.transit_give_up_probability", 0.3,
                  "Probability that a migrant whose crossing from a hub failed gives up and returns", a),
      real_param("migration.return_hazard_per_year", "1/year", 0.12, 0.0, 10.0,
                 "Yearly hazard of returning home just after arrival",
                 "OECD International Migration Outlook 2008: 20-50% of immigrants leave within five years"),
      real_param("migration.return_unemployed_multiplier", "1", 3.0, 0.0, 20.0, "Return hazard multiplier when unemployed",
                 a + "Dustmann & Görlach (2016)"),
      real_param("migration.savings_target_months", "months of living cost", 24.0, 0.0, 600.0,
                 "Savings at which a target saver is ready to go home",
                 "target-saver model of return migration (Dustmann & Görlach 2016)"),
      real_param("migration.return_target_multiplier", "1", 3.0, 0.0, 20.0,
                 "Return hazard multiplier once the savings target is met (migrants arrived during the run)", a),
      real_param("migration.return_decay_years", "years", 4.0, 0.1, 100.0,
                 "The return hazard of a newcomer decays as exp(-years since arrival / this)",
                 "return rates fall steeply with the duration of stay (OECD International Migration Outlook 2008)"),
      share_param("migration.settled_return_factor", 0.25,
                  "Return hazard of settled migrants (and of residents present at the start) relative to newcomers",
                  a + "a settled foreign-born population leaves at about 0.5-1% a year"),
      integer_param("migration.min_age_years", "years", 18, 10, 30,
                    "Age from which agents decide on their own (children stay with their families)", a),
      integer_param("migration.study_max_age_years", "years", 30, 18, 60, "Oldest age for a study visa", a),
  };
  CollectionDecl corridors;
  corridors.name = "corridors";
  corridors.entry_noun = "corridor";
  corridors.meaning = "Rules for moves from one city to another (all channels open unless a corridor says otherwise)";
  const std::string scen = "scenario";
  ParamDecl from = reference_param("origin", "cities", false, "City moves start from", scen);
  ParamDecl to = reference_param("destination", "cities", false, "City moves go to", scen);
  corridors.fields = {from,
                      to,
                      bool_param("legal_open", true, "Whether legal channels (citizens included) are open", scen),
                      bool_param("irregular_open", true, "Whether the irregular route is open", scen),
                      real_param("work_visa_multiplier", "1", 1.0, 0.0, 100.0,
                                 "Multiplier of the destination's work-visa grant rate on this corridor", scen)};
  info.collections.push_back(std::move(corridors));
  const std::string data = "country data (scenarios/data/countries.toml)";
  ParamDecl languages = text_param("languages", std::nullopt, "Official and widely spoken languages", data);
  languages.type = ParamType::text_list;
  languages.default_value = std::vector<std::string>{};
  info.fields = {
      {"countries", languages},
      {"countries", reference_param("colonial_ties", "countries", true,
                                    "Countries with a former colonial relationship (either direction)", data, false)},
      {"cities", bool_param("transit_hub", false,
                            "Whether irregular routes from the city's continent (continents.*.irregular_routes_to) "
                            "pass through the city",
                            "city data (scenarios/data/cities.toml); the seeds name Agadez and Tunis")},
      {"continents", reference_param("irregular_routes_to", "continents", true,
                                     "Continents that irregular routes lead to from this one (through its transit hubs)",
                                     "continent data (scenarios/data/continents.toml)", false)},
  };
  info.series = {
      {"returns", "persons", "Return migrants leaving the city for their home during the step", true, SeriesKind::flow, true},
      {"skilled_emigrants", "persons", "High-skill residents leaving for another country during the step (brain drain)",
       true, SeriesKind::flow},
  };
  info.state.owns = {
      owns_column<std::uint16_t>(kTransitColumn, "code",
                                 "1 + city an irregular migrant waiting in a transit hub heads to; 0 none",
                                 {Phase::decide}),
      owns_column<std::uint16_t>(kNextDecisionColumn, "step",
                                 "step of the agent's next decision opportunity (+ 0x8000), or of its next band of "
                                 "ages; 0 not yet scheduled",
                                 {Phase::decide})};
  info.state.writes = {
      writes_column(kSavingsColumn, {Phase::decide},
                    "a move is paid from savings; a supported return adds the return incentive"),
      optional(writes_column(kPathwayApplicationColumn, {Phase::decide},
                             "a decision to take a legal pathway files an application")),
      optional(writes_column(kPathwayDestinationColumn, {Phase::decide}, "the city a pathway application is for")),
      optional(writes_column(kSupportedReturnColumn, {Phase::decide},
                             "marks a return with return support, for placement on arrival home"))};
  const auto decide = Phase::decide;
  info.state.reads = {
      reads_field(kSkillWageField, decide),
      reads_field(kWageField, decide),
      reads_field(kUnemploymentRateField, decide),
      reads_field(kRecognitionPenaltyField, decide),
      reads_field(kRentField, decide),
      // Set by the budget model while initialising, not written in a step.
      reads_field(kBenefitField, decide, ReadTiming::last_step),
      reads_field(kLivingCostField, decide, ReadTiming::last_step),
      reads_field(kDiasporaField, decide),  // counted earlier in decide by the networks model
      reads_field(kSettledDiasporaField, decide),
      reads_field(kFreeMovementField, decide),
      reads_field("work_visa_grant_rate", decide),
      reads_field("study_visa_grant_rate", decide),
      reads_field("asylum_decision_months", decide),
      reads_field(kWorkPermitStepsField, decide),
      reads_column(kCitizenshipColumn, decide),
      // Recruited earlier in decide by the circular schemes.
      optional(reads_column(kSchemeColumn, decide), "no circular scheme participants: every agent decides"),
      optional(reads_field(kLegalPathwayField, decide), "no legal pathway channel"),
      optional(reads_field(kReturnIncentiveField, decide), "no return incentive, no supported returns"),
      optional(reads_field("return_programme", decide), "no return incentive, no supported returns")};
  // The savings read and the writes of what a move leaves behind. The job,
  // tenure, return order, arrival and permit end are read here too but
  // declared as writes only: whole columns are declared, and the agents that
  // circular schemes (before migration) and legal pathways (after it)
  // relocate in decide are not the ones migration reads, so neither timing
  // of a read would be true.
  // Decisions see savings as the decide phase starts: the admission fees of
  // legal pathways are paid after them.
  declare_relocation(info.state, {Phase::decide}, ReadTiming::phase_start);
  reads_lever(info.state, international_move_lever(), Phase::decide);
  info.make = [](ModelSetup& setup) { return std::make_unique<BehaviouralMigration>(setup); };
  return info;
}

}  // namespace mobsim::models
