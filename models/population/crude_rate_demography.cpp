// Ageing, deaths and births. Mortality follows a Gompertz-Makeham age
// schedule scaled per city so that the initial population dies at the city's
// crude death rate; women of fertile age give birth at the same rate at every
// fertile age, the rate that gives the city's total fertility rate (births
// per woman over a life at these rates).
//
// Draws are made only at "demographic opportunities" (thinning): each agent
// has one per step with a probability q that bounds its chance of dying or
// giving birth over a band of ages (across all cities), and an opportunity
// becomes a death and/or a birth with probabilities p / q, so every step's
// probabilities are exactly those of the model while most agents are
// skipped without a draw.
#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

#include "declare.hpp"
#include "demography_kernel.hpp"
#include "household_groups.hpp"
#include "register_models.hpp"

namespace mobsim::models {

namespace {

constexpr Purpose kDemographyDraw = purpose("demography.death_birth");  // 0 event, 1 wait, 2 opportunity now
constexpr Purpose kNewbornDraw = purpose("demography.newborn");

struct Params {
  double makeham_per_year, gompertz_level_per_year, gompertz_slope_per_year;
  int max_age_years, fertile_min_age_years, fertile_max_age_years;
  double male_share_at_birth;
};

constexpr const char* kMortalityShapeSource =
    "assumption: fitted by eye to Human Mortality Database period life tables for Italy around 2019 "
    "(hazard about 0.001 at 40, 0.006 at 60, 0.045 at 80, 0.12 at 90); only the shape matters because each "
    "city's level is scaled to its crude death rate";

const ParamBindings<Params>& bound_params() {
  static const ParamBindings<Params> table{
      bind(&Params::makeham_per_year,
           real_param("demography.makeham_per_year", "1/year", 0.0003, 0.0, 1.0,
                      "Age-independent part of the relative mortality hazard", kMortalityShapeSource)),
      bind(&Params::gompertz_level_per_year,
           real_param("demography.gompertz_level_per_year", "1/year", 1.5e-5, 0.0, 1.0,
                      "Age-dependent part of the relative mortality hazard at age 0", kMortalityShapeSource)),
      bind(&Params::gompertz_slope_per_year,
           real_param("demography.gompertz_slope_per_year", "1/year of age", 0.1, 0.0, 0.5,
                      "Rate at which the relative mortality hazard grows with age", kMortalityShapeSource)),
      bind(&Params::max_age_years, integer_param("demography.max_age_years", "years", 110, 80, 130,
                                                 "Agents reaching this age die (the life table is closed)",
                                                 "assumption: very few people live beyond 110 (HMD)")),
      bind(&Params::fertile_min_age_years, integer_param("demography.fertile_min_age_years", "years", 15, 10, 30,
                                                         "Youngest age at which women give birth",
                                                         "UN WPP convention for age-specific fertility (15-49)")),
      bind(&Params::fertile_max_age_years, integer_param("demography.fertile_max_age_years", "years", 49, 35, 60,
                                                         "Oldest age at which women give birth",
                                                         "UN WPP convention for age-specific fertility (15-49)")),
      bind(&Params::male_share_at_birth,
           real_param("demography.male_share_at_birth", "1", 0.512, 0.0, 1.0, "Share of boys among newborns",
                      "sex ratio at birth of about 105 boys per 100 girls (WHO; UN WPP 2022)")),
  };
  return table;
}

// Ages in months, as the agents carry them.
// What the city data give demography (scenarios/data/cities.toml).
struct CityData {
  double total_fertility_rate;
  double crude_death_rate_per_1000;
};

const ParamBindings<CityData>& city_data() {
  static const ParamBindings<CityData> table{
      bind(&CityData::total_fertility_rate,
           real_param("total_fertility_rate", "births per woman", std::nullopt, 0.0, 10.0,
                      "Births a woman would have over her fertile years at the city's current rates",
                      "city data (scenarios/data/cities.toml)")),
      bind(&CityData::crude_death_rate_per_1000,
           real_param("crude_death_rate_per_1000", "per 1000 residents per year", std::nullopt, 0.0, 60.0,
                      "Deaths per 1000 residents per year", "city data (scenarios/data/cities.toml)")),
  };
  return table;
}

struct AgeRules {
  int max_age_months;
  int fertile_min_months;
  int fertile_end_months;  // exclusive
};

// The column holds the step of the agent's next check (low 15 bits) and
// whether that step is a scheduled opportunity (top bit); 0 = unscheduled.
constexpr std::uint16_t kOpportunityFlag = 0x8000;
constexpr std::uint16_t kStepMask = 0x7FFF;
constexpr int kBandYears = 5;  // opportunities are scheduled within bands of five years of age

class CrudeRateDemography : public Model {
 public:
  explicit CrudeRateDemography(ModelSetup& setup)
      : clock_(setup.clock),
        p_(bound_params().read(setup.spec)),
        ages_{p_.max_age_years * 12, p_.fertile_min_age_years * 12, (p_.fertile_max_age_years + 1) * 12} {
    const auto& spec = setup.spec;
    band_months_ = std::max(kBandYears * 12, setup.clock.step_months);
    next_ = setup.schema.add<std::uint16_t>("next_demography_check",
                                            "step of the next demographic check (low 15 bits; top bit: an opportunity)");
    for (const auto& city : setup.geography.cities()) {
      const CityData data = city_data().read(*spec.find_entry("cities", city.name));
      total_fertility_rate_.push_back(data.total_fertility_rate);
      crude_death_rate_.push_back(data.crude_death_rate_per_1000 / 1000.0);
    }
  }

  // Relative mortality hazard at an age, before the city's scaling.
  double relative_hazard(int age_months) const {
    return p_.makeham_per_year + p_.gompertz_level_per_year * std::exp(p_.gompertz_slope_per_year * age_months / 12.0);
  }

  void initialise(World& world) override {
    deaths_ = world.flow("deaths");
    births_ = world.flow("births");
    if (world.schema().has(kHouseholdColumn)) household_ = world.schema().find<std::uint32_t>(kHouseholdColumn);
    const std::size_t n = world.city_count();
    // Mean relative hazard of the initial population.
    const auto chunks = make_chunks(world);
    std::vector<double> hazard_sum(chunks.size(), 0.0);
    parallel_for_chunks(chunks, [&](std::size_t k, const Chunk& ch) {
      const auto age = world.agents(ch.city).col(core::age_months);
      for (std::uint32_t r = ch.begin; r < ch.end; ++r) hazard_sum[k] += relative_hazard(age[r]);
    });
    std::vector<double> mean_hazard(n, 0.0);
    for (std::size_t k = 0; k < chunks.size(); ++k) mean_hazard[chunks[k].city] += hazard_sum[k];
    const double dt = clock_.years_per_step();
    death_probability_.assign(n, std::vector<double>(static_cast<std::size_t>(ages_.max_age_months) + 1, 1.0));
    birth_probability_.assign(n, 0.0);
    for (std::size_t c = 0; c < n; ++c) {
      const double agents = static_cast<double>(world.agents(c).size());
      mean_hazard[c] /= std::max(1.0, agents);
      const double scale = mean_hazard[c] > 0 ? crude_death_rate_[c] / mean_hazard[c] : 0.0;
      for (int a = 0; a < ages_.max_age_months; ++a)
        death_probability_[c][static_cast<std::size_t>(a)] = 1.0 - std::exp(-scale * relative_hazard(a) * dt);
      const double fertility_per_woman =
          total_fertility_rate_[c] / static_cast<double>(p_.fertile_max_age_years - p_.fertile_min_age_years + 1);
      birth_probability_[c] = 1.0 - std::exp(-fertility_per_woman * dt);
    }
    // Opportunity probability per band of ages and sex: bounds the chance
    // of a death and/or a birth at every age of the band, in every city.
    const int bands = ages_.max_age_months / band_months_ + 1;
    const double max_birth = *std::max_element(birth_probability_.begin(), birth_probability_.end());
    for (int sex = 0; sex < 2; ++sex)
      for (int b = 0; b < bands; ++b) {
        double death = 0;
        bool fertile_in_band = false;
        for (int a = b * band_months_; a < (b + 1) * band_months_ && a <= ages_.max_age_months; ++a) {
          for (std::size_t c = 0; c < n; ++c) death = std::max(death, death_probability_[c][static_cast<std::size_t>(a)]);
          fertile_in_band = fertile_in_band || fertile(a);
        }
        const double birth = sex == code(Sex::female) && fertile_in_band ? max_birth : 0.0;
        opportunity_[sex].push_back(1.0 - (1.0 - death) * (1.0 - birth));
        log_no_opportunity_[sex].push_back(std::log1p(-opportunity_[sex].back()));
      }
    // The initial agents' first checks are scheduled now (step 0), so the
    // first step draws only for those with an opportunity.
    parallel_for_chunks(chunks, [&](std::size_t, const Chunk& ch) {
      AgentTable& a = world.agents(ch.city);
      const auto id = a.col(core::id);
      const auto age = a.col(core::age_months);
      const auto sex = a.col(core::sex);
      auto next = a.col(next_);
      thread_local DrawBatch draws;
      world.rng().agents(id.subspan(ch.begin, ch.end - ch.begin), 0, kDemographyDraw, draws);
      for (std::uint32_t r = ch.begin; r < ch.end; ++r)
        next[r] = schedule(0, age[r], sex[r], draws.unit(1, r - ch.begin));
    });
  }

  // women_of_fertile_age: with births, the simulated births per woman.
  void observe(const World& world, SeriesOut& out) const override {
    auto& women = out["women_of_fertile_age"];
    const auto chunks = make_chunks(world);
    std::vector<std::int64_t> per_chunk(chunks.size(), 0);
    parallel_for_chunks(chunks, [&](std::size_t k, const Chunk& ch) {
      const auto age = world.agents(ch.city).col(core::age_months);
      const auto sex = world.agents(ch.city).col(core::sex);
      std::int64_t count = 0;
      for (std::uint32_t r = ch.begin; r < ch.end; ++r) count += (sex[r] == code(Sex::female)) & fertile(age[r]);
      per_chunk[k] = count;
    });
    const double scale = static_cast<double>(world.people_per_agent());
    for (std::size_t k = 0; k < chunks.size(); ++k) women[chunks[k].city] += static_cast<double>(per_chunk[k]) * scale;
  }

  void run(Phase, World& world) override {
    const auto chunks = make_chunks(world);
    std::vector<std::vector<std::uint32_t>> deaths(chunks.size());
    std::vector<std::vector<std::uint8_t>> newborn_status(chunks.size());
    std::vector<std::vector<std::uint8_t>> newborn_skill(chunks.size());
    std::vector<std::vector<std::uint32_t>> newborn_household(chunks.size());
    const auto step_months = static_cast<std::uint16_t>(clock_.step_months);
    const std::uint32_t step = world.step();
    parallel_for_chunks(chunks, [&](std::size_t k, const Chunk& ch) {
      AgentTable& agents = world.agents(ch.city);
      const auto id = agents.col(core::id);
      auto age = agents.col(core::age_months);
      const auto sex = agents.col(core::sex);
      const auto legal = agents.col(core::legal_status);
      const auto skill = agents.col(core::skill);
      const auto& p_death = death_probability_[ch.city];
      const double p_birth = birth_probability_[ch.city];
      const auto last_age = static_cast<std::uint16_t>(ages_.max_age_months);
      auto next = agents.col(next_);
      // Everyone ages; those at a check are listed, with their draws at once.
      thread_local RowSelection due;
      due.list(ch, [&](std::uint32_t* rows, std::uint64_t* ids) {
        return age_and_list_due(AgeingColumns{id.data(), next.data(), age.data()}, ch.begin, ch.end, step_months,
                                last_age, step, rows, ids);
      });
      thread_local DrawBatch draws;
      world.rng().agents(due.ids(), step, kDemographyDraw, draws);
      for (std::size_t i = 0; i < due.size(); ++i) {
        const std::uint32_t r = due.rows()[i];
        const int band = age[r] / band_months_;
        const double q = opportunity_[sex[r]][static_cast<std::size_t>(band)];
        // Is this step an opportunity? Scheduled ones are; otherwise (new
        // agents, a new band of ages) with probability q. Then schedule the
        // next one a geometric number of steps ahead, within the band.
        const bool opportunity = (next[r] & kOpportunityFlag) != 0 || draws.unit(2, i) < q;
        next[r] = schedule(step, age[r], sex[r], draws.unit(1, i));
        if (!opportunity) continue;
        // Death and birth with their exact joint probabilities, given the opportunity.
        const double p_d = p_death[age[r]];
        const double p_b = (sex[r] == code(Sex::female)) & fertile(age[r]) ? p_birth : 0.0;
        const double u = draws.unit(0, i) * q;
        const bool dies = u < p_d;
        // Births are drawn from the state at the start of the step, so a
        // mother who dies this step may still give birth.
        const bool gives_birth = u < p_d * p_b || (u >= p_d && u < p_d + p_b * (1.0 - p_d));
        if (dies) deaths[k].push_back(r);
        if (gives_birth) {
          newborn_status[k].push_back(legal[r]);
          newborn_skill[k].push_back(skill[r]);
          if (household_) newborn_household[k].push_back(agents.col(*household_)[r]);
        }
      }
    });

    const auto deaths_by_city = merge_by_city(chunks, deaths, world.city_count());
    const auto status_by_city = merge_by_city(chunks, newborn_status, world.city_count());
    const auto skill_by_city = merge_by_city(chunks, newborn_skill, world.city_count());
    const auto household_by_city = merge_by_city(chunks, newborn_household, world.city_count());
    const Geography& geo = world.geography();
    parallel_for_cities(world, [&](std::size_t c) {
      world.remove_agents(c, deaths_by_city[c], deaths_);
      const std::size_t count = status_by_city[c].size();
      if (count == 0) return;
      const std::size_t first = world.create_agents(c, count, births_);
      const CoreColumns a = core_columns(world.agents(c));
      for (std::size_t i = 0; i < count; ++i) {
        const std::size_t r = first + i;
        a.origin[r] = geo.city_place(c);
        a.sex[r] = code(world.rng().agent(a.id[r], step, kNewbornDraw).unit(0) < p_.male_share_at_birth ? Sex::male
                                                                                                         : Sex::female);
        // A child's eventual skill level follows the mother's; the child
        // shares her legal status until it can act on its own.
        a.skill[r] = skill_by_city[c][i];
        a.legal_status[r] = status_by_city[c][i];
        a.employment[r] = code(Employment::inactive);
      }
      // A newborn joins its mother's household.
      if (household_) {
        auto household = world.agents(c).col(*household_);
        for (std::size_t i = 0; i < count; ++i) household[first + i] = household_by_city[c][i];
      }
    });
  }

  // Nothing changes after initialise: the death, birth and opportunity
  // tables come from the initial population, rebuilt alike on a restart;
  // the schedule is an agent column (the World's).
  void checkpoint(StateArchive&) override {}

 private:
  // The check after `step` for an agent of age `age` (months) and sex, whose
  // opportunities have probability q (of the band) per step: a geometric
  // wait (uniform u),
  // flagged as an opportunity if it falls within the age band, else the
  // first step of the next band (where the bound changes).
  std::uint16_t schedule(std::uint32_t step, int age, int sex, double u) const {
    const int band = age / band_months_;
    const int left_in_band = ((band + 1) * band_months_ - 1 - age) / clock_.step_months;
    const auto b = static_cast<std::size_t>(band);
    const double q = opportunity_[static_cast<std::size_t>(sex)][b];
    const double wait =
        q >= 1.0 ? 0.0 : std::floor(std::log(u) / log_no_opportunity_[static_cast<std::size_t>(sex)][b]);
    if (wait + 1 <= left_in_band) return static_cast<std::uint16_t>((step + 1 + static_cast<std::uint32_t>(wait)) | kOpportunityFlag);
    return static_cast<std::uint16_t>(step + 1 + static_cast<std::uint32_t>(left_in_band));
  }

  bool fertile(int age_months) const { return (age_months >= ages_.fertile_min_months) & (age_months < ages_.fertile_end_months); }

  const Clock& clock_;
  Params p_;
  AgeRules ages_;
  std::vector<double> total_fertility_rate_;                 // births per woman
  std::vector<double> crude_death_rate_;                     // per person per year
  std::vector<std::vector<double>> death_probability_;       // [city][age in months], per step
  std::vector<double> birth_probability_;                    // [city], per fertile woman per step
  FlowId deaths_ = 0, births_ = 0;
  int band_months_ = 12;
  Column<std::uint16_t> next_{};
  std::optional<Column<std::uint32_t>> household_;
  std::array<std::vector<double>, 2> opportunity_;  // [sex][band of ages]
  std::array<std::vector<double>, 2> log_no_opportunity_;  // log(1 - opportunity), the same bands
};

}  // namespace

ModelInfo crude_rate_demography() {
  ModelInfo info;
  info.slot = "demography";
  info.slot_meaning = "Ageing, deaths and births";
  info.name = "crude_rates";
  info.summary = "Gompertz-Makeham mortality scaled to each city's crude death rate; births to women of fertile "
                 "age at one rate that gives the city's total fertility rate";
  info.is_default = true;
  info.phases = {Phase::demography};
  info.params = bound_params().declarations();
  info.fields = with_collection("cities", city_data().declarations());
  info.series = {
      {"women_of_fertile_age", "persons",
       "Women of fertile age (demography.fertile_min_age_years to fertile_max_age_years); births / women * "
       "(fertile years) over a year is the simulated total fertility rate",
       true, SeriesKind::stock},
  };
  info.flows = {
      FlowDecl{"births", true, "Live births during the step", false},
      FlowDecl{"deaths", false, "Deaths during the step", false},
  };
  info.checks.push_back([](const ScenarioSpec& spec, std::vector<Diagnostic>& diags) {
    const Params p = bound_params().read(spec);
    if (p.fertile_max_age_years < p.fertile_min_age_years)
      diags.push_back(Diagnostic{spec.setting("demography.fertile_max_age_years").where,
                                 "demography.fertile_max_age_years", "is below demography.fertile_min_age_years", ""});
  });
  info.state.owns = {
      owns_column<std::uint16_t>("next_demography_check", "step",
                                 "step of the next demographic check (low 15 bits; top bit: an opportunity); 0 "
                                 "unscheduled",
                                 {Phase::demography}),
  };
  info.state.writes = {
      optional(writes_column(kHouseholdColumn, {Phase::demography}, "a newborn joins its mother's household")),
  };
  info.make = [](ModelSetup& setup) { return std::make_unique<CrudeRateDemography>(setup); };
  return info;
}

}  // namespace mobsim::models
