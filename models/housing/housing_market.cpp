// Housing market of each city: formal private, social and informal housing,
// each with a capacity in persons. Rents of formal private housing follow
// its occupancy; construction adds formal units every year; informal
// settlements grow and absorb whoever finds nothing else where they exist.
// Newcomers and the homeless are placed in the order private (if they can
// pay the deposit), social (if legally resident, after a wait), informal,
// sharing (overcrowding) or the street; informal residents who can afford it
// move into free formal private housing. With households, a household
// shares its dwelling (housing_households.hpp).
#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

#include "counting.hpp"
#include "declare.hpp"
#include "housing_households.hpp"
#include "income_rule.hpp"
#include "levers.hpp"
#include "home_loss.hpp"
#include "housing_market.hpp"
#include "register_models.hpp"
#include "shared_state.hpp"

namespace mobsim::models {

namespace {

constexpr Purpose kInitDraw = purpose("housing.init");
constexpr Purpose kPlaceDraw = purpose("housing.place");
constexpr Purpose kInitHouseholdDraw = purpose("housing.init_household");
// One draw per asylum seeker, whatever the step: whether the reception system houses them.
constexpr Purpose kReceptionDraw = purpose("housing.reception");
constexpr Purpose kHomeLossDraw = purpose("housing.home_loss");

constexpr std::size_t kPrivate = 0, kSocial = 1, kInformal = 2;  // capacity / rent indices
constexpr int kAdultMonths = kHousingAdultMonths;

std::size_t capacity_index(std::uint8_t tenure) { return static_cast<std::size_t>(tenure) - 1; }

struct Params {
  double rent_elasticity;
  double social_rent_share;
  double informal_rent_share;
  double social_allocation_per_month;
  double deposit_months;
  double sharing_probability;
  double eviction_per_month;
  double upgrade_per_month;
  double affordability_ratio;
  double informal_growth_per_year;
  double homeless_exit_per_month;
};

const ParamBindings<Params>& bound_params() {
  static const ParamBindings<Params> table{
      bind(&Params::rent_elasticity,
           plausible(real_param(
               "housing.rent_elasticity", "1", 3.0, 0.0, 20.0,
               "Rent index = (occupancy / occupancy at the start) ^ elasticity, for formal private housing",
               "assumption: rents respond strongly to vacancy near full occupancy; with 3, a fall of the vacancy "
               "rate from 5% to 2% raises rents by about 10%, the order seen in tight European markets (OECD 2021 "
               "Brick by Brick)"), 1.5, 6.0,
                     kAssumption + "half to twice the default")),
      bind(&Params::social_rent_share,
           share_param(
               "housing.social_rent_share", 0.5, "Social rent as a share of the private rent at index 1",
               "assumption: social rents are typically 40-60% of market rents (OECD Affordable Housing Database)")),
      bind(&Params::informal_rent_share,
           share_param(
               "housing.informal_rent_share", 0.3, "Informal rent as a share of the formal private rent",
               "assumption: rooms in informal settlements rent for a fraction of formal units (UN-Habitat 2003, The "
               "Challenge of Slums)")),
      bind(&Params::social_allocation_per_month,
           share_param("housing.social_allocation_per_month", 0.05,
                       "Monthly probability that a legally resident applicant gets a free social unit",
                       "assumption: waiting times of one to several years for social housing (OECD AHD PH4.2)")),
      bind(&Params::deposit_months,
           real_param("housing.deposit_months", "months of rent", 2.0, 0.0, 24.0,
                      "Savings needed to rent formal private housing (deposit and first rent)",
                      "assumption: deposits of 1-3 months' rent are common in Europe and Africa")),
      bind(
          &Params::sharing_probability,
          plausible(share_param("housing.sharing_probability", 0.6,
                      "Probability that an adult who finds no home stays with others (overcrowding) rather than on the "
                      "street, where there are no informal settlements",
                      "assumption: most people without a home of their own stay with family or friends (FEANTSA ETHOS "
                      "typology)"), 0.3, 0.9,
                     kAssumption + "most people without a home stay with others, but how many is not counted")),
      bind(&Params::upgrade_per_month,
           share_param("housing.upgrade_per_month", 0.05,
                       "Monthly probability that an informal resident who can afford formal private housing moves into "
                       "a free unit",
                       "assumption: households leave informal settlements as incomes rise (UN-Habitat 2003)")),
      bind(&Params::affordability_ratio,
           real_param("housing.affordability_ratio", "1", 3.0, 0.0, 100.0,
                      "Income needed to move into formal private housing, as a multiple of its rent per person",
                      "the usual rule that rent should not exceed about a third of income (OECD AHD HC1.2)")),
      bind(&Params::eviction_per_month,
           share_param(
               "housing.eviction_per_month", 0.05,
               "Monthly probability that a private tenant unable to pay rent from income or savings loses the home",
               "assumption")),
      bind(
          &Params::homeless_exit_per_month,
          plausible(share_param("housing.homeless_exit_per_month", 0.08,
                      "Monthly probability that a homeless resident looks for a home again (and is placed like a "
                      "newcomer; those in work who can pay a deposit look every month, those whose household has a "
                      "home in the city move in); the rest stay on the street this month",
                      "assumption: spells of homelessness last from weeks to years, about a year on average (Culhane & "
                      "Kuhn 1998 typology of shelter use: transitional, episodic, chronic; FEANTSA 2021)"), 0.04, 0.16,
                     kAssumption + "half to twice the default, the range of scenarios/sweeps/homelessness_assumptions.toml")),
      bind(&Params::informal_growth_per_year,
           real_param("housing.informal_growth_per_year", "1/year", 0.03, 0.0, 1.0,
                      "Growth of informal settlement capacity per year, where informal settlements exist",
                      "assumption: slum populations in sub-Saharan Africa grew about 3% a year (UN-Habitat 2016)")),
  };
  return table;
}

// What the country data give the housing market (scenarios/data/countries.toml).
struct CountryData {
  double asylum_reception_share;
};

const ParamBindings<CountryData>& country_data() {
  static const ParamBindings<CountryData> table{
      bind(&CountryData::asylum_reception_share,
           share_param("asylum_reception_share", std::nullopt,
                       "Share of asylum seekers housed by the reception system (in kind, free) until their "
                       "decision; the others find housing like any newcomer",
                       kCountryData)),
  };
  return table;
}

// What the city data give the housing market (scenarios/data/cities.toml).
struct CityData {
  double rent_eur_per_person_month;
  double social_housing_share;
  double informal_housing_share;
  double housing_vacancy_rate;
  double construction_per_year;
  double persons_per_dwelling;
  double homeless_share;
};

const ParamBindings<CityData>& city_data() {
  static const ParamBindings<CityData> table{
      bind(&CityData::rent_eur_per_person_month,
           real_param("rent_eur_per_person_month", "EUR per person per month", std::nullopt, 0.0, 1.0e4,
                      "Market rent of formal private housing per person", kCityData)),
      bind(&CityData::social_housing_share,
           share_param("social_housing_share", std::nullopt, "Share of residents in social housing", kCityData)),
      bind(&CityData::informal_housing_share, share_param("informal_housing_share", std::nullopt,
                                                          "Share of residents in informal settlements", kCityData)),
      bind(&CityData::housing_vacancy_rate,
           share_param("housing_vacancy_rate", std::nullopt, "Vacant share of the formal housing stock", kCityData)),
      bind(&CityData::construction_per_year, real_param("construction_per_year", "1/year", std::nullopt, 0.0, 0.5,
                                                        "Growth of the formal housing stock per year", kCityData)),
      bind(&CityData::persons_per_dwelling,
           real_param("persons_per_dwelling", "persons", std::nullopt, 1.0, 20.0, "Mean household size", kCityData)),
      bind(&CityData::homeless_share,
           share_param("homeless_share", std::nullopt, "Share of residents homeless", kCityData)),
  };
  return table;
}

struct CityHousing {
  std::array<double, 3> capacity{};  // persons (agents), by tenure
  double base_rent = 0;              // EUR per person per month at target occupancy
  double social_share_of_construction = 0;
  double construction_per_year = 0;
  double persons_per_dwelling = 1;
  bool informal_possible = false;
  double rent_index = 1;
  // Occupancy of formal private housing at the start (1 - vacancy rate): the
  // data's rent is the rent of the market as observed, so the index is 1 there.
  double reference_occupancy = 1;
  double reception_share = 0;  // of asylum seekers, housed by the reception system
  double home_loss_picks = -1;  // residents picked per resident per step (home_loss.hpp); -1 until the first housing phase
  double home_losses = 0;       // persons (agents) who lost their home in a crisis this step
  void archive(StateArchive& ar) {  // member by member: the struct has padding
    ar("capacity", capacity);
    ar("base_rent", base_rent);
    ar("social_share_of_construction", social_share_of_construction);
    ar("construction_per_year", construction_per_year);
    ar("persons_per_dwelling", persons_per_dwelling);
    ar("informal_possible", informal_possible);
    ar("rent_index", rent_index);
    ar("reference_occupancy", reference_occupancy);
    ar("reception_share", reception_share);
    ar("home_loss_picks", home_loss_picks);
    ar("home_losses", home_losses);
  }
};

class HousingMarket : public Model {
 public:
  explicit HousingMarket(ModelSetup& setup) : clock_(setup.clock), p_(bound_params().read(setup.spec)) {
    const auto& spec = setup.spec;
    for (const auto& city : setup.geography.cities()) {
      const auto& e = *spec.find_entry("cities", city.name);
      const CityData data = city_data().read(e);
      CityHousing h;
      h.base_rent = data.rent_eur_per_person_month;
      h.social_share_of_construction = data.social_housing_share;
      h.construction_per_year = data.construction_per_year;
      h.persons_per_dwelling = data.persons_per_dwelling;
      h.informal_possible = data.informal_housing_share > 0;
      h.reference_occupancy = 1.0 - data.housing_vacancy_rate;
      h.reception_share = country_data().read(*spec.find_entry("countries", city.country)).asylum_reception_share;
      cities_.push_back(h);
      shares_.push_back({data.social_housing_share, data.informal_housing_share, data.homeless_share,
                         data.housing_vacancy_rate});
    }
    tenure_ = setup.schema.add<std::uint8_t>(kTenureColumn, "0 unhoused, 1 formal private, 2 social, 3 informal, 4 homeless, 5 provided (employer or scheme), 6 asylum reception");
    rent_field_ = setup.fields.add(kRentField, 3, "rent per person by tenure (private, social, informal)");
    // The market leaves provided housing alone; the policies that provide it set its cost.
    setup.fields.add(kProvidedHousingCostField, 1, "monthly cost of housing employers or policies provide in the city");
  }

  void initialise(World& world) override {
    const auto& fields = world.field_schema();
    programme_dwellings_ = fields.find(programme_dwellings_lever().name);
    public_share_ = fields.find(public_construction_share_lever().name);
    service_access_ = fields.find(undocumented_service_access_lever().name);
    // Without a budget model everyone counts as able to pay.
    if (world.schema().has(kSavingsColumn)) {
      savings_ = world.schema().find<float>(kSavingsColumn);
      rule_.emplace(world);
    }
    if (world.schema().has(kHouseholdColumn)) household_ = world.schema().find<std::uint32_t>(kHouseholdColumn);
    // Tenure drawn from the city's shares; capacities such that the formal
    // stock has its vacancy rate and informal settlements are full.
    if (household_) {
      initial_household_tenures(world);
    } else {
      parallel_for_chunks(make_chunks(world), [&](std::size_t, const Chunk& ch) {
        AgentTable& a = world.agents(ch.city);
        const auto id = a.col(core::id);
        auto tenure = a.col(tenure_);
        const auto& s = shares_[ch.city];
        for (std::uint32_t r = ch.begin; r < ch.end; ++r) {
          const double u = world.rng().agent(id[r], 0, kInitDraw).unit(0);
          tenure[r] = code(u < s.homeless                          ? Tenure::homeless
                           : u < s.homeless + s.informal           ? Tenure::informal
                           : u < s.homeless + s.informal + s.social ? Tenure::social
                                                                    : Tenure::formal_private);
        }
      });
    }
    const auto occupied = occupancy(world);
    for (std::size_t c = 0; c < world.city_count(); ++c) {
      CityHousing& h = cities_[c];
      h.capacity[kPrivate] = occupied[c][kPrivate] / (1.0 - shares_[c].vacancy);
      h.capacity[kSocial] = occupied[c][kSocial] / (1.0 - shares_[c].vacancy);
      h.capacity[kInformal] = occupied[c][kInformal];
      update_rent(world, c, occupied[c]);
    }
  }

  void run(Phase phase, World& world) override {
    const bool housing_phase = phase == Phase::housing;
    if (housing_phase) build(world);
    if (housing_phase && world.step() == 1) receive_initial_asylum_seekers(world);
    std::vector<std::vector<std::uint32_t>> candidates;
    auto occupied = survey(world, housing_phase, candidates);
    place(world, housing_phase, candidates, occupied);
    if (housing_phase)
      for (std::size_t c = 0; c < world.city_count(); ++c) update_rent(world, c, occupied[c]);
  }

  // rent_index, housing_units, overcrowded, homeless, home_losses
  void observe(const World& world, SeriesOut& out) const override {
    auto& rent_index = out["rent_index"];
    auto& housing_units = out["housing_units"];
    auto& overcrowded = out["overcrowded"];
    auto& homeless = out["homeless"];
    auto& home_losses = out["home_losses"];
    const auto occupied = occupancy(world);
    const double scale = static_cast<double>(world.people_per_agent());
    for (std::size_t c = 0; c < world.city_count(); ++c) {
      const CityHousing& h = cities_[c];
      rent_index[c] = h.rent_index;
      housing_units[c] = (h.capacity[kPrivate] + h.capacity[kSocial] + h.capacity[kInformal]) / h.persons_per_dwelling * scale;
      double crowded = 0;
      for (std::size_t k = 0; k < 3; ++k) crowded += std::max(0.0, occupied[c][k] - std::floor(h.capacity[k]));
      overcrowded[c] = crowded * scale;
      homeless[c] = occupied[c][3] * scale;
      home_losses[c] = h.home_losses * scale;
    }
  }

  // Capacities, rent indices, the home-loss rate set at the first housing
  // phase and the last step's home losses (CityHousing is trivially
  // copyable); shares_ are the city data.
  void checkpoint(StateArchive& ar) override { ar("cities", cities_); }

 private:
  struct Shares {
    double social, informal, homeless, vacancy;
  };

  // Residents by tenure: private, social, informal, homeless.
  std::vector<std::array<double, 4>> occupancy(const World& world) const {
    const auto chunks = make_chunks(world);
    std::vector<std::array<double, 4>> per_chunk(chunks.size(), std::array<double, 4>{});
    parallel_for_chunks(chunks, [&](std::size_t k, const Chunk& ch) {
      const auto tenure = world.agents(ch.city).col(tenure_);
      std::array<std::int64_t, 5> residents{};
      count_codes(tenure.data(), ch.begin, ch.end, residents.size(), residents.data());
      for (std::size_t t = 0; t < 4; ++t) per_chunk[k][t] = static_cast<double>(residents[t + 1]);
    });
    std::vector<std::array<double, 4>> out(world.city_count(), std::array<double, 4>{});
    for (std::size_t k = 0; k < chunks.size(); ++k)
      for (std::size_t t = 0; t < 4; ++t) out[chunks[k].city][t] += per_chunk[k][t];
    return out;
  }

  // Ordinary construction (with a public share at least the rule in force),
  // and the dwellings of housing programmes; capacities are in persons.
  void build(World& world) {
    const double dt = clock_.years_per_step();
    for (std::size_t c = 0; c < world.city_count(); ++c) {
      CityHousing& h = cities_[c];
      const double added = h.construction_per_year * dt * (h.capacity[kPrivate] + h.capacity[kSocial]);
      const double social_share =
          std::max(h.social_share_of_construction, world.fields().at(public_share_, c)[0]);
      h.capacity[kSocial] += added * social_share;
      h.capacity[kPrivate] += added * (1.0 - social_share);
      const auto dwellings = world.fields().at(programme_dwellings_, c);
      const double persons = h.persons_per_dwelling / static_cast<double>(world.people_per_agent());
      h.capacity[kPrivate] += dwellings[0] * persons;
      h.capacity[kSocial] += dwellings[1] * persons;
      if (h.informal_possible) h.capacity[kInformal] *= std::exp(p_.informal_growth_per_year * dt);
    }
  }

  // One pass over the agents: counts residents by tenure and lists, by city
  // in row order, who needs placing: the unhoused (newcomers, newborns) and,
  // in the housing phase, the homeless who look for a home this step and
  // informal residents who can now afford formal housing. In the housing
  // phase, private tenants in the labour force who can pay neither from
  // income nor from savings lose their home with a monthly probability
  // first. The pass over every agent is branch-free and draws nothing: it
  // lists the few who may need placing or a draw, and only they are looked
  // at again, with their draws computed together.
  std::vector<std::array<double, 4>> survey(World& world, bool housing_phase,
                                            std::vector<std::vector<std::uint32_t>>& candidates) const {
    const std::uint32_t step = world.step();
    const double p_evict = 1.0 - std::pow(1.0 - p_.eviction_per_month, clock_.step_months);
    const auto chunks = make_chunks(world);
    std::vector<std::array<double, 4>> per_chunk(chunks.size(), std::array<double, 4>{});
    std::vector<std::vector<std::uint32_t>> listed(chunks.size());
    parallel_for_chunks(chunks, [&](std::size_t k, const Chunk& ch) {
      AgentTable& a = world.agents(ch.city);
      const auto id = a.col(core::id);
      const auto age = a.col(core::age_months);
      const auto employment = a.col(core::employment);
      auto tenure = a.col(tenure_);
      const double rent = world.fields().at(rent_field_, ch.city)[kPrivate];
      const bool budgets = savings_.has_value();
      const auto savings = budgets ? a.col(*savings_) : std::span<float>{};
      thread_local RowSelection maybe;
      std::array<std::int64_t, kTenureCodes> by_tenure{};  // residents by tenure code
      if (housing_phase && budgets) {
        // The common case, in its own kernel (models/housing/housing_survey.cpp).
        // This month's incomes, worked out for the chunk (they are not stored).
        thread_local std::vector<float> income;
        income.resize(ch.end - ch.begin);
        adult_incomes(rule_->in(world, ch.city), rule_->adult_months(world, ch.city), income.data(), ch.begin, ch.end);
        const TenureColumns columns{id.data(), age.data(), employment.data(), income.data(), savings.data(),
                                    tenure.data(), ch.begin};
        const TenureTests tests{kAdultMonths, float_ceiling(rent), float_ceiling(p_.affordability_ratio * rent),
                                float_ceiling(p_.deposit_months * rent)};
        maybe.list(ch, [&](std::uint32_t* rows, std::uint64_t* ids) {
          return survey_tenure(columns, tests, ch.begin, ch.end, by_tenure.data(), rows, ids);
        });
      } else if (housing_phase) {
        // Bitwise tests keep the common case (nothing to do) free of
        // unpredictable branches.
        LaneCounter<kTenureCodes> residents;
        maybe.select(ch, id, [&](std::uint32_t r) {
          const std::uint8_t t = tenure[r];
          residents.add(r, t);
          return (t == code(Tenure::unhoused)) | (t == code(Tenure::homeless)) |
                 ((t == code(Tenure::informal)) & (age[r] >= kAdultMonths)) | (t == code(Tenure::reception));
        });
        for (std::size_t t = 0; t < by_tenure.size(); ++t) by_tenure[t] = residents[t];
      } else {
        // The arrive phase: tenures counted, the unhoused listed.
        count_codes(tenure.data(), ch.begin, ch.end, by_tenure.size(), by_tenure.data());
        maybe.list(ch, [&](std::uint32_t* rows, std::uint64_t* ids) {
          return list_rows_equal(tenure.data(), code(Tenure::unhoused), id.data(), ch.begin, ch.end, rows, ids);
        });
      }
      for (std::size_t t = 0; t < 4; ++t) per_chunk[k][t] = static_cast<double>(by_tenure[t + 1]);
      const auto rows = maybe.rows();
      // Listed as selected: the unhoused and affordable informal residents;
      // private tenants behind with the rent after an eviction draw, the
      // homeless after a search draw (word 3 of the placement draw, which
      // each takes at most one of).
      thread_local DrawBatch draws;
      if (housing_phase) world.rng().agents(maybe.ids(), step, kPlaceDraw, draws);
      for (std::size_t i = 0; i < rows.size(); ++i) {
        const std::uint32_t r = rows[i];
        const std::uint8_t t = tenure[r];
        bool listed_now = (t == code(Tenure::unhoused)) | (t == code(Tenure::informal)) | (t == code(Tenure::reception));
        if (t == code(Tenure::formal_private) && draws.unit(3, i) < p_evict) {
          tenure[r] = code(Tenure::unhoused);
          per_chunk[k][kPrivate] -= 1;
          listed_now = true;
        } else if (t == code(Tenure::homeless)) {
          // Every homeless resident is listed: one whose household has a
          // home in the city moves in, one in work who can pay a deposit
          // looks for a home, the others look only after their search draw
          // (all three checked when placing).
          listed_now = true;
        }
        if (listed_now) listed[k].push_back(r);
      }
    });
    candidates = merge_by_city(chunks, listed, world.city_count());
    std::vector<std::array<double, 4>> occupied(world.city_count(), std::array<double, 4>{});
    for (std::size_t k = 0; k < chunks.size(); ++k)
      for (std::size_t t = 0; t < 4; ++t) occupied[chunks[k].city][t] += per_chunk[k][t];
    return occupied;
  }

  // Places the listed agents city by city in row order, so that free
  // capacity is never over-allocated and the result does not depend on
  // threads; keeps `occupied` up to date.
  void place(World& world, bool housing_phase, const std::vector<std::vector<std::uint32_t>>& candidates,
             std::vector<std::array<double, 4>>& occupied) {
    const std::uint32_t step = world.step();
    const double p_social = 1.0 - std::pow(1.0 - p_.social_allocation_per_month, clock_.step_months);
    const double p_upgrade = 1.0 - std::pow(1.0 - p_.upgrade_per_month, clock_.step_months);
    const double p_search = 1.0 - std::pow(1.0 - p_.homeless_exit_per_month, clock_.step_months);
    parallel_for_cities(world, [&](std::size_t c) {
      AgentTable& a = world.agents(c);
      const auto id = a.col(core::id);
      const auto age = a.col(core::age_months);
      const auto legal = a.col(core::legal_status);
      auto tenure = a.col(tenure_);
      const CityHousing& h = cities_[c];
      auto& occ = occupied[c];
      auto free = [&](std::size_t k) { return std::floor(h.capacity[k]) - occ[k]; };
      const double rent = world.fields().at(rent_field_, c)[kPrivate];
      // Undocumented residents get social housing only with access to services.
      const double service_access = world.fields().at(service_access_, c)[0];
      // Children live with their families: their tenure is drawn from that
      // of the housed residents at the start of the placement.
      const std::array<double, 4> housed_before = occ;
      const double housed = housed_before[kPrivate] + housed_before[kSocial] + housed_before[kInformal];
      // The candidates' draws at once (words 0-2; word 3 was the survey's).
      thread_local std::vector<std::uint64_t> ids;
      ids.resize(candidates[c].size());
      for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = id[candidates[c][i]];
      thread_local DrawBatch draws;
      world.rng().agents(ids, step, kPlaceDraw, draws);
      // Households that lose their home in a crisis (home_loss.hpp); the
      // rows of the candidates' and their households found in one pass.
      std::vector<std::uint32_t> lost_households, lost_alone;
      if (housing_phase) pick_home_losses(world, c, occ[3], p_search, lost_households, lost_alone);
      const HouseholdHomes homes = households_of(a, candidates[c], lost_households);
      if (housing_phase) lose_homes(a, homes, lost_households, lost_alone, occ, cities_[c]);
      // Adults first, then children, each in row order: a child follows
      // their household, placed (or not) before them.
      thread_local std::vector<std::uint32_t> order;
      order.clear();
      for (int children = 0; children < 2; ++children)
        for (std::uint32_t i = 0; i < ids.size(); ++i)
          if ((age[candidates[c][i]] < kAdultMonths) == (children == 1)) order.push_back(i);
      for (const std::uint32_t i : order) {
        const std::uint32_t r = candidates[c][i];
        const Draw d{{draws.words[0][i], draws.words[1][i], draws.words[2][i], 0}};
        const auto current = static_cast<Tenure>(tenure[r]);
        if (housing_phase && current == Tenure::informal) {  // can afford formal housing
          if (free(kPrivate) >= 1 && d.unit(0) < p_upgrade) {
            tenure[r] = code(Tenure::formal_private);
            occ[kInformal] -= 1;
            occ[kPrivate] += 1;
          }
          continue;
        }
        if (current == Tenure::reception) {
          // Until the decision (and a child while an adult of the household is there).
          if (legal[r] == code(LegalStatus::asylum_seeker)) continue;
          const auto with = homes.housed_member_tenure(r, tenure, age);
          if (with && *with == Tenure::reception) continue;
          tenure[r] = code(Tenure::unhoused);  // leaves it, and is placed below
        } else if (current == Tenure::unhoused && in_reception(world, a, c, r)) {
          tenure[r] = code(Tenure::reception);  // a newcomer waiting for a decision
          continue;
        }
        const auto home = homes.housed_member_tenure(r, tenure, age);
        const bool can_pay = !savings_ || a.col(*savings_)[r] >= p_.deposit_months * rent;
        const bool in_work = a.col(core::employment)[r] == code(Employment::employed);
        if (housing_phase && current == Tenure::homeless && !home && !(in_work && can_pay) &&
            !(r123::u01<double>(draws.words[3][i]) < p_search))
          continue;  // not looking this month
        const bool child = age[r] < kAdultMonths;
        if (child && !home && homes.adult_member_without_home(r, tenure, age)) {
          // A child stays with their family, on the street if it is.
          if (current == Tenure::homeless) continue;
          tenure[r] = code(Tenure::homeless);
          occ[3] += 1;
          continue;
        }
        if (current == Tenure::homeless) occ[3] -= 1;
        Tenure t;
        if (home && *home == Tenure::reception) {
          tenure[r] = code(Tenure::reception);  // a child with their parent in reception
          continue;
        }
        if (home) {
          t = *home;  // moves in with their household
        } else if (child) {
          const double u = d.unit(0) * std::max(1.0, housed);
          t = u < housed_before[kPrivate]                             ? Tenure::formal_private
              : u < housed_before[kPrivate] + housed_before[kSocial] ? Tenure::social
              : h.informal_possible                                  ? Tenure::informal
                                                                     : Tenure::formal_private;
        } else {
          if (free(kPrivate) >= 1 && can_pay) {
            t = Tenure::formal_private;
          } else if (free(kSocial) >= 1 && d.unit(1) < p_social &&
                     (legal[r] != code(LegalStatus::irregular) || service_access_draw(world.rng(), id[r]) < service_access)) {
            t = Tenure::social;
          } else if (h.informal_possible) {
            t = Tenure::informal;
          } else if (d.unit(2) < p_.sharing_probability) {
            t = Tenure::formal_private;  // staying with others: overcrowding
          } else {
            t = Tenure::homeless;
          }
        }
        tenure[r] = code(t);
        occ[capacity_index(code(t))] += 1;
      }
      // Those left on the street whose household found a home later in the
      // order move in with it (adults, then children).
      for (const std::uint32_t i : order) {
        const std::uint32_t r = candidates[c][i];
        if (tenure[r] != code(Tenure::homeless)) continue;
        if (const auto home = homes.housed_member_tenure(r, tenure, age)) {
          tenure[r] = code(*home);
          occ[3] -= 1;
          if (*home != Tenure::reception) occ[capacity_index(code(*home))] += 1;
        }
      }
    });
  }

  void update_rent(World& world, std::size_t c, const std::array<double, 4>& occupied) {
    CityHousing& h = cities_[c];
    h.rent_index = rent_index(occupied[kPrivate], h.capacity[kPrivate], h.reference_occupancy, p_.rent_elasticity);
    auto rent = world.fields().at(rent_field_, c);
    rent[kPrivate] = h.base_rent * h.rent_index;
    rent[kSocial] = h.base_rent * p_.social_rent_share;
    rent[kInformal] = h.base_rent * p_.informal_rent_share * h.rent_index;
  }

  const Clock& clock_;
  Params p_;
  std::vector<CityHousing> cities_;
  std::vector<Shares> shares_;
  void initial_household_tenures(World& world) {
    const HouseholdNumbers numbers(world.city_count());
    parallel_for_cities(world, [&](std::size_t c) {
      const auto& s = shares_[c];
      draw_household_tenures(world.rng(), world.agents(c), c, numbers, *household_, tenure_,
                             InitialTenureShares{s.social, s.informal, s.homeless}, kInitDraw, kInitHouseholdDraw);
    });
  }

  // The asylum seekers present at the start, whose status the legal status
  // model sets after the housing is drawn, move into the reception system
  // (with their children) at the first step's housing phase.
  void receive_initial_asylum_seekers(World& world) const {
    parallel_for_cities(world, [&](std::size_t c) {
      AgentTable& a = world.agents(c);
      auto tenure = a.col(tenure_);
      std::vector<std::uint32_t> received;
      for (std::uint32_t r = 0; r < a.size(); ++r)
        if (tenure[r] != code(Tenure::reception) && in_reception(world, a, c, r)) {
          tenure[r] = code(Tenure::reception);
          received.push_back(r);
        }
      if (household_) children_follow(a, *household_, tenure_, received, Tenure::reception);
    });
  }

  // Whether row r is an asylum seeker whom the reception system of city c houses.
  bool in_reception(const World& world, const AgentTable& a, std::size_t c, std::uint32_t r) const {
    if (a.col(core::legal_status)[r] != code(LegalStatus::asylum_seeker)) return false;
    const double share = cities_[c].reception_share;
    return share > 0 && world.rng().agent(a.col(core::id)[r], 0, kReceptionDraw).unit(0) < share;
  }

  HouseholdHomes households_of(const AgentTable& a, const std::vector<std::uint32_t>& rows,
                               const std::vector<std::uint32_t>& also) const {
    if (!household_ || (rows.empty() && also.empty())) return {};
    return HouseholdHomes(a.col(*household_), a.col(tenure_), a.col(core::legal_status), rows, also);
  }

  // This step's picks of city c that live in a home: their household
  // numbers, and those without one. The mean is set at the first housing
  // phase from the homeless at the start (home_loss.hpp).
  void pick_home_losses(const World& world, std::size_t c, double homeless, double exit_per_step,
                        std::vector<std::uint32_t>& households, std::vector<std::uint32_t>& alone) {
    const AgentTable& a = world.agents(c);
    const auto tenure = a.col(tenure_);
    CityHousing& h = cities_[c];
    if (h.home_loss_picks < 0) {
      const HouseholdNumbers numbers(world.city_count());
      const std::vector<std::uint32_t> none(household_ ? 0 : a.size(), kNoHousehold);
      const std::span<const std::uint32_t> household =
          household_ ? std::span<const std::uint32_t>(a.col(*household_)) : std::span<const std::uint32_t>(none);
      const double per_pick = persons_lost_per_pick(household, tenure, a.col(core::employment), c, numbers);
      h.home_loss_picks =
          a.size() > 0 ? home_loss_picks_per_step(homeless, exit_per_step, per_pick) / static_cast<double>(a.size())
                       : 0.0;
    }
    const double mean = h.home_loss_picks * static_cast<double>(a.size());  // a rate per resident
    for (const std::uint32_t r : pick_rows(world.rng(), static_cast<std::uint32_t>(c), world.step(), kHomeLossDraw,
                                           mean, static_cast<std::uint32_t>(a.size()))) {
      if (!home_that_can_be_lost(tenure[r])) continue;
      const std::uint32_t number = household_ ? a.col(*household_)[r] : kNoHousehold;
      // A household picked twice is listed twice and loses its home once
      // (by the second time its members are homeless).
      if (number == kNoHousehold) {
        alone.push_back(r);
      } else {
        households.push_back(number);
      }
    }
  }

  // The picked households with nobody in work lose their home: every member
  // housed in private, social or informal housing becomes homeless.
  void lose_homes(AgentTable& a, const HouseholdHomes& homes, const std::vector<std::uint32_t>& households,
                  const std::vector<std::uint32_t>& alone, std::array<double, 4>& occ, CityHousing& h) {
    const auto employment = a.col(core::employment);
    auto tenure = a.col(tenure_);
    h.home_losses = 0;
    const auto lose = [&](std::span<const std::uint32_t> rows) {
      // Nobody in work, and nobody of the household about to be placed (a
      // newborn, a newcomer) who would otherwise find a dwelling apart.
      for (const std::uint32_t m : rows)
        if (employment[m] == code(Employment::employed) || tenure[m] == code(Tenure::unhoused)) return;
      for (const std::uint32_t m : rows) {
        if (!home_that_can_be_lost(tenure[m])) continue;
        occ[capacity_index(tenure[m])] -= 1;
        occ[3] += 1;
        tenure[m] = code(Tenure::homeless);
        h.home_losses += 1;
      }
    };
    for (const std::uint32_t r : alone) lose(std::span<const std::uint32_t>(&r, 1));
    for (const std::uint32_t number : households)
      if (const auto* members = homes.members(number)) lose(*members);
  }

  Column<std::uint8_t> tenure_{};
  std::optional<Column<std::uint32_t>> household_;
  std::optional<Column<float>> savings_;
  std::optional<IncomeRule> rule_;
  CityField rent_field_;
  CityField programme_dwellings_, public_share_, service_access_;  // levers
};

}  // namespace

ModelInfo housing_market() {
  ModelInfo info;
  info.slot = "housing";
  info.slot_meaning = "Housing stock, rents and where people live";
  info.name = "tenure";
  info.summary = "formal private, social and informal housing with capacities; rent index from occupancy; "
                 "construction; placement of newcomers; overcrowding and homelessness";
  info.is_default = true;
  info.phases = {Phase::housing, Phase::arrive};
  info.params = bound_params().declarations();
  info.fields = with_collection("cities", city_data().declarations());
  for (auto& field : with_collection("countries", country_data().declarations())) info.fields.push_back(std::move(field));
  info.series = {
      {"rent_index", "1", "Rent index of formal private housing (1 at target occupancy)", false, SeriesKind::rate, true},
      {"housing_units", "dwellings", "Housing capacity (formal private, social and informal) in dwellings", true, SeriesKind::stock},
      {"overcrowded", "persons", "Residents beyond the capacity of their kind of housing", true, SeriesKind::stock},
      {"homeless", "persons", "Homeless residents", true, SeriesKind::stock, true},
      {"home_losses", "persons",
       "Residents who lost their home in a crisis during the step (a household with nobody in work; evictions for "
       "rent arrears and placements that find nothing not counted)",
       true, SeriesKind::flow},
  };
  info.checks.push_back([](const ScenarioSpec& spec, std::vector<Diagnostic>& diags) {
    for (const auto& c : spec.entries("cities")) {
      const CityData data = city_data().read(c);
      const double total = data.social_housing_share + data.informal_housing_share + data.homeless_share;
      if (total >= 1.0)
        diags.push_back(Diagnostic{c.field("social_housing_share").where, "cities." + c.name + ".social_housing_share",
                                   "social + informal + homeless shares leave nobody in private housing", ""});
    }
  });
  info.state.owns = {
      owns_column<std::uint8_t>(kTenureColumn, "code",
                                "0 unhoused, 1 formal private, 2 social, 3 informal, 4 homeless, 5 provided (employer or scheme), 6 asylum reception",
                                {Phase::housing, Phase::arrive}),
      owns_field(kRentField, "3 tenures (formal private, social, informal)", "EUR/month per person",
                 "rent per person by tenure", {Phase::housing}),
      // 0 until a policy that provides housing in the city sets it, while
      // initialising (circular schemes, legal pathways: one cost per city).
      owns_field(kProvidedHousingCostField, "1", "EUR/month",
                 "what a resident pays for housing an employer or a policy provides in the city (tenure 5)", {}),
  };
  const std::string able_to_pay = "everyone counts as able to pay (no evictions, deposits always met)";
  info.state.reads = {
      // The budget writes savings later in the step (income): the housing
      // phase sees last month's. Incomes are this month's, from the jobs
      // the labour market has just filled (income_rule.hpp).
      optional(reads_column(kSavingsColumn, Phase::housing, ReadTiming::last_step), able_to_pay),
      optional(reads_column(kSavingsColumn, Phase::arrive), able_to_pay),
      // Its own column, as others leave it earlier in the arrive phase (a
      // scheme housing its arrivals): the newcomers it places are those still unhoused.
      optional(reads_column(kTenureColumn, Phase::arrive), "only the market houses newcomers"),
      // Households as formed in the demography phase (arrivals keep theirs).
      optional(reads_column(kHouseholdColumn, Phase::housing), "everyone is placed alone"),
      optional(reads_column(kHouseholdColumn, Phase::arrive), "everyone is placed alone"),
      optional(reads_column(kHouseholdColumn, std::nullopt), "initial tenures are drawn per resident"),
  };
  for (auto& read : IncomeRule::reads(Phase::housing, able_to_pay)) info.state.reads.push_back(std::move(read));
  reads_lever(info.state, programme_dwellings_lever(), Phase::housing);
  reads_lever(info.state, public_construction_share_lever(), Phase::housing);
  reads_lever(info.state, undocumented_service_access_lever(), Phase::housing);
  reads_lever(info.state, undocumented_service_access_lever(), Phase::arrive);
  info.make = [](ModelSetup& setup) { return std::make_unique<HousingMarket>(setup); };
  return info;
}

}  // namespace mobsim::models
