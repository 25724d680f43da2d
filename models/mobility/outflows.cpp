// Departures beyond the simulated cities: residents who move to the rest of
// their own country (internal out-migration) and to countries outside the
// simulated cities (emigration to the rest of the world, onward moves of
// migrants included). Each city loses a Poisson number of residents per step
// at its yearly rate; who leaves follows a migration age schedule (and, for
// emigration, skill). They leave the world: the books count them under the
// two outward boundary flows.
//
// Who: candidates are proposed uniformly among the city's rows from a city
// stream and accepted with their own keyed draw below weight / largest weight
// (rejection sampling), so the count is exactly the Poisson draw and the
// composition follows the weights. Circular scheme participants, migrants
// waiting in transit and people who arrived this step are not candidates;
// nor, for emigration abroad, the foreign-born, whose departures are the
// migration model's returns.
//
// Families leave together: with a households model, a candidate who is a
// child (under 15), or whose household in the city has one, leaves with the
// whole household (its members in the city other than scheme participants,
// migrants in transit and the step's newcomers); anyone else leaves alone.
// Candidates are taken in the order they were accepted until the persons
// leaving reach the Poisson count less what earlier steps' families took
// beyond theirs (the last family of a step may take it past by its size
// less one; carried over, so that departures follow the yearly rate at any
// scale). The age weights are then those of the candidate: a child's weight
// is the chance that its family moves.
#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <unordered_set>

#include "declare.hpp"
#include "household_groups.hpp"
#include "levers.hpp"
#include "register_models.hpp"
#include "shared_state.hpp"

namespace mobsim::models {

namespace {

constexpr Purpose kInternalCount = purpose("outflows.internal.count");
constexpr Purpose kInternalWho = purpose("outflows.internal.who");
constexpr Purpose kAbroadCount = purpose("outflows.abroad.count");
constexpr Purpose kAbroadWho = purpose("outflows.abroad.who");

// Age bands of the schedule: 0-14, 15-19, 20-34, 35-49, 50-64, 65+.
constexpr std::array<int, 5> kBandUpperMonths{15 * 12, 20 * 12, 35 * 12, 50 * 12, 65 * 12};
constexpr std::size_t kBands = 6;

std::size_t band_of(int age_months) {
  std::size_t b = 0;
  while (b < kBandUpperMonths.size() && age_months >= kBandUpperMonths[b]) ++b;
  return b;
}

struct Params {
  double age_0_14, age_15_19, age_20_34, age_35_49, age_50_64, age_65_plus;
  double medium_skill_weight, high_skill_weight;  // emigration abroad; low skill 1
  std::array<double, kBands> age_weights() const {
    return {age_0_14, age_15_19, age_20_34, age_35_49, age_50_64, age_65_plus};
  }
};

constexpr const char* kAgeSchedule =
    "assumption: the model migration schedule of Rogers & Castro (1981) peaks in the twenties, with children moving "
    "with their parents at about half the adult rate and few moves after 65; Eurostat migr_emi2 and INSEE "
    "residential migration by age have the same shape (relative to 1 at 35-49)";

const ParamBindings<Params>& bound_params() {
  static const ParamBindings<Params> table{
      bind(&Params::age_0_14,
           real_param("outflows.weight_age_0_14", "1", 0.5, 0.0, 100.0,
                      "Relative chance of leaving at ages 0-14 (children with their parents)", kAgeSchedule)),
      bind(&Params::age_15_19,
           real_param("outflows.weight_age_15_19", "1", 0.8, 0.0, 100.0, "Relative chance of leaving at 15-19",
                      kAgeSchedule)),
      bind(&Params::age_20_34,
           real_param("outflows.weight_age_20_34", "1", 2.0, 0.0, 100.0, "Relative chance of leaving at 20-34",
                      kAgeSchedule)),
      bind(&Params::age_35_49,
           real_param("outflows.weight_age_35_49", "1", 1.0, 0.0, 100.0, "Relative chance of leaving at 35-49",
                      kAgeSchedule)),
      bind(&Params::age_50_64,
           real_param("outflows.weight_age_50_64", "1", 0.5, 0.0, 100.0, "Relative chance of leaving at 50-64",
                      kAgeSchedule)),
      bind(&Params::age_65_plus,
           real_param("outflows.weight_age_65_plus", "1", 0.3, 0.0, 100.0, "Relative chance of leaving at 65 and over",
                      kAgeSchedule)),
      bind(&Params::medium_skill_weight,
           real_param("outflows.abroad_weight_medium_skill", "1", 1.5, 0.0, 100.0,
                      "Relative chance of emigrating abroad with medium skill (low skill 1)",
                      "assumption: emigration rates rise with education in nearly every origin country (Docquier & "
                      "Marfouk 2006, approx.)")),
      bind(&Params::high_skill_weight,
           plausible(real_param("outflows.abroad_weight_high_skill", "1", 3.0, 0.0, 100.0,
                      "Relative chance of emigrating abroad with high skill (low skill 1)",
                      "assumption: emigration rates of the tertiary educated are several times the average, most of "
                      "all from Africa (Docquier & Marfouk 2006, approx.)"), 2.0, 5.0,
                     "Docquier & Marfouk (2006): emigration rates of the tertiary educated from sub-Saharan Africa about 3-6 times the average (approx.)")),
  };
  return table;
}

// What the city data give departures (scenarios/data/cities.toml).
struct CityData {
  double internal_out_migration_per_1000;
  double emigration_to_rest_of_world_per_1000;
};

const ParamBindings<CityData>& city_data() {
  static const ParamBindings<CityData> table{
      bind(&CityData::internal_out_migration_per_1000,
           real_param("internal_out_migration_per_1000", "per 1000 residents per year", std::nullopt, 0.0, 300.0,
                      "Residents leaving for the rest of the country (outside the simulated cities)", kCityData)),
      bind(&CityData::emigration_to_rest_of_world_per_1000,
           real_param("emigration_to_rest_of_world_per_1000", "per 1000 residents per year", std::nullopt, 0.0,
                      300.0, "Residents leaving for countries outside the simulated cities", kCityData)),
  };
  return table;
}

class Outflows : public Model {
 public:
  explicit Outflows(ModelSetup& setup)
      : clock_(setup.clock), p_(bound_params().read(setup.spec)), age_weights_(p_.age_weights()) {
    for (const auto& city : setup.geography.cities()) {
      const CityData data = city_data().read(*setup.spec.find_entry("cities", city.name));
      internal_per_year_.push_back(data.internal_out_migration_per_1000 / 1000.0);
      abroad_per_year_.push_back(data.emigration_to_rest_of_world_per_1000 / 1000.0);
    }
    const std::array<double, 3> skill_weights{1.0, p_.medium_skill_weight, p_.high_skill_weight};
    for (std::size_t b = 0; b < kBands; ++b)
      for (std::size_t s = 0; s < 3; ++s) abroad_weight_[b * 3 + s] = age_weights_[b] * skill_weights[s];
    max_internal_weight_ = *std::max_element(age_weights_.begin(), age_weights_.end());
    max_abroad_weight_ = *std::max_element(abroad_weight_.begin(), abroad_weight_.end());
    internal_excess_.assign(internal_per_year_.size(), 0);
    abroad_excess_.assign(internal_per_year_.size(), 0);
  }

  void initialise(World& world) override {
    internal_flow_ = world.flow("internal_out_migration");
    abroad_flow_ = world.flow("emigration_to_rest_of_world");
    move_factor_ = world.field_schema().find(international_move_lever().name);
    if (world.schema().has(kSchemeColumn)) scheme_ = world.schema().find<std::uint8_t>(kSchemeColumn);
    if (world.schema().has(kTransitColumn)) transit_ = world.schema().find<std::uint16_t>(kTransitColumn);
    if (world.schema().has(kHouseholdColumn)) household_ = world.schema().find<std::uint32_t>(kHouseholdColumn);
  }

  void run(Phase, World& world) override {
    const std::uint32_t step = world.step();
    const double dt = clock_.years_per_step();
    parallel_for_cities(world, [&](std::size_t c) {
      const std::size_t size_before = world.agents(c).size();
      const auto n = static_cast<double>(size_before);
      // A mobility shock holds back emigration abroad as it holds back arrivals.
      const double open = world.fields().at(move_factor_, c)[0];
      std::vector<std::uint32_t> internal, abroad;
      const std::size_t internal_wanted =
          choose(world, c, step, internal_per_year_[c] * dt * n, kInternalCount, kInternalWho, false, {}, internal);
      const std::size_t abroad_wanted = choose(world, c, step, abroad_per_year_[c] * dt * n * open, kAbroadCount,
                                               kAbroadWho, true, internal, abroad);
      if (household_) with_families(world, c, internal_wanted, internal, abroad_wanted, abroad);
      std::sort(abroad.begin(), abroad.end());
      world.remove_agents(c, abroad, abroad_flow_);
      // The removal moved rows from the end into its holes: follow the
      // internal leavers to where they are now, in ascending order (as
      // swap_remove needs: unsorted, it would keep a leaver moved into an
      // earlier hole and remove another resident instead).
      std::vector<std::uint32_t> moved = AgentTable::rows_after_swap_remove(size_before, abroad, internal);
      std::sort(moved.begin(), moved.end());
      world.remove_agents(c, moved, internal_flow_);
    });
  }

  // What families took beyond the Poisson counts, carried to later steps.
  void checkpoint(StateArchive& ar) override {
    ar("internal_excess", internal_excess_);
    ar("abroad_excess", abroad_excess_);
  }

 private:
  // Rows of `c` whose departure this step is proposed: Poisson(mean)
  // candidates accepted by their weights, none twice and none in `taken`, in
  // the order accepted. Returns the Poisson count (persons).
  std::size_t choose(const World& world, std::size_t c, std::uint32_t step, double mean, Purpose count_purpose,
              Purpose who_purpose, bool abroad, const std::vector<std::uint32_t>& taken,
              std::vector<std::uint32_t>& out) const {
    const AgentTable& a = world.agents(c);
    if (a.size() == 0 || !(mean > 0)) return 0;
    auto counts = world.rng().city_stream(static_cast<std::uint32_t>(c), step, count_purpose);
    const auto wanted = static_cast<std::size_t>(poisson(counts, mean));
    if (wanted == 0) return 0;
    const auto id = a.col(core::id);
    const auto age = a.col(core::age_months);
    const auto skill = a.col(core::skill);
    const auto origin = a.col(core::origin);
    const double max_weight = abroad ? max_abroad_weight_ : max_internal_weight_;
    auto proposals = world.rng().city_stream(static_cast<std::uint32_t>(c), step, who_purpose);
    // Enough proposals for any realistic acceptance rate; a city too small
    // for its count gives fewer departures rather than a loop without end.
    const std::size_t limit = 64 * wanted + 1024;
    const std::unordered_set<std::uint32_t> excluded(taken.begin(), taken.end());
    std::unordered_set<std::uint32_t> picked;
    std::vector<std::uint32_t> chosen;
    for (std::size_t tries = 0; chosen.size() < wanted && tries < limit; ++tries) {
      const auto r = static_cast<std::uint32_t>(std::min<double>(
          r123::u01<double>(proposals()) * static_cast<double>(a.size()), static_cast<double>(a.size() - 1)));
      if (!may_leave(world, a, r)) continue;
      // Emigration abroad is the natives' (born in the city's country):
      // migrants leave through the migration model's returns.
      if (abroad && world.geography().foreign_born(origin[r], c)) continue;
      const std::size_t b = band_of(age[r]);
      const double weight = abroad ? abroad_weight_[b * 3 + skill[r]] : age_weights_[b];
      // The candidate's own keyed draw (tries index the proposal, so a row
      // proposed twice gets a fresh draw each time).
      const double u = world.rng().agent(id[r], step, who_purpose).unit(static_cast<int>(tries % 4));
      if (u * max_weight >= weight) continue;
      if (excluded.count(r) > 0 || !picked.insert(r).second) continue;
      chosen.push_back(r);
    }
    out = std::move(chosen);
    return wanted;
  }

  // Whether row r may leave the city now, as a candidate or with a family
  // member: not a scheme participant, not in transit, not created this step.
  bool may_leave(const World& world, const AgentTable& a, std::uint32_t r) const {
    if (scheme_ && a.col(*scheme_)[r] != 0) return false;
    if (transit_ && a.col(*transit_)[r] != kNotInTransit) return false;
    return !world.created_this_step(a.col(core::id)[r]);
  }

  // The candidates' families (module comment): each list becomes the rows
  // that leave, its candidates in order, each with its household where the
  // family leaves together, until `wanted` persons (the members found in one
  // pass over the city, rows_of_households).
  void with_families(const World& world, std::size_t c, std::size_t internal_wanted,
                     std::vector<std::uint32_t>& internal, std::size_t abroad_wanted,
                     std::vector<std::uint32_t>& abroad) {
    const AgentTable& a = world.agents(c);
    const auto household = a.col(*household_);
    const auto age = a.col(core::age_months);
    std::vector<std::uint32_t> households;  // of the candidates
    for (const auto* list : {&internal, &abroad})
      for (const std::uint32_t r : *list) households.push_back(household[r]);
    const auto members = rows_of_households(household, households);
    if (members.empty()) return;
    const auto child = [&](std::uint32_t r) { return age[r] < kBandUpperMonths[0]; };
    std::unordered_set<std::uint32_t> leaving;
    const auto expand = [&](std::vector<std::uint32_t>& list, std::size_t wanted, std::int64_t& excess) {
      std::vector<std::uint32_t> rows;
      const auto target = static_cast<std::size_t>(std::max<std::int64_t>(0, static_cast<std::int64_t>(wanted) - excess));
      for (const std::uint32_t r : list) {
        if (rows.size() >= target) break;
        if (leaving.count(r) > 0) continue;  // already leaving with a family
        const std::uint32_t h = household[r];
        const std::vector<std::uint32_t>* family = h == kNoHousehold ? nullptr : &members.at(h);
        const bool together =
            family && (child(r) || std::any_of(family->begin(), family->end(), [&](std::uint32_t m) { return child(m); }));
        if (!together) {
          leaving.insert(r);
          rows.push_back(r);
          continue;
        }
        for (const std::uint32_t m : *family)
          if ((m == r || may_leave(world, a, m)) && leaving.insert(m).second) rows.push_back(m);
      }
      // Never below 0: a step that fell short (too few candidates) is not made up later.
      excess = std::max<std::int64_t>(0, excess + static_cast<std::int64_t>(rows.size()) -
                                             static_cast<std::int64_t>(wanted));
      list = std::move(rows);
    };
    expand(internal, internal_wanted, internal_excess_[c]);
    expand(abroad, abroad_wanted, abroad_excess_[c]);
  }

  const Clock& clock_;
  Params p_;
  std::array<double, kBands> age_weights_;
  std::vector<double> internal_per_year_, abroad_per_year_;
  std::array<double, kBands * 3> abroad_weight_{};
  double max_internal_weight_ = 1, max_abroad_weight_ = 1;
  // Persons that families took beyond the Poisson counts, carried to the
  // next steps [city] (each city's own, so the cities run in parallel).
  std::vector<std::int64_t> internal_excess_, abroad_excess_;
  FlowId internal_flow_ = 0, abroad_flow_ = 0;
  CityField move_factor_;  // lever
  std::optional<Column<std::uint8_t>> scheme_;
  std::optional<Column<std::uint16_t>> transit_;
  std::optional<Column<std::uint32_t>> household_;
};

}  // namespace

ModelInfo outflows_model() {
  ModelInfo info;
  info.slot = "outflows";
  info.slot_meaning = "Departures of residents beyond the simulated cities: to the rest of their country and abroad";
  info.name = "rates";
  info.summary = "each city loses residents to the rest of its country and to countries outside the simulated "
                 "cities at its yearly rates, the young (and, abroad, the skilled) more often";
  info.is_default = true;
  info.phases = {Phase::boundary};
  info.params = bound_params().declarations();
  info.fields = with_collection("cities", city_data().declarations());
  info.flows = {
      FlowDecl{"internal_out_migration", false,
               "Departures to the rest of the city's country (outside the simulated cities) during the step", true},
      FlowDecl{"emigration_to_rest_of_world", false,
               "Residents born in the city's country, and the families that leave with them, leaving for "
               "countries outside the simulated cities during the step (migrants' departures are returns and "
               "returns_to_rest_of_world)",
               true},
  };
  info.state.reads = {
      // Who takes part in a scheme or waits in transit as the step's
      // decisions left them last step (they are set in the decide phase).
      optional(reads_column(kSchemeColumn, Phase::boundary, ReadTiming::last_step),
               "no circular scheme participants to leave alone"),
      optional(reads_column(kTransitColumn, Phase::boundary, ReadTiming::last_step), "nobody waits in transit"),
      optional(reads_column(kHouseholdColumn, Phase::boundary), "everyone leaves alone, children too"),
  };
  reads_lever(info.state, international_move_lever(), Phase::boundary);
  info.make = [](ModelSetup& setup) { return std::make_unique<Outflows>(setup); };
  return info;
}

}  // namespace mobsim::models
