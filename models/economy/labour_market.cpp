// Labour market of each city, by sector and skill level. Jobs grow with
// sector demand; employed agents separate at sector rates; the unemployed
// are matched to vacancies by a Cobb-Douglas matching function; wages follow
// the wage curve. A foreign qualification is not recognised with a city
// probability, and its holder then competes for low-skill jobs.
#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

#include "counting.hpp"
#include "declare.hpp"
#include "levers.hpp"
#include "labour_market.hpp"
#include "register_models.hpp"
#include "shared_state.hpp"
#include "labour_start.hpp"

namespace mobsim::models {

namespace {

constexpr Purpose kInitDraw = purpose("labour.init");
constexpr Purpose kTransitionDraw = purpose("labour.transition");
constexpr Purpose kSearchDraw = purpose("labour.search");
constexpr Purpose kLayoffDraw = purpose("labour.layoff");

struct Params {
  double matching_efficiency_per_month;
  double matching_elasticity;  // exponent of the unemployed in the matching function
  double wage_curve_elasticity;
  double skill_premium_low, skill_premium_high;
  double informal_entry_per_month;
  double demand_labour_force_elasticity;
  double demand_adjustment_years;
  int retirement_age_years, entry_age_years;
};

const ParamBindings<Params>& bound_params() {
  static const ParamBindings<Params> table{
      bind(&Params::matching_efficiency_per_month,
           plausible(real_param("labour.matching_efficiency_per_month", "1/month", 0.3, 0.0, 5.0,
                      "Matching efficiency m in hires = m U^a V^(1-a) per month",
                      "assumption: gives monthly job-finding rates of about 0.1-0.2 at the initial tightness, within "
                      "the range of European and US estimates (Petrongolo & Pissarides 2001; Elsby et al. 2013)"), 0.15, 0.6,
                     kAssumption + "half to twice the default, monthly job-finding rates of about 0.05-0.4 at the initial tightness")),
      bind(&Params::matching_elasticity,
           share_param("labour.matching_elasticity", 0.5, "Elasticity a of hires with respect to the unemployed",
                       "Petrongolo & Pissarides (2001) survey: estimates cluster around 0.5 (constant returns)")),
      bind(&Params::wage_curve_elasticity,
           plausible(real_param("labour.wage_curve_elasticity", "1", 0.1, 0.0, 1.0,
                      "Wages fall by this share for each 1 (log) point rise of the unemployment rate (wage curve)",
                      "Blanchflower & Oswald (1994): elasticity about -0.1; Nijkamp & Poot (2005) meta-analysis -0.07"), 0.05, 0.15,
                     "Blanchflower & Oswald (1994): about 0.1; Nijkamp & Poot (2005) meta-analysis: about 0.07 on average (approx.)")),
      bind(&Params::skill_premium_low,
           real_param("labour.skill_premium_low", "1", 0.7, 0.0, 1.0, "Wage of low-skill jobs relative to medium-skill",
                      "assumption: OECD Education at a Glance 2022, adults below upper-secondary earn about 20-30% "
                      "less than upper-secondary graduates")),
      bind(&Params::skill_premium_high,
           real_param("labour.skill_premium_high", "1", 1.6, 1.0, 5.0, "Wage of high-skill jobs relative to medium-skill",
                      "OECD Education at a Glance 2022: tertiary-educated adults earn about 50-60% more on average; "
                      "returns are higher in Africa (Montenegro & Patrinos 2014)")),
      bind(&Params::informal_entry_per_month,
           real_param("labour.informal_entry_per_month", "1/month", 0.0, 0.0, 1.0,
                      "Informal jobs created per month per unemployed person, times the informal share of employment "
                      "(free entry into informal self-employment)",
                      "assumption: 0, because labour demand already follows the labour force "
                      "(labour.demand_labour_force_elasticity), informal jobs included; free entry on top (0.005 "
                      "before) lowered unemployment by 3-7 points in ten years in the African cities, whose observed "
                      "rates are stable; a positive value models an informal sector that absorbs surplus labour "
                      "(Fields 1975 on dual urban labour markets)")),
      bind(&Params::demand_labour_force_elasticity,
           share_param("labour.demand_labour_force_elasticity", 1.0,
                       "Elasticity of a city's jobs to its labour force growing faster (or slower) than its sector "
                       "profile's job growth (1: jobs follow the labour force, and the profile's total growth only "
                       "sets the path at the start)",
                       "approx.: immigration raises employment about one for one within a year and leaves "
                       "unemployment unchanged (Ortega & Peri 2009, NBER WP 14833, OECD countries 1980-2005); "
                       "capital adjusts to the labour force in the long run (Ottaviano & Peri 2012, JEEA 10(1)); "
                       "the profiles' growth rates are themselves national employment growth that follows the "
                       "labour force (sectors.toml); a lower value leaves part of a city's labour-force growth "
                       "without jobs for ever, which made unemployment drift by 2-4 points in ten years")),
      bind(&Params::demand_adjustment_years,
           real_param("labour.demand_adjustment_years", "years", 1.0, 0.0, 20.0,
                      "Time over which labour demand follows a change of the labour force (exponential smoothing; "
                      "0: at once)",
                      "approx.: Ortega & Peri (2009): employment responds one for one within a year of the "
                      "immigration (annual panel)")),
      bind(&Params::retirement_age_years,
           integer_param("labour.retirement_age_years", "years", 65, 50, 80, "Age at which workers leave the labour force",
                         "statutory pension ages of most European countries (OECD Pensions at a Glance 2021)")),
      bind(&Params::entry_age_years,
           integer_param("labour.entry_age_years", "years", 15, 10, 25,
                         "Age at which young people may join the labour force",
                         "ILO definition of the working-age population (15+)")),
  };
  return table;
}

// What the city data give the labour market (scenarios/data/cities.toml).
struct CityData {
  std::string sector_profile;
  double mean_wage_eur_per_month;
  double recognition_penalty;
};

const ParamBindings<CityData>& city_data() {
  static const ParamBindings<CityData> table{
      bind(&CityData::sector_profile,
           reference_param("sector_profile", "sector_profiles", false, "Employment shares by sector", kCityData)),
      bind(&CityData::mean_wage_eur_per_month,
           real_param("mean_wage_eur_per_month", "EUR per month", std::nullopt, 1.0, 1.0e5,
                      "Mean gross monthly earnings of formal employees", kCityData)),
      bind(&CityData::recognition_penalty,
           share_param("recognition_penalty", std::nullopt,
                       "Probability that a foreign qualification is not recognised when hiring", kCityData)),
  };
  return table;
}

struct CityLabour {
  std::vector<double> jobs;     // [K * 3], in agents
  std::vector<double> profile;  // employment share of each sector at the start
  std::array<double, kSkillLevels> reference_unemployment{};  // wage-curve anchor
  double base_wage = 0;       // EUR per month of a job with wage index 1 and skill premium 1
  double mean_wage_data = 0;  // EUR per month, from the city data
  double participation = 0;   // share of 15-year-olds who join the labour force
  double benefit_replacement = 0;
  double profile_growth_per_year = 0;  // the profile's total job growth
  // Workers by the skill level of their job or search, smoothed over
  // labour.demand_adjustment_years, in agents (0: not yet counted).
  std::array<double, kSkillLevels> labour_force{};
  double remittance_jobs = 0;  // informal jobs in place that remittances support, in agents
  double youth_hiring_weight = 1;      // a young seeker's chance of being hired relative to an older one's

  // jobs, labour_force and remittance_jobs change every step; the rest is
  // set at initialisation, saved too as it costs little.
  void archive(StateArchive& ar) {
    ar("jobs", jobs);
    ar("profile", profile);
    ar("reference_unemployment", reference_unemployment);
    ar("base_wage", base_wage);
    ar("mean_wage_data", mean_wage_data);
    ar("participation", participation);
    ar("benefit_replacement", benefit_replacement);
    ar("profile_growth_per_year", profile_growth_per_year);
    ar("labour_force", labour_force);
    ar("remittance_jobs", remittance_jobs);
    ar("youth_hiring_weight", youth_hiring_weight);
  }
};

// Bounds of the derived youth hiring weight: a city whose young are hired
// 20 times less (or more) readily than older seekers is a data error, not a
// labour market.
constexpr double kMinYouthWeight = 0.05, kMaxYouthWeight = 20.0;

// What one pass over a city's agents finds.
struct Counts {
  std::vector<double> employed;                  // [K * 3] by job segment
  std::array<double, kSkillLevels> searching{};  // unemployed by the skill level they search at
  std::array<double, kSkillLevels> labour_force{};
  explicit Counts(std::size_t segments = 0) : employed(segments, 0.0) {}
  void add(const Counts& o) {
    for (std::size_t i = 0; i < employed.size(); ++i) employed[i] += o.employed[i];
    for (int s = 0; s < kSkillLevels; ++s) {
      searching[s] += o.searching[s];
      labour_force[s] += o.labour_force[s];
    }
  }
};

struct Seeker {
  std::uint64_t id;  // kept from the survey: the hiring draws need no second look-up
  std::uint32_t row;
  std::uint8_t skill;  // level searched at
  bool youth;          // aged 15-24: hired with the city's youth hiring weight
  bool prearranged;    // arrived last step with a work permit: hired first, into the job the permit is for
};

class LabourMarket : public Model {
 public:
  explicit LabourMarket(ModelSetup& setup)
      : sectors_(setup.spec),
        clock_(setup.clock),
        p_(bound_params().read(setup.spec)),
        skill_premium_{p_.skill_premium_low, 1.0, p_.skill_premium_high} {
    const auto& spec = setup.spec;
    const std::size_t segments = sectors_.size() * kSkillLevels;
    for (const auto& city : setup.geography.cities()) {
      const auto& entry = *spec.find_entry("cities", city.name);
      const CityData data = city_data().read(entry);
      const auto& shares = spec.find_entry("sector_profiles", data.sector_profile)->real_table("employment_shares");
      CityLabour c;
      c.jobs.assign(segments, 0.0);
      for (const auto& name : sectors_.names) c.profile.push_back(shares.count(name) ? shares.at(name) : 0.0);
      const auto& profile = *spec.find_entry("sector_profiles", data.sector_profile);
      c.profile_growth_per_year = profile.real("job_growth_per_year");
      c.mean_wage_data = data.mean_wage_eur_per_month;
      const double e = entry.real("employment_rate_15_64"), u = entry.real("unemployment_rate");
      c.participation = std::min(1.0, e / (1.0 - u));
      penalty_.push_back(data.recognition_penalty);
      cities_.push_back(std::move(c));
    }
    job_ = setup.schema.add<std::uint8_t>(kJobColumn, "job held: 1 + sector * 3 + skill level of the job; 0 none");
    next_separation_ = setup.schema.add<std::uint16_t>("next_separation_check",
                                                       "step of a worker's next separation opportunity; 0 unscheduled");
    jobs_field_ = setup.fields.add(kJobsField, static_cast<std::uint32_t>(segments), "jobs, filled or vacant (agents)");
    wage_field_ = setup.fields.add(kWageField, static_cast<std::uint32_t>(segments), "wage by sector and skill");
    unemployment_field_ = setup.fields.add(kUnemploymentRateField, kSkillLevels, "unemployment rate by skill");
    finding_field_ = setup.fields.add(kJobFindingField, kSkillLevels, "monthly job-finding probability by skill");
    skill_wage_field_ = setup.fields.add(kSkillWageField, kSkillLevels, "mean wage of a job by skill level");
    penalty_field_ = setup.fields.add(kRecognitionPenaltyField, 1, "foreign qualification not recognised");
    retirement_field_ = setup.fields.add(kRetirementAgeField, 1, "age at which workers leave the labour force (months)");
    entry_age_field_ = setup.fields.add(kLabourEntryAgeField, 1, "age from which young people may work (months)");
    participation_field_ = setup.fields.add(kParticipationField, 1, "share of working-age residents in the labour force");
    vacancies_field_ = setup.fields.add(kVacanciesField, static_cast<std::uint32_t>(segments), "open jobs after hiring");
    added_field_ = setup.fields.add(kJobsAddedField, static_cast<std::uint32_t>(segments), "jobs created by policies");
  }

  void initialise(World& world) override {
    const auto& fields = world.field_schema();
    if (fields.has(kRemittanceJobsField)) remittance_jobs_ = fields.find(kRemittanceJobsField);
    if (world.schema().has(kArrivalColumn)) arrival_ = world.schema().find<std::uint16_t>(kArrivalColumn);
    recognition_reduction_ = fields.find(recognition_reduction_lever().name);
    demand_factor_ = fields.find(sector_demand_lever().name);
    formal_access_ = fields.find(undocumented_formal_access_lever().name);
    applied_demand_factor_.assign(world.city_count(), std::vector<double>(sectors_.size(), 1.0));
    const std::size_t n = world.city_count();
    for (std::size_t c = 0; c < n; ++c) {
      world.fields().at(penalty_field_, c)[0] = penalty_[c];
      world.fields().at(retirement_field_, c)[0] = 12.0 * p_.retirement_age_years;
      world.fields().at(entry_age_field_, c)[0] = 12.0 * p_.entry_age_years;
      world.fields().at(participation_field_, c)[0] = cities_[c].participation;
    }

    // Employed agents get a sector (from the city's profile) and a job at
    // their skill level unless their foreign qualification is not recognised.
    parallel_for_chunks(make_chunks(world), [&](std::size_t, const Chunk& ch) {
      AgentTable& a = world.agents(ch.city);
      const auto id = a.col(core::id);
      const auto employment = a.col(core::employment);
      auto job = a.col(job_);
      const CityLabour& city = cities_[ch.city];
      for (std::uint32_t r = ch.begin; r < ch.end; ++r) {
        if (employment[r] != code(Employment::employed)) continue;
        const Draw d = world.rng().agent(id[r], 0, kInitDraw);
        std::size_t sector = 0;
        double cum = 0;
        for (; sector + 1 < sectors_.size(); ++sector) {
          cum += city.profile[sector];
          if (d.unit(0) < cum) break;
        }
        job[r] = job_code(sector, search_skill(world, ch.city, a, r, d.unit(1)));
      }
    });

    const auto counts = count(world, 0);
    const double dt = clock_.years_per_step();
    StartFlowRules rules{job_, {}, p_.entry_age_years * 12, p_.retirement_age_years * 12, clock_.step_months, {}};
    for (std::size_t sec = 0; sec < sectors_.size(); ++sec)
      rules.separation_probability.push_back(separation_probability(sec, dt));
    for (const CityLabour& city : cities_) rules.participation.push_back(city.participation);
    const auto start_flows = count_start_flows(world, rules, [&](std::size_t c, const AgentTable& a, std::uint32_t r) {
      // The level searched at, with count()'s draw.
      return search_skill(world, c, a, r, world.rng().agent(a.col(core::id)[r], 0, kSearchDraw).unit(0));
    });
    // The initial workers' first separation opportunities (geometric waits from step 0).
    const double q = separation_opportunity(dt);
    parallel_for_chunks(make_chunks(world), [&](std::size_t, const Chunk& ch) {
      AgentTable& a = world.agents(ch.city);
      const auto id = a.col(core::id);
      const auto employment = a.col(core::employment);
      auto next = a.col(next_separation_);
      for (std::uint32_t r = ch.begin; r < ch.end; ++r)
        if (employment[r] == code(Employment::employed))
          next[r] = next_opportunity(0, q, world.rng().agent(id[r], 0, kTransitionDraw).unit(0));
    });
    for (std::size_t c = 0; c < n; ++c) {
      CityLabour& city = cities_[c];
      const Counts& k = counts[c];
      // Jobs = employed + vacancies, with vacancies such that expected hires
      // keep each skill level's unemployment rate where the data start it
      // (they replace the separations and absorb the net entry into the
      // labour force): the labour market starts stationary.
      const StartFlows& flows = start_flows[c];
      for (int s = 0; s < kSkillLevels; ++s) {
        double separations = 0;
        for (std::size_t sec = 0; sec < sectors_.size(); ++sec)
          separations += separation_probability(sec, dt) * k.employed[sec * kSkillLevels + s];
        // At hiring time the step's separations and retirements have left
        // their jobs open too.
        const double vacancies = std::max(
            0.0, stationary_vacancies(stationary_hires(flows, s), matching_pool(flows, s),
                                      p_.matching_efficiency_per_month, p_.matching_elasticity, clock_.step_months) -
                     flows.separations[static_cast<std::size_t>(s)] - flows.employed_retiring[static_cast<std::size_t>(s)]);
        for (std::size_t sec = 0; sec < sectors_.size(); ++sec) {
          const std::size_t seg = sec * kSkillLevels + static_cast<std::size_t>(s);
          const double share = separations > 0 ? separation_probability(sec, dt) * k.employed[seg] / separations
                                               : city.profile[sec];
          city.jobs[seg] = k.employed[seg] + vacancies * share;
        }
        city.reference_unemployment[static_cast<std::size_t>(s)] =
            k.labour_force[s] > 0 ? k.searching[s] / k.labour_force[s] : 0.0;
      }
      city.youth_hiring_weight = youth_hiring_weight(flows, kMinYouthWeight, kMaxYouthWeight);
      // The base wage reproduces the city's mean formal wage.
      double weighted = 0, formal = 0;
      for (std::size_t seg = 0; seg < city.jobs.size(); ++seg) {
        const std::size_t sec = seg / kSkillLevels;
        if (sectors_.informal[sec]) continue;
        weighted += k.employed[seg] * sectors_.wage_index[sec] * skill_premium_[seg % kSkillLevels];
        formal += k.employed[seg];
      }
      city.base_wage = weighted > 0 ? city.mean_wage_data * formal / weighted : city.mean_wage_data;
      publish(world, c, k, {0.0, 0.0, 0.0});
    }
  }

  void run(Phase, World& world) override {
    const std::size_t n = world.city_count();
    const std::uint32_t step = world.step();
    // Recognition programmes in force lower the penalty from the city's level.
    for (std::size_t c = 0; c < n; ++c)
      world.fields().at(penalty_field_, c)[0] =
          penalty_[c] * (1.0 - world.fields().at(recognition_reduction_, c)[0]);
    const double dt = clock_.years_per_step();
    const std::size_t segments = sectors_.size() * kSkillLevels;

    // 1. Retirement, entry into the labour force, separations; count.
    std::vector<double> p_separation(sectors_.size());
    for (std::size_t sec = 0; sec < sectors_.size(); ++sec) p_separation[sec] = separation_probability(sec, dt);
    const double opportunity = separation_opportunity(dt);
    const auto chunks = make_chunks(world);
    std::vector<Counts> chunk_counts(chunks.size(), Counts(segments));
    std::vector<std::vector<Seeker>> seekers(chunks.size());
    parallel_for_chunks(chunks, [&](std::size_t k, const Chunk& ch) {
      AgentTable& a = world.agents(ch.city);
      const auto id = a.col(core::id);
      const auto age = a.col(core::age_months);
      const auto skill = a.col(core::skill);
      auto employment = a.col(core::employment);
      const auto legal = a.col(core::legal_status);
      const std::span<const std::uint16_t> arrival =
          arrival_ ? std::span<const std::uint16_t>(a.col(*arrival_)) : std::span<const std::uint16_t>{};
      auto job = a.col(job_);
      const CityLabour& city = cities_[ch.city];
      // Who takes part this step: the labour force and those coming of age.
      // Employed workers between separation opportunities are only counted;
      // everyone else who takes part this step is listed for a draw.
      auto next = a.col(next_separation_);
      std::array<std::int64_t, kJobCodes> by_job{};
      std::array<std::int64_t, kSkillLevels> labour_force{};
      LaneCounter<kSkillLevels> searching;
      const LabourColumns columns{id.data(), age.data(), skill.data(), next.data(), employment.data(), job.data()};
      const LabourSurveyRules rules{p_.retirement_age_years * 12, p_.entry_age_years * 12, clock_.step_months, step, segments + 1};
      thread_local RowSelection listed;
      listed.list(ch, [&](std::uint32_t* rows, std::uint64_t* ids) {
        return survey_labour_force(columns, rules, ch.begin, ch.end, by_job.data(), labour_force.data(), rows, ids);
      });
      const auto rows = listed.rows();
      // Their draws at once: 0 joining the labour force or the wait to the
      // next separation opportunity, 1 separation, 2 recognition, 3 whether
      // an unscheduled worker has an opportunity now.
      thread_local DrawBatch draws;
      world.rng().agents(listed.ids(), step, kTransitionDraw, draws);
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const std::uint32_t r = rows[i];
        if (employment[r] == code(Employment::inactive)) {  // coming of age
          if (draws.unit(0, i) >= city.participation) continue;
          employment[r] = code(Employment::unemployed);
        }
        if (employment[r] == code(Employment::employed)) {
          // A separation opportunity (thinning with q >= every sector's
          // separation probability), then the next one.
          const bool now = next[r] == step || draws.unit(3, i) < opportunity;
          next[r] = next_opportunity(step, opportunity, draws.unit(0, i));
          if (now && draws.unit(1, i) * opportunity < p_separation[job_sector(job[r])]) {
            employment[r] = code(Employment::unemployed);
            job[r] = kNoJob;
          }
        }
        labour_force[skill[r]] += 1;
        if (employment[r] == code(Employment::employed)) {
          by_job[job[r]] += 1;
        } else {
          const int level = search_skill(world, ch.city, a, r, draws.unit(2, i));
          searching.add(i, static_cast<std::size_t>(level));
          const bool prearranged = !arrival.empty() && legal[r] == code(LegalStatus::work_permit) &&
                                   static_cast<std::uint32_t>(arrival[r]) + 1 == step;
          seekers[k].push_back(
              Seeker{listed.ids()[i], r, static_cast<std::uint8_t>(level), age[r] < 25 * 12, prearranged});
        }
      }
      Counts& out = chunk_counts[k];
      for (std::size_t seg = 0; seg < segments; ++seg) out.employed[seg] = static_cast<double>(by_job[seg + 1]);
      for (int s = 0; s < kSkillLevels; ++s) {
        out.labour_force[s] = static_cast<double>(labour_force[static_cast<std::size_t>(s)]);
        out.searching[s] = static_cast<double>(searching[static_cast<std::size_t>(s)]);
      }
    });
    std::vector<Counts> counts(n, Counts(segments));
    for (std::size_t k = 0; k < chunks.size(); ++k) counts[chunks[k].city].add(chunk_counts[k]);

    // 2. Labour demand grows (and remittances and policies create jobs; a
    // demand shock scales a sector's jobs while it lasts); where demand fell
    // below the jobs filled, the surplus workers are laid off.
    std::vector<bool> layoffs(n, false);
    const double adjustment_share =
        p_.demand_adjustment_years > 0 ? 1.0 - std::exp(-dt / p_.demand_adjustment_years) : 1.0;
    for (std::size_t c = 0; c < n; ++c) {
      CityLabour& city = cities_[c];
      auto added = world.fields().at(added_field_, c);
      // Local demand at each skill level: the labour force's growth beyond
      // the profile's job growth, the labour force smoothed with the
      // adjustment time (firms and capital follow the workers with a lag,
      // and their techniques follow the workers' skills).
      std::array<double, kSkillLevels> local{};
      for (int s = 0; s < kSkillLevels; ++s) {
        const auto su = static_cast<std::size_t>(s);
        // Workers at this level: holding a job of it, or looking for one
        // (circular schemes' participants too: temporary workers do not
        // displace residents, Clemens, Lewis & Postel 2018, AER 108(6), on
        // the end of the Bracero programme, approx.).
        double labour_force = counts[c].searching[s];
        for (std::size_t sec = 0; sec < sectors_.size(); ++sec) labour_force += counts[c].employed[sec * kSkillLevels + su];
        double& smoothed = city.labour_force[su];
        local[su] = 1.0;
        if (smoothed > 0 && labour_force > 0) {
          const double next = smoothed * std::pow(labour_force / smoothed, adjustment_share);
          local[su] = std::pow(next / smoothed * std::exp(-city.profile_growth_per_year * dt),
                               p_.demand_labour_force_elasticity);
          smoothed = next;
        } else {
          smoothed = labour_force;
        }
      }
      // Sectors grow at their relative rates, rescaled so that the total
      // grows at exactly the profile's rate (times the local demand).
      double total = 0, shifted = 0;
      for (std::size_t seg = 0; seg < segments; ++seg) {
        total += city.jobs[seg];
        shifted += city.jobs[seg] * std::exp(sectors_.relative_demand_growth_per_year[seg / kSkillLevels] * dt);
      }
      const double level = shifted > 0 ? std::exp(city.profile_growth_per_year * dt) * total / shifted : 0.0;
      for (std::size_t seg = 0; seg < segments; ++seg) {
        city.jobs[seg] = city.jobs[seg] * std::exp(sectors_.relative_demand_growth_per_year[seg / kSkillLevels] * dt) *
                             level * local[seg % kSkillLevels] +
                         added[seg];
        added[seg] = 0.0;
      }
      const auto factor = world.fields().at(demand_factor_, c);
      for (std::size_t sec = 0; sec < sectors_.size(); ++sec) {
        double& applied = applied_demand_factor_[c][sec];
        if (factor[sec] == applied) continue;
        for (int s = 0; s < kSkillLevels; ++s)
          city.jobs[sec * kSkillLevels + static_cast<std::size_t>(s)] *= factor[sec] / std::max(applied, 1e-9);
        applied = std::max(factor[sec], 1e-9);
      }
      if (sectors_.informal_sector >= 0) {
        const auto informal = static_cast<std::size_t>(sectors_.informal_sector);
        // Free entry into informal work: the unemployed create informal jobs
        // (self-employment) in proportion to the informal sector's weight.
        for (int s = 0; s < kSkillLevels; ++s)
          city.jobs[informal * kSkillLevels + static_cast<std::size_t>(s)] +=
              p_.informal_entry_per_month * clock_.step_months * city.profile[informal] * counts[c].searching[s];
        // The jobs remittances support follow their yearly rate; those the
        // first receipts support (read in step 2, the remittances model having
        // run once) are among the jobs of the start already.
        if (remittance_jobs_ && step >= 2) {
          const double supported = world.fields().at(*remittance_jobs_, c)[0];
          double& low_skill_informal = city.jobs[informal * kSkillLevels];
          if (step > 2) low_skill_informal = std::max(0.0, low_skill_informal + supported - city.remittance_jobs);
          city.remittance_jobs = supported;
        }
      }
      for (std::size_t seg = 0; seg < segments; ++seg) layoffs[c] = layoffs[c] || counts[c].employed[seg] > city.jobs[seg];
    }
    if (std::find(layoffs.begin(), layoffs.end(), true) != layoffs.end()) lay_off(world, layoffs, counts);

    // 3. Matching: hires = min(U, V, m U^a V^(1-a)) per skill level, each
    // seeker hired with probability hires / U into a sector drawn in
    // proportion to its vacancies; vacancies are never exceeded.
    // Young seekers count with their city's youth hiring weight w: the chance
    // of a young seeker is w * hires / (older seekers + w * young ones).
    // Seekers who arrived with a work permit take an open job of their level
    // first, outside the matching function (their contract preceded the permit).
    std::vector<std::array<double, kSkillLevels>> young_seekers(n, std::array<double, kSkillLevels>{});
    std::vector<std::array<double, kSkillLevels>> prearranged(n, std::array<double, kSkillLevels>{});
    for (std::size_t k = 0; k < chunks.size(); ++k)
      for (const Seeker& seeker : seekers[k]) {
        young_seekers[chunks[k].city][seeker.skill] += seeker.youth && !seeker.prearranged;
        prearranged[chunks[k].city][seeker.skill] += seeker.prearranged;
      }
    std::vector<std::vector<double>> vacancies(n);
    std::vector<std::array<double, kSkillLevels>> p_hire(n), mean_finding(n);
    for (std::size_t c = 0; c < n; ++c) {
      vacancies[c].resize(segments);
      for (std::size_t seg = 0; seg < segments; ++seg)
        vacancies[c][seg] = std::max(0.0, cities_[c].jobs[seg] - counts[c].employed[seg]);
      for (int s = 0; s < kSkillLevels; ++s) {
        double v = 0;
        for (std::size_t sec = 0; sec < sectors_.size(); ++sec) v += vacancies[c][sec * kSkillLevels + s];
        const double all = counts[c].searching[s], first = prearranged[c][static_cast<std::size_t>(s)];
        const double u = all - first, taken = std::min(first, v);
        const double hires = matching_hires(u, v - taken, p_.matching_efficiency_per_month, p_.matching_elasticity,
                                            clock_.step_months);
        const double young = young_seekers[c][static_cast<std::size_t>(s)];
        const double weighted = u - young + cities_[c].youth_hiring_weight * young;
        p_hire[c][static_cast<std::size_t>(s)] = weighted > 0 ? hires / weighted : 0.0;
        // What a seeker expects on average.
        mean_finding[c][static_cast<std::size_t>(s)] = all > 0 ? (hires + taken) / all : 0.0;
      }
    }
    std::vector<std::vector<std::pair<std::uint32_t, std::uint8_t>>> offers(chunks.size()), first_offers(chunks.size());
    parallel_for_chunks(chunks, [&](std::size_t k, const Chunk& ch) {
      const auto id = world.agents(ch.city).col(core::id);
      const auto legal = world.agents(ch.city).col(core::legal_status);
      const double formal_access = world.fields().at(formal_access_, ch.city)[0];
      // The seekers' draws at once: 1 hired, 2 sector, 3 formal access.
      thread_local std::vector<std::uint64_t> seeker_ids;
      seeker_ids.resize(seekers[k].size());
      for (std::size_t i = 0; i < seekers[k].size(); ++i) seeker_ids[i] = seekers[k][i].id;
      thread_local DrawBatch draws;
      world.rng().agents(seeker_ids, step, kSearchDraw, draws);
      for (std::size_t i = 0; i < seekers[k].size(); ++i) {
        const Seeker& seeker = seekers[k][i];
        const Draw d{{0, draws.words[1][i], draws.words[2][i], draws.words[3][i]}};
        const double weight = seeker.youth ? cities_[ch.city].youth_hiring_weight : 1.0;
        if (!seeker.prearranged && d.unit(1) >= weight * p_hire[ch.city][seeker.skill]) continue;
        double total = 0;
        for (std::size_t sec = 0; sec < sectors_.size(); ++sec) total += vacancies[ch.city][sec * kSkillLevels + seeker.skill];
        double pick = d.unit(2) * total, cum = 0;
        std::size_t sec = 0;
        for (; sec + 1 < sectors_.size(); ++sec) {
          cum += vacancies[ch.city][sec * kSkillLevels + seeker.skill];
          if (pick < cum) break;
        }
        // A formal employer hires an undocumented applicant only with the
        // city's access probability; the informal sector hires anyone.
        if (!sectors_.informal[sec] && legal[seeker.row] == code(LegalStatus::irregular) &&
            d.unit(3) >= formal_access)
          continue;
        (seeker.prearranged ? first_offers : offers)[k].emplace_back(seeker.row, job_code(sec, seeker.skill));
      }
    });
    const auto offers_by_city = merge_by_city(chunks, offers, n);
    const auto first_by_city = merge_by_city(chunks, first_offers, n);
    parallel_for_cities(world, [&](std::size_t c) {
      auto employment = world.agents(c).col(core::employment);
      auto job = world.agents(c).col(job_);
      for (const auto* list : {&first_by_city[c], &offers_by_city[c]})
        for (const auto& [row, offered] : *list) {
          double& open = vacancies[c][job_segment(offered)];
          if (open < 1.0) continue;
          open -= 1.0;
          employment[row] = code(Employment::employed);
          job[row] = offered;
          counts[c].employed[job_segment(offered)] += 1;
          counts[c].searching[job_skill(offered)] -= 1;
        }
      auto open = world.fields().at(vacancies_field_, c);
      for (std::size_t seg = 0; seg < segments; ++seg) open[seg] = std::floor(vacancies[c][seg]);
      publish(world, c, counts[c], mean_finding[c]);
    });
  }

  void observe(const World& world, SeriesOut& out) const override {
    auto& employed = out["employed"];
    auto& unemployed = out["unemployed"];
    auto& youth_unemployment_rate = out["youth_unemployment_rate"];
    auto& informal_employed = out["informal_employed"];
    auto& mean_wage = out["mean_wage"];
    auto& vacancies = out["vacancies"];
    auto& unemployment_rate = out["unemployment_rate"];
    // employed, unemployed, youth_unemployment_rate, informal_employed, mean_wage, vacancies, unemployment_rate
    const auto chunks = make_chunks(world);
    struct Tally {
      double employed = 0, unemployed = 0, youth_unemployed = 0, youth_labour_force = 0, informal = 0;
      double formal_wages = 0;  // of formal jobs: the data's mean wage is formal employees' mean earnings
    };
    std::vector<Tally> tallies(chunks.size());
    std::vector<std::vector<double>> filled(chunks.size());
    const std::size_t segments = sectors_.size() * kSkillLevels;
    parallel_for_chunks(chunks, [&](std::size_t k, const Chunk& ch) {
      const AgentTable& a = world.agents(ch.city);
      const auto age = a.col(core::age_months);
      const auto employment = a.col(core::employment);
      const auto job = a.col(job_);
      const auto wage = world.fields().at(wage_field_, ch.city);
      // Counted by job code (0: none), then the unemployed and the youth in
      // a plain reduction the compiler vectorises (32-bit sums: a chunk has
      // fewer than 2^32 rows).
      std::array<std::int64_t, kJobCodes> by_job{};
      count_codes(job.data(), ch.begin, ch.end, segments + 1, by_job.data());
      std::uint32_t unemployed_all = 0, unemployed_youth = 0, youth_employed = 0;
      for (std::uint32_t r = ch.begin; r < ch.end; ++r) {
        const bool youth = (age[r] >= 15 * 12) & (age[r] < 25 * 12);
        const bool unemployed = employment[r] == code(Employment::unemployed);
        unemployed_all += unemployed;
        unemployed_youth += youth & unemployed;
        youth_employed += youth & (job[r] != kNoJob);
      }
      Tally& t = tallies[k];
      filled[k].assign(segments, 0.0);
      for (std::size_t seg = 0; seg < segments; ++seg) {
        const auto count = static_cast<double>(by_job[seg + 1]);
        filled[k][seg] = count;
        t.employed += count;
        if (sectors_.informal[seg / kSkillLevels])
          t.informal += count;
        else
          t.formal_wages += count * wage[seg];
      }
      t.unemployed = static_cast<double>(unemployed_all);
      t.youth_unemployed = static_cast<double>(unemployed_youth);
      t.youth_labour_force = t.youth_unemployed + static_cast<double>(youth_employed);
    });
    const std::size_t n = world.city_count();
    std::vector<Tally> city(n);
    std::vector<std::vector<double>> city_filled(n, std::vector<double>(segments, 0.0));
    for (std::size_t k = 0; k < chunks.size(); ++k) {
      Tally& t = city[chunks[k].city];
      t.employed += tallies[k].employed;
      t.unemployed += tallies[k].unemployed;
      t.youth_unemployed += tallies[k].youth_unemployed;
      t.youth_labour_force += tallies[k].youth_labour_force;
      t.informal += tallies[k].informal;
      t.formal_wages += tallies[k].formal_wages;
      for (std::size_t seg = 0; seg < segments; ++seg) city_filled[chunks[k].city][seg] += filled[k][seg];
    }
    const double scale = static_cast<double>(world.people_per_agent());
    for (std::size_t c = 0; c < n; ++c) {
      employed[c] = city[c].employed * scale;
      unemployed[c] = city[c].unemployed * scale;
      youth_unemployment_rate[c] = city[c].youth_labour_force > 0 ? city[c].youth_unemployed / city[c].youth_labour_force : 0.0;
      informal_employed[c] = city[c].informal * scale;
      const double formal = city[c].employed - city[c].informal;
      mean_wage[c] = formal > 0 ? city[c].formal_wages / formal : 0.0;
      double open = 0;
      const auto jobs = world.fields().at(jobs_field_, c);
      for (std::size_t seg = 0; seg < jobs.size(); ++seg) open += std::max(0.0, jobs[seg] - city_filled[c][seg]);
      vacancies[c] = open * scale;
      const double labour_force = city[c].employed + city[c].unemployed;
      unemployment_rate[c] = labour_force > 0 ? city[c].unemployed / labour_force : 0.0;
    }
  }

  // The jobs, smoothed labour force and remittance-supported jobs of each
  // city, and the demand shocks already applied to the jobs.
  void checkpoint(StateArchive& ar) override {
    ar("cities", cities_);
    ar("applied_demand_factor", applied_demand_factor_);
  }

 private:
  double separation_probability(std::size_t sector, double dt) const {
    return 1.0 - std::exp(-sectors_.separation_rate_per_year[sector] * dt);
  }

  // Per-step probability of a separation opportunity: the largest sector's
  // separation probability (thinning).
  double separation_opportunity(double dt) const {
    double q = 0;
    for (std::size_t sec = 0; sec < sectors_.size(); ++sec) q = std::max(q, separation_probability(sec, dt));
    return std::min(q, 1.0 - 1e-12);
  }

  // The step of the next opportunity after `step`: a geometric wait (uniform u).
  static std::uint16_t next_opportunity(std::uint32_t step, double q, double u) {
    return static_cast<std::uint16_t>(std::min<double>(step + 1 + std::floor(std::log(u) / std::log1p(-q)), 0xFFFF));
  }

  // Skill level at which an agent competes for jobs: its own, or low when a
  // foreign qualification (medium or high, obtained in another country) is
  // not recognised, which happens with the city's penalty probability.
  int search_skill(const World& world, std::size_t city, const AgentTable& a, std::uint32_t row, double u) const {
    const int own = a.col(core::skill)[row];
    if (own == code(Skill::low)) return own;
    const bool foreign_qualification = world.geography().foreign_born(a.col(core::origin)[row], city);
    const double penalty = world.fields().at(penalty_field_, city)[0];
    return foreign_qualification && u < penalty ? code(Skill::low) : own;
  }

  std::vector<Counts> count(const World& world, std::uint32_t step) const {
    const auto chunks = make_chunks(world);
    const std::size_t segments = sectors_.size() * kSkillLevels;
    std::vector<Counts> per_chunk(chunks.size(), Counts(segments));
    parallel_for_chunks(chunks, [&](std::size_t k, const Chunk& ch) {
      const AgentTable& a = world.agents(ch.city);
      const auto id = a.col(core::id);
      const auto employment = a.col(core::employment);
      const auto skill = a.col(core::skill);
      const auto job = a.col(job_);
      for (std::uint32_t r = ch.begin; r < ch.end; ++r) {
        if (employment[r] == code(Employment::inactive)) continue;
        per_chunk[k].labour_force[skill[r]] += 1;
        if (employment[r] == code(Employment::employed)) {
          per_chunk[k].employed[job_segment(job[r])] += 1;
        } else {
          const Draw d = world.rng().agent(id[r], step, kSearchDraw);
          per_chunk[k].searching[search_skill(world, ch.city, a, r, d.unit(0))] += 1;
        }
      }
    });
    std::vector<Counts> counts(world.city_count(), Counts(segments));
    for (std::size_t k = 0; k < chunks.size(); ++k) counts[chunks[k].city].add(per_chunk[k]);
    return counts;
  }

  // Exactly (employed - jobs) workers of each over-full segment lose their
  // job, those with the lowest keyed priority first.
  void lay_off(World& world, const std::vector<bool>& cities, std::vector<Counts>& counts) {
    const std::uint32_t step = world.step();
    parallel_for_cities(world, [&](std::size_t c) {
      if (!cities[c]) return;
      AgentTable& a = world.agents(c);
      const auto id = a.col(core::id);
      auto employment = a.col(core::employment);
      auto job = a.col(job_);
      const std::size_t segments = cities_[c].jobs.size();
      std::vector<std::vector<std::pair<double, std::uint32_t>>> by_segment(segments);
      for (std::uint32_t r = 0; r < a.size(); ++r) {
        if (job[r] == kNoJob) continue;
        const std::size_t seg = job_segment(job[r]);
        if (counts[c].employed[seg] > cities_[c].jobs[seg])
          by_segment[seg].emplace_back(world.rng().agent(id[r], step, kLayoffDraw).unit(0), r);
      }
      for (std::size_t seg = 0; seg < segments; ++seg) {
        auto& workers = by_segment[seg];
        const auto surplus = static_cast<std::size_t>(std::ceil(counts[c].employed[seg] - cities_[c].jobs[seg]));
        if (workers.empty() || surplus == 0) continue;
        const std::size_t fired = std::min(surplus, workers.size());
        std::nth_element(workers.begin(), workers.begin() + static_cast<std::ptrdiff_t>(fired - 1), workers.end());
        for (std::size_t i = 0; i < fired; ++i) {
          employment[workers[i].second] = code(Employment::unemployed);
          job[workers[i].second] = kNoJob;
        }
        counts[c].employed[seg] -= static_cast<double>(fired);
      }
    });
  }

  // Wages from the wage curve, and the fields other models read.
  void publish(World& world, std::size_t c, const Counts& k, const std::array<double, kSkillLevels>& p_hire) {
    const CityLabour& city = cities_[c];
    auto wage = world.fields().at(wage_field_, c);
    auto jobs = world.fields().at(jobs_field_, c);
    auto unemployment = world.fields().at(unemployment_field_, c);
    auto finding = world.fields().at(finding_field_, c);
    auto skill_wage = world.fields().at(skill_wage_field_, c);
    for (int s = 0; s < kSkillLevels; ++s) {
      const auto su = static_cast<std::size_t>(s);
      const double u = k.labour_force[s] > 0 ? k.searching[s] / k.labour_force[s] : 0.0;
      unemployment[su] = u;
      finding[su] = p_hire[su];
      const double ref = city.reference_unemployment[su];
      const double curve = wage_curve_factor(u, ref, p_.wage_curve_elasticity);
      // The wage a job at this skill level pays on average (over all jobs,
      // filled or open), which is what job seekers expect.
      double all = 0, all_wages = 0;
      for (std::size_t sec = 0; sec < sectors_.size(); ++sec) {
        const std::size_t seg = sec * kSkillLevels + su;
        wage[seg] = city.base_wage * sectors_.wage_index[sec] * skill_premium_[su] * curve;
        jobs[seg] = city.jobs[seg];
        all += city.jobs[seg];
        all_wages += city.jobs[seg] * wage[seg];
      }
      skill_wage[su] = all > 0 ? all_wages / all : city.base_wage * skill_premium_[su] * curve;
    }
  }

  Sectors sectors_;
  const Clock& clock_;
  Params p_;
  std::array<double, kSkillLevels> skill_premium_;  // low, medium (1), high
  std::vector<CityLabour> cities_;
  std::vector<double> penalty_;
  Column<std::uint8_t> job_{};
  Column<std::uint16_t> next_separation_{};
  CityField jobs_field_, wage_field_, unemployment_field_, finding_field_, skill_wage_field_, penalty_field_,
      retirement_field_, entry_age_field_, participation_field_;
  CityField vacancies_field_, added_field_;
  std::optional<CityField> remittance_jobs_;
  std::optional<Column<std::uint16_t>> arrival_;  // with the legal status model
  CityField recognition_reduction_, demand_factor_, formal_access_;  // levers
  std::vector<std::vector<double>> applied_demand_factor_;  // [city][sector]: demand shock in the jobs now
};

}  // namespace

ModelInfo labour_market() {
  ModelInfo info;
  info.slot = "labour";
  info.slot_meaning = "Jobs, hiring, separations and wages";
  info.name = "matching";
  info.summary = "jobs by city, sector and skill; separations, Cobb-Douglas matching of the unemployed to "
                 "vacancies, demand growth, wage curve, recognition of foreign qualifications";
  info.is_default = true;
  info.phases = {Phase::labour};
  info.params = bound_params().declarations();
  CollectionDecl sectors;
  sectors.name = "sectors";
  sectors.entry_noun = "sector";
  sectors.meaning = "Sectors of the labour market (scenarios/data/sectors.toml), after the seeds' priorities";
  const std::string data = "sector data (scenarios/data/sectors.toml)";
  sectors.fields = {
      text_param("long_name", std::string(""), "Descriptive name", data),
      bool_param("informal", false, "Whether this is the informal sector (at most one)", data),
      real_param("wage_index", "1", std::nullopt, 0.0, 10.0, "Mean wage relative to the city's mean formal wage", data),
      real_param("separation_rate_per_year", "1/year", std::nullopt, 0.0, 5.0, "Share of jobs ending per year", data),
      real_param("relative_demand_growth_per_year", "1/year", std::nullopt, -0.5, 0.5,
                 "Growth of the sector's jobs per year relative to the city's total job growth", data),
      text_param("source", std::string(""), "Where the figures come from", data),
  };
  info.collections.push_back(std::move(sectors));
  CollectionDecl profiles;
  profiles.name = "sector_profiles";
  profiles.entry_noun = "sector profile";
  profiles.meaning = "Employment shares by sector, referenced by cities (scenarios/data/sectors.toml)";
  ParamDecl shares = share_param("employment_shares", std::nullopt, "Share of employment in each sector (sum 1)", data);
  shares.type = ParamType::real_table;
  shares.collection = "sectors";
  profiles.fields = {
      shares,
      real_param("job_growth_per_year", "1/year", std::nullopt, -0.5, 0.5,
                 "Growth of the total number of jobs per year in the cities with this profile", data),
      text_param("job_growth_source", std::string(""), "Where the job growth comes from", data),
      text_param("source", std::string(""), "Where the shares come from", data)};
  info.collections.push_back(std::move(profiles));
  info.fields = with_collection("cities", city_data().declarations());
  info.series = {
      {"employed", "persons", "Employed residents", true, SeriesKind::stock},
      {"unemployed", "persons", "Unemployed residents (ILO: without work, seeking)", true, SeriesKind::stock},
      {"youth_unemployment_rate", "1", "Unemployed / labour force, residents aged 15-24", false, SeriesKind::rate, true},
      {"informal_employed", "persons", "Residents employed in the informal sector", true, SeriesKind::stock},
      {"mean_wage", "EUR per month", "Mean monthly wage of formal employees (the informal sector left out)", false, SeriesKind::rate, true},
      {"vacancies", "persons", "Open jobs (labour demand not met)", true, SeriesKind::stock, true},
      {"unemployment_rate", "1", "Unemployed / labour force (residents aged 15 and over)", false, SeriesKind::rate, true},
  };
  info.checks.push_back([](const ScenarioSpec& spec, std::vector<Diagnostic>& diags) {
    int informal = 0;
    for (const auto& s : spec.entries("sectors")) informal += s.flag("informal") ? 1 : 0;
    if (informal > 1)
      diags.push_back(Diagnostic{spec.entries("sectors").front().where, "sectors", "more than one informal sector", ""});
    for (const auto& p : spec.entries("sector_profiles")) {
      double total = 0;
      for (const auto& [name, share] : p.real_table("employment_shares")) total += share;
      if (std::abs(total - 1.0) > 1e-6)
        diags.push_back(Diagnostic{p.field("employment_shares").where, "sector_profiles." + p.name + ".employment_shares",
                                   "shares sum to " + to_toml_text(Value{total}) + ", not 1", ""});
    }
  });
  const std::vector<Phase> labour_phase{Phase::labour};
  info.state.owns = {
      owns_column<std::uint8_t>(kJobColumn, "code", "job held: 1 + sector * 3 + skill level of the job; 0 none",
                                labour_phase),
      owns_column<std::uint16_t>("next_separation_check", "step",
                                 "step of a worker's next separation opportunity; 0 unscheduled", labour_phase),
      owns_field(kJobsField, "sectors x 3 skill levels", "agents", "jobs, filled or vacant", labour_phase),
      owns_field(kRetirementAgeField, "1", "months", "age at which workers leave the labour force "
                 "(labour.retirement_age_years; set once, when the world is built)", {}),
      owns_field(kLabourEntryAgeField, "1", "months", "age from which young people may join the labour force "
                 "(labour.entry_age_years; set once, when the world is built)", {}),
      owns_field(kParticipationField, "1", "1",
                 "share of working-age residents who take part in the labour force (employment_rate_15_64 / (1 - "
                 "unemployment_rate); set once, when the world is built)",
                 {}),
      owns_field(kWageField, "sectors x 3 skill levels", "EUR/month", "wage of a job by sector and skill level",
                 labour_phase),
      owns_field(kUnemploymentRateField, "3 skill levels", "1",
                 "unemployment rate by skill level searched at (labour force by own skill)", labour_phase),
      owns_field(kJobFindingField, "3 skill levels", "1 per step",
                 "probability that a job seeker is hired in the step (monthly at one-month steps), by skill level",
                 labour_phase),
      owns_field(kSkillWageField, "3 skill levels", "EUR/month",
                 "mean wage of a job (filled or open) by skill level, what job seekers expect", labour_phase),
      owns_field(kRecognitionPenaltyField, "1", "1",
                 "probability that a foreign qualification is not recognised when hiring (after recognition "
                 "programmes)",
                 labour_phase),
      owns_field(kVacanciesField, "sectors x 3 skill levels", "agents", "open jobs after this step's hiring",
                 labour_phase),
      owns_field(kJobsAddedField, "sectors x 3 skill levels", "agents",
                 "jobs created by policies since the labour model last ran (policies add, the labour model takes "
                 "them into its jobs and sets them back to zero)",
                 labour_phase),
  };
  info.state.reads = {
      optional(reads_field(kRemittanceJobsField, Phase::labour, ReadTiming::last_step),
               "no remittance-funded informal jobs"),
      optional(reads_column(kArrivalColumn, Phase::labour, ReadTiming::last_step),
               "no arrival steps: work-permit holders look for work like everyone"),
  };
  reads_lever(info.state, recognition_reduction_lever(), Phase::labour);
  reads_lever(info.state, sector_demand_lever(), Phase::labour);
  reads_lever(info.state, undocumented_formal_access_lever(), Phase::labour);
  info.make = [](ModelSetup& setup) { return std::make_unique<LabourMarket>(setup); };
  return info;
}

}  // namespace mobsim::models
