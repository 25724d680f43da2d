// Households: who lives with whom. At the start each city's residents are
// grouped into households of the city's mean size (persons per dwelling in
// the city data): heads drawn among adults, more often among older adults;
// each child in the household of a head old enough to be its parent; the
// other adults (partners, grown children, relatives) with any head. The
// agent tables are then ordered by household, so members are neighbours.
//
// During the run a newborn joins its mother's household (the demography
// model copies it); newcomers from outside the simulated cities arrive as
// households of the adults who came in the same step in the same city, their
// children with one of them; a migrant who moves alone keeps the household
// (see household_groups.hpp). Once a year young adults leave home and form
// households of their own until the city's households number its residents
// over its mean household size again.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <utility>
#include <vector>

#include "declare.hpp"
#include "household_groups.hpp"
#include "register_models.hpp"
#include "shared_state.hpp"

namespace mobsim::models {

namespace {

constexpr Purpose kInitialDraw = purpose("households.initial");       // 0 headship, 1 which head
constexpr Purpose kNewcomerDraw = purpose("households.newcomer");     // 0 which adult a child joins
constexpr Purpose kFormationDraw = purpose("households.formation");   // 0 order of leaving home

struct Params {
  std::int64_t parent_gap_min_years, parent_gap_max_years, leaving_home_max_age_years;
  double headship_18_24, headship_25_34;
};

const ParamBindings<Params>& bound_params() {
  static const ParamBindings<Params> table{
      bind(&Params::parent_gap_min_years,
           integer_param("households.parent_age_gap_min_years", "years", 18, 12, 30,
                         "Smallest age difference between a child and the head of its household at the start",
                         "assumption: few parents are younger than 18 at a birth (UN WPP 2022 fertility by age: "
                         "births below 18 are a small share in the Dialogue countries)")),
      bind(&Params::parent_gap_max_years,
           integer_param("households.parent_age_gap_max_years", "years", 45, 30, 70,
                         "Largest age difference between a child and the head of its household at the start",
                         "assumption: births end at about 45-49 for mothers (UN WPP 2022); older heads of a "
                         "child's household (grandparents) are left out")),
      bind(&Params::leaving_home_max_age_years,
           integer_param("households.leaving_home_max_age_years", "years", 35, 19, 60,
                         "Oldest age at which an adult leaves a household to form one of their own",
                         "assumption: the average age of leaving the parental home is 26.4 in the EU in 2023 "
                         "(Eurostat yth_demo_030, approx.) and later in most of Africa; few leave after 35")),
      bind(&Params::headship_18_24,
           real_param("households.headship_weight_18_24", "1", 0.2, 0.0, 1.0,
                      "Relative chance that an adult aged 18-24 heads a household at the start (1 from 35)",
                      "assumption: most adults under 25 live with their parents (Eurostat ilc_lvps08: about 2 in "
                      "3 of 18-34 year-olds in much of southern Europe; DHS household rosters in Africa, approx.)")),
      bind(&Params::headship_25_34,
           real_param("households.headship_weight_25_34", "1", 0.7, 0.0, 1.0,
                      "Relative chance that an adult aged 25-34 heads a household at the start (1 from 35)",
                      "assumption: headship rises through the late twenties and early thirties (UN Household "
                      "Size and Composition 2019, approx.)")),
  };
  return table;
}

class Households : public Model {
 public:
  explicit Households(ModelSetup& setup)
      : clock_(setup.clock),
        p_(bound_params().read(setup.spec)),
        numbers_(setup.geography.city_count()),
        // Children are those without a budget of their own (the budget model's adult age).
        dependent_months_(static_cast<int>(setup.spec.integer("budget.adult_age_years")) * 12) {
    // One household per dwelling: the housing model's persons per dwelling
    // is the city's mean household size.
    for (const auto& city : setup.geography.cities())
      mean_size_.push_back(setup.spec.find_entry("cities", city.name)->real("persons_per_dwelling"));
    household_ = setup.schema.add<std::uint32_t>(kHouseholdColumn, "household number (0: none yet)");
    counted_ = setup.fields.add(kHouseholdCountField, 3,
                                "households and their members, as last counted; one past the largest serial");
  }

  void initialise(World& world) override {
    next_serial_.assign(world.city_count(), 1);
    parallel_for_cities(world, [&](std::size_t c) {
      form_initial(world, c);
      auto counted = world.fields().at(counted_, c);
      counted[0] = static_cast<double>(next_serial_[c] - 1);
      counted[1] = static_cast<double>(world.agents(c).size());
      counted[2] = static_cast<double>(next_serial_[c]);
    });
  }

  void run(Phase, World& world) override {
    const std::uint32_t step = world.step();
    const bool new_year = step == 1 || clock_.year_of_step(static_cast<int>(step)) !=
                                           clock_.year_of_step(static_cast<int>(step) - 1);
    parallel_for_cities(world, [&](std::size_t c) {
      house_newcomers(world, c, step);
      if (new_year) leave_home(world, c, step);
      world.fields().at(counted_, c)[2] = static_cast<double>(next_serial_[c]);
    });
  }

  // As counted at the step's budget (at step 0: the initial households).
  void observe(const World& world, SeriesOut& out) const override {
    auto& households = out["households"];
    auto& size = out["persons_per_household"];
    const auto ppa = static_cast<double>(world.people_per_agent());
    for (std::size_t c = 0; c < world.city_count(); ++c) {
      const auto counted = world.fields().at(counted_, c);
      households[c] = counted[0] * ppa;
      size[c] = counted[0] > 0 ? counted[1] / counted[0] : 0.0;
    }
  }

  // The next household serial of each city (the counts are city fields, the World's).
  void checkpoint(StateArchive& ar) override { ar("next_serial", next_serial_); }

 private:
  int dependent_months() const { return dependent_months_; }

  std::uint32_t new_household(std::size_t c) { return numbers_.make(c, next_serial_[c]++); }

  // The households a city of `residents` has at its mean household size.
  std::int64_t target_households(std::size_t c, std::size_t residents) const {
    return std::llround(static_cast<double>(residents) / mean_size_[c]);
  }

  void form_initial(World& world, std::size_t c) {
    AgentTable& a = world.agents(c);
    const std::size_t n = a.size();
    if (n == 0) return;
    const auto id = a.col(core::id);
    const auto age = a.col(core::age_months);
    auto household = a.col(household_);
    std::vector<std::uint32_t> adults, children;
    for (std::uint32_t r = 0; r < n; ++r) (age[r] >= dependent_months() ? adults : children).push_back(r);
    if (adults.empty()) {
      for (std::uint32_t r = 0; r < n; ++r) household[r] = new_household(c);
      return;
    }
    const auto wanted = static_cast<std::size_t>(target_households(c, n));
    const std::size_t heads_count = std::clamp<std::size_t>(wanted, 1, adults.size());
    // Heads: weighted sampling without replacement (Efraimidis & Spirakis
    // 2006): the largest keys log(u) / weight; ties by agent id.
    std::vector<std::pair<double, std::uint32_t>> keys;
    keys.reserve(adults.size());
    for (const std::uint32_t r : adults) {
      const int years = age[r] / 12;
      const double weight = years < 25 ? p_.headship_18_24 : years < 35 ? p_.headship_25_34 : 1.0;
      const double u = world.rng().agent(id[r], 0, kInitialDraw).unit(0);
      keys.emplace_back(weight > 0 ? std::log(u) / weight : -HUGE_VAL, r);
    }
    const auto later = [&](const auto& x, const auto& y) {
      return x.first != y.first ? x.first > y.first : id[x.second] < id[y.second];
    };
    std::nth_element(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(heads_count - 1), keys.end(), later);
    std::vector<std::uint32_t> heads;
    heads.reserve(heads_count);
    for (std::size_t i = 0; i < heads_count; ++i) heads.push_back(keys[i].second);
    std::sort(heads.begin(), heads.end());
    for (const std::uint32_t r : heads) household[r] = new_household(c);
    // Heads by age in years, for each child's window of parents' ages.
    std::vector<std::uint32_t> by_age(heads);
    std::stable_sort(by_age.begin(), by_age.end(), [&](std::uint32_t x, std::uint32_t y) { return age[x] < age[y]; });
    const auto first_of_age = [&](int years) {
      return static_cast<std::size_t>(
          std::lower_bound(by_age.begin(), by_age.end(), years * 12,
                           [&](std::uint32_t r, int months) { return age[r] < months; }) -
          by_age.begin());
    };
    const auto pick = [&](std::size_t lo, std::size_t hi, std::uint32_t r) {
      const double u = world.rng().agent(id[r], 0, kInitialDraw).unit(1);
      return by_age[lo + std::min(hi - lo - 1, static_cast<std::size_t>(u * static_cast<double>(hi - lo)))];
    };
    for (const std::uint32_t r : children) {
      const int years = age[r] / 12;
      std::size_t lo = first_of_age(years + static_cast<int>(p_.parent_gap_min_years));
      std::size_t hi = first_of_age(years + static_cast<int>(p_.parent_gap_max_years) + 1);
      if (lo >= hi) lo = 0, hi = by_age.size();  // no head of a parent's age: any head
      household[r] = household[pick(lo, hi, r)];
    }
    std::vector<bool> is_head(n, false);
    for (const std::uint32_t r : heads) is_head[r] = true;
    for (const std::uint32_t r : adults)
      if (!is_head[r]) household[r] = household[pick(0, by_age.size(), r)];
    sort_by_household(a);
  }

  // Members side by side, households in the order of their numbers, rows of
  // one household in their present order: the budget's pass over the
  // households then reads memory in order (newborns, newcomers and removals
  // separate some members from their households' rows over the years). A
  // stable radix sort on the number's two 16-bit halves.
  void sort_by_household(AgentTable& a) const {
    const auto household = a.col(household_);
    const std::size_t n = a.size();
    std::vector<std::uint32_t> order(n), buffer(n);
    std::iota(order.begin(), order.end(), 0u);
    std::vector<std::uint32_t> counts(1u << 16);
    for (const int shift : {0, 16}) {
      std::fill(counts.begin(), counts.end(), 0u);
      for (std::size_t i = 0; i < n; ++i) ++counts[(household[order[i]] >> shift) & 0xFFFFu];
      std::uint32_t total = 0;
      for (auto& c : counts) total += std::exchange(c, total);
      for (std::size_t i = 0; i < n; ++i) buffer[counts[(household[order[i]] >> shift) & 0xFFFFu]++] = order[i];
      order.swap(buffer);
    }
    a.reorder(order);
  }

  // Newcomers arrive with no household. Their adults form households of
  // their own while the city has fewer households than its residents over
  // its mean size; the others lodge with a resident household (kin,
  // lodgers: a resident drawn at random, so larger households more often).
  // Each child joins one of the step's adults (drawn), or forms one alone.
  void house_newcomers(World& world, std::size_t c, std::uint32_t step) {
    AgentTable& a = world.agents(c);
    auto household = a.col(household_);
    const auto age = a.col(core::age_months);
    const auto id = a.col(core::id);
    std::vector<std::uint32_t> adults, children;
    // Newcomers are few: blocks without one are skipped by a test that
    // vectorises, so the pass costs little more than reading the column.
    constexpr std::uint32_t kBlock = 64;
    const auto n = static_cast<std::uint32_t>(a.size());
    for (std::uint32_t begin = 0; begin < n; begin += kBlock) {
      const std::uint32_t end = std::min(n, begin + kBlock);
      std::uint32_t all_numbered = 1;
      for (std::uint32_t r = begin; r < end; ++r) all_numbered &= household[r] != kNoHousehold;
      if (all_numbered) continue;
      for (std::uint32_t r = begin; r < end; ++r)
        if (household[r] == kNoHousehold) (age[r] >= dependent_months() ? adults : children).push_back(r);
    }
    if (adults.empty() && children.empty()) return;
    // Households as the last budget counted them (members of households
    // that have since left are a small correction a year's formation makes up).
    const auto counted = static_cast<std::int64_t>(world.fields().at(counted_, c)[0]);
    const auto target = target_households(c, a.size());
    std::int64_t missing = target - counted;
    for (const std::uint32_t r : adults) {
      if (missing > 0 || counted == 0) {
        household[r] = new_household(c);
        --missing;
        continue;
      }
      // Lodge with a resident: up to four draws of a row, else alone.
      std::uint32_t joined = kNoHousehold;
      const auto draw = world.rng().agent(id[r], step, kNewcomerDraw);
      for (int k = 1; k < 4 && joined == kNoHousehold; ++k) {
        const auto row = std::min<std::size_t>(a.size() - 1, static_cast<std::size_t>(draw.unit(k) * a.size()));
        if (household[row] != kNoHousehold) joined = household[row];
      }
      household[r] = joined != kNoHousehold ? joined : new_household(c);
      missing -= joined == kNoHousehold;
    }
    world.fields().at(counted_, c)[0] = static_cast<double>(target - missing);
    for (const std::uint32_t r : children) {
      if (adults.empty()) {
        household[r] = new_household(c);
        continue;
      }
      const double u = world.rng().agent(id[r], step, kNewcomerDraw).unit(0);
      household[r] = household[adults[std::min(adults.size() - 1, static_cast<std::size_t>(u * adults.size()))]];
    }
  }

  // Young adults leave households with another adult, at most one per
  // household a year, in the order of their keyed draws, until the city has
  // its residents over its mean household size in households.
  void leave_home(World& world, std::size_t c, std::uint32_t step) {
    AgentTable& a = world.agents(c);
    auto household = a.col(household_);
    const auto age = a.col(core::age_months);
    const auto id = a.col(core::id);
    thread_local HouseholdGroups groups;
    groups.reset(c, numbers_);
    // Adults of each group, counted up to 2 (all the test below needs; a
    // byte per household, and no array per row: a row's group is looked
    // up again where it is needed).
    std::vector<std::uint8_t> adults_in;
    for (std::uint32_t r = 0; r < a.size(); ++r) {
      const std::uint32_t g = groups.index(household[r]);
      if (g >= adults_in.size()) adults_in.resize(g + 1, 0);
      adults_in[g] = static_cast<std::uint8_t>(std::min(2, adults_in[g] + (age[r] >= dependent_months())));
    }
    const auto target = target_households(c, a.size());
    std::int64_t missing = target - static_cast<std::int64_t>(groups.count());
    world.fields().at(counted_, c)[0] = static_cast<double>(groups.count());
    if (missing <= 0) return;
    const int oldest = static_cast<int>(p_.leaving_home_max_age_years) * 12;
    std::vector<std::pair<double, std::uint32_t>> candidates;
    for (std::uint32_t r = 0; r < a.size(); ++r)
      if (age[r] >= dependent_months() && age[r] < oldest && adults_in[groups.index(household[r])] >= 2)
        candidates.emplace_back(world.rng().agent(id[r], step, kFormationDraw).unit(0), r);
    const auto earlier = [&](const auto& x, const auto& y) {
      return x.first != y.first ? x.first < y.first : id[x.second] < id[y.second];
    };
    // Only the first few in draw order are needed (the missing households
    // are a small share of the candidates): they are selected, then sorted,
    // a larger batch at a time until enough have left; the same order as
    // sorting them all.
    std::vector<bool> left(groups.count(), false);
    std::size_t done = 0, batch = 2 * static_cast<std::size_t>(missing) + 64;
    while (missing > 0 && done < candidates.size()) {
      const auto from = candidates.begin() + static_cast<std::ptrdiff_t>(done);
      const std::size_t upto = std::min(candidates.size(), done + batch);
      const auto to = candidates.begin() + static_cast<std::ptrdiff_t>(upto);
      std::nth_element(from, to - 1, candidates.end(), earlier);
      std::sort(from, to, earlier);
      for (auto it = from; it != to && missing > 0; ++it) {
        // Its household is still the one it was counted in (each row is a
        // candidate once, and only a leaver's own number changes).
        const std::uint32_t g = groups.index(household[it->second]);
        if (left[g]) continue;
        left[g] = true;
        household[it->second] = new_household(c);
        --missing;
      }
      done = upto;
      batch *= 2;
    }
    world.fields().at(counted_, c)[0] = static_cast<double>(target - missing);
  }

  const Clock& clock_;
  Params p_;
  HouseholdNumbers numbers_;
  int dependent_months_;
  std::vector<double> mean_size_;  // persons, [city]
  std::vector<std::uint32_t> next_serial_;
  Column<std::uint32_t> household_{};
  CityField counted_;
};

}  // namespace

ModelInfo households_model() {
  ModelInfo info;
  info.slot = "households";
  info.slot_meaning = "Who lives with whom: households that pool income and share a dwelling";
  info.name = "mean_size";
  info.summary = "residents grouped into households of the city's mean size at the start; newborns join their "
                 "mother's household, young adults leave home once a year to keep the mean size";
  info.is_default = true;
  info.phases = {Phase::demography};
  info.params = bound_params().declarations();
  info.requires_slots = {"housing", "budget"};
  info.series = {
      SeriesDecl{"households", "households", "Households with a member resident in the city", true, SeriesKind::stock},
      SeriesDecl{"persons_per_household", "persons", "Residents per household", false, SeriesKind::rate},
  };
  info.state.owns = {
      owns_column<std::uint32_t>(kHouseholdColumn, "number",
                                 "household: residents of one city with the same number share income and a "
                                 "dwelling (0: none yet)",
                                 {Phase::demography}),
      owns_field(kHouseholdCountField, "3", "households, persons, number",
                 "households with a member in the city and the persons in them, as counted at the budget (set "
                 "at the start; the budget model counts them each step), and one past the largest serial the "
                 "city has given a household",
                 {}),
  };
  // Last step's count: the budget writes it later in the step.
  info.state.reads = {
      reads_field(kHouseholdCountField, Phase::demography, ReadTiming::last_step),
  };
  info.make = [](ModelSetup& setup) { return std::make_unique<Households>(setup); };
  return info;
}

}  // namespace mobsim::models
