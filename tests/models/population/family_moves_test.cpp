// Families between the cities: children never travel alone, a mover who
// needs no permit takes their children along, and families left behind join
// a lawfully resident sponsor at the declared rate (and never without one).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "household_groups.hpp"
#include "shared_state.hpp"
#include "support.hpp"

namespace mobsim {
namespace {

struct Where {
  std::size_t city;
  std::uint32_t household;
  int age_months;
  std::uint8_t legal;
  bool employed;
  std::uint8_t sex;
};

std::map<std::uint64_t, Where> residents(const World& world) {
  const auto household = world.schema().find<std::uint32_t>(models::kHouseholdColumn);
  std::map<std::uint64_t, Where> out;
  for (std::size_t c = 0; c < world.city_count(); ++c) {
    const auto& a = world.agents(c);
    for (std::size_t r = 0; r < a.size(); ++r)
      out[a.col(core::id)[r]] = {c, a.col(household)[r], a.col(core::age_months)[r], a.col(core::legal_status)[r],
                                 a.col(core::employment)[r] == code(Employment::employed), a.col(core::sex)[r]};
  }
  return out;
}

// Over `steps` steps: each agent who changed city, as before and after the step.
struct StepMoves {
  std::map<std::uint64_t, Where> before, after;
  std::vector<std::uint64_t> movers;
};

std::vector<StepMoves> observe_moves(Simulation& sim, int steps) {
  std::vector<StepMoves> out;
  for (int t = 0; t < steps; ++t) {
    StepMoves s;
    s.before = residents(sim.world());
    sim.step();
    s.after = residents(sim.world());
    for (const auto& [id, w] : s.after) {
      const auto it = s.before.find(id);
      if (it != s.before.end() && it->second.city != w.city) s.movers.push_back(id);
    }
    out.push_back(std::move(s));
  }
  return out;
}

ScenarioSpec scenario(std::vector<std::string> overrides) {
  overrides.push_back("run.people_per_agent=100");
  overrides.push_back("migration.return_hazard_per_year=0.5");
  // Joiners are then only the family model's: the migration model's family
  // channel (ties outside the household) would bring others under a family permit.
  overrides.push_back("migration.family_max_probability=0");
  return test::load(test::scenario_path("ci/four_cities.toml"), overrides);
}

TEST(FamilyMoves, ChildrenNeverMoveWithoutAnAdultOfTheirHousehold) {
  const ScenarioSpec spec = scenario({"family_moves.reunification_per_year=2"});
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  int children_moved = 0;
  for (const StepMoves& s : observe_moves(*sim, 12)) {
    // Adults of each household in each city after the step.
    std::set<std::pair<std::uint32_t, std::size_t>> adults_at;
    for (const auto& [id, w] : s.after)
      if (w.age_months >= 18 * 12) adults_at.insert({w.household, w.city});
    for (const std::uint64_t id : s.movers) {
      const Where& w = s.after.at(id);
      if (w.age_months >= 18 * 12) continue;
      ++children_moved;
      EXPECT_TRUE(adults_at.count({w.household, w.city})) << "a child of household " << w.household
                                                          << " arrived in city " << w.city << " without an adult of it";
    }
  }
  EXPECT_GT(children_moved, 20);
}

TEST(FamilyMoves, FamiliesJoinOnlyLawfullyResidentSponsorsAndGetTheirStatus) {
  const ScenarioSpec spec = scenario({"family_moves.reunification_per_year=4"});
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  const auto run = observe_moves(*sim, 24);
  const models::HouseholdNumbers numbers(sim->world().city_count());
  int joiners = 0, adult_joiners = 0;
  for (const StepMoves& s : run) {
    // Household members who stay where they were: possible sponsors.
    std::map<std::pair<std::uint32_t, std::size_t>, std::vector<Where>> stayers;
    for (const auto& [id, w] : s.before)
      if (s.after.count(id) && s.after.at(id).city == w.city) stayers[{w.household, w.city}].push_back(w);
    for (const std::uint64_t id : s.movers) {
      const Where& from = s.before.at(id);
      const Where& to = s.after.at(id);
      // Formed in the city left, joining members already in the destination.
      if (to.household == models::kNoHousehold) continue;
      const auto it = stayers.find({to.household, to.city});
      if (it == stayers.end()) continue;
      bool lawful = false;
      for (const Where& sponsor : it->second) {
        const auto status = static_cast<LegalStatus>(sponsor.legal);
        lawful = lawful || status == LegalStatus::citizen || status == LegalStatus::free_mover ||
                 status == LegalStatus::refugee ||
                 (sponsor.employed && (status == LegalStatus::permanent_resident ||
                                       status == LegalStatus::work_permit || status == LegalStatus::temporary_permit));
      }
      // A migrant deciding alone to move where a relative lives is no joiner
      // of theirs: only the family model's joiners are tested, those whose
      // status is one a family gets.
      const auto status = static_cast<LegalStatus>(to.legal);
      if (status == LegalStatus::irregular || status == LegalStatus::asylum_seeker ||
          status == LegalStatus::student || status == LegalStatus::work_permit)
        continue;
      ++joiners;
      EXPECT_TRUE(lawful) << "agent " << id << " joined household " << to.household << " in city " << to.city
                          << " without a lawfully resident sponsor";
      // An adult who joins is the sponsor's partner: of the other sex than
      // some adult of the household already there.
      // (Only one who leaves the city where their household was formed joins
      // a sponsor, and a citizen there may be a national going home alone.)
      if (from.age_months < 18 * 12 || numbers.city_of(to.household) != from.city ||
          status == LegalStatus::citizen)
        continue;
      ++adult_joiners;
      bool partner_there = false;
      for (const Where& sponsor : it->second)
        partner_there = partner_there || (sponsor.age_months >= 18 * 12 && sponsor.sex != from.sex);
      EXPECT_TRUE(partner_there) << "adult " << id << " joined household " << to.household
                                 << " where no adult of the other sex lives";
    }
  }
  EXPECT_GT(joiners, 20);
  EXPECT_GT(adult_joiners, 0);
}

TEST(FamilyMoves, ReunificationFollowsItsRateAndMoversTakeTheirFamilies) {
  const auto totals = [](double rate) {
    const auto run = test::run_in_memory(scenario({"family_moves.reunification_per_year=" + std::to_string(rate)}));
    double joined = 0, along = 0, on_channel = 0;
    const std::size_t n = run.cities.size();
    for (std::size_t c = 0; c < n; ++c) {
      joined += run.total("left_to_join_family", c);
      along += run.total("moved_with_family", c);
    }
    for (const auto& replicate : run.recording.frames())
      for (const auto& frame : replicate)
        for (std::size_t i = 0; i < n * n; ++i)
          on_channel += frame.flows_by_channel[run.channel("household_reunification") * n * n + i];
    return std::array<double, 3>{joined, along, on_channel};
  };
  const auto none = totals(0.0), some = totals(0.25), many = totals(2.0);
  EXPECT_EQ(none[0], 0.0);
  EXPECT_EQ(none[2], 0.0);
  EXPECT_GT(some[0], 0.0);
  EXPECT_GT(many[0], some[0]);
  // The series and the channel count the same people.
  EXPECT_EQ(some[0], some[2]);
  EXPECT_EQ(many[0], many[2]);
  // Families go with movers who need no permit (free movement, returns) at any rate.
  EXPECT_GT(none[1], 0.0);
}

TEST(FamilyMoves, WithoutTheModelChildrenStayBehind) {
  const auto run = test::run_in_memory(scenario({"models.family_moves=none"}));
  EXPECT_THROW(run.series_index("moved_with_family"), std::logic_error);
  EXPECT_THROW(run.channel("household_reunification"), std::logic_error);
}

}  // namespace
}  // namespace mobsim
