// Circular migration schemes: the annual quota is never exceeded, only
// eligible residents take part and the targeted groups are favoured, stays
// end at expiry in a return (or the configured overstay), and participants'
// remittances are part of what their city sends.
#include <gtest/gtest.h>

#include <map>

#include "shared_state.hpp"
#include "support.hpp"

namespace mobsim {
namespace {

// Four cities at 100 people per agent; a Freetown-Milan scheme with the
// given fields (an oversubscribed quota of 2,400 a year unless overridden).
std::string scheme_scenario(const std::string& fields, int months = 36) {
  return "base = \"ci/four_cities.toml\"\n"
         "[run]\npeople_per_agent = 100\nreplicates = 1\nduration_months = " +
         std::to_string(months) +
         "\n[circular_schemes.test]\norigin = \"Freetown\"\ndestination = \"Milan\"\nsector = \"other_services\"\n"
         "start = \"2025-01\"\nannual_quota = 2400\napplication_rate_per_year = 2.0\n" +
         fields;
}

TEST(CircularSchemes, QuotaIsNeverExceededInAnyYear) {
  const auto run = test::run_in_memory(test::load_text(scheme_scenario("")));
  double cumulative = 0;
  for (int year = 0; year < 3; ++year) {
    double in_year = 0;
    for (int month = 1; month <= 12; ++month) {
      const double departed = run.entry("schemes", "test", "departures", 0, year * 12 + month);
      in_year += departed;
      // Places are released evenly: by month m at most m/12 of the quota.
      EXPECT_LE(in_year, 2400.0 * month / 12.0 + 1e-9) << "year " << year << " month " << month;
      EXPECT_EQ(departed, run.moves("circular_scheme", 0, year * 12 + month, run.city("Freetown"), run.city("Milan")));
    }
    EXPECT_LE(in_year, 2400.0);
    EXPECT_GT(in_year, 0.8 * 2400.0) << "the scheme is oversubscribed: the quota should nearly fill";
    cumulative += in_year;
  }
  EXPECT_GT(cumulative, 0.0);
}

struct Departure {
  std::uint16_t age_months;
  std::uint8_t sex, skill;
};

// Every participant at the moment of departure (agents in Milan who are
// participants and arrived in this step).
std::vector<Departure> departures(const ScenarioSpec& spec, int steps) {
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  const World& world = sim->world();
  const auto scheme = world.schema().find<std::uint8_t>(models::kSchemeColumn);
  const auto arrival = world.schema().find<std::uint16_t>(models::kArrivalColumn);
  std::vector<Departure> out;
  for (int t = 0; t < steps; ++t) {
    sim->step();
    const AgentTable& milan = world.agents(2);
    for (std::size_t r = 0; r < milan.size(); ++r)
      if (milan.col(scheme)[r] == 1 && milan.col(arrival)[r] == world.step())
        out.push_back({milan.col(core::age_months)[r], milan.col(core::sex)[r], milan.col(core::skill)[r]});
  }
  return out;
}

TEST(CircularSchemes, OnlyEligibleResidentsTakePart) {
  const auto list = departures(test::load_text(scheme_scenario(
                                   "min_age_years = 20\nmax_age_years = 29\nsex = \"female\"\n"
                                   "skill_levels = [\"medium\", \"high\"]\n")),
                               18);
  ASSERT_GT(list.size(), 20u);
  for (const auto& d : list) {
    EXPECT_GE(d.age_months, 20 * 12);
    EXPECT_LT(d.age_months, 30 * 12);
    EXPECT_EQ(d.sex, code(Sex::female));
    EXPECT_NE(d.skill, code(Skill::low));
  }
}

TEST(CircularSchemes, TargetedGroupsAreFavoured) {
  auto women_share = [](const std::vector<Departure>& list) {
    double women = 0;
    for (const auto& d : list) women += d.sex == code(Sex::female);
    return women / static_cast<double>(list.size());
  };
  const auto neutral = departures(test::load_text(scheme_scenario("")), 18);
  const auto targeted = departures(test::load_text(scheme_scenario("priority_weight_women = 5.0\n")), 18);
  ASSERT_GT(neutral.size(), 20u);
  ASSERT_GT(targeted.size(), 20u);
  EXPECT_LT(women_share(neutral), 0.65);
  EXPECT_GT(women_share(targeted), 0.75);
  EXPECT_GT(women_share(targeted), women_share(neutral) + 0.15);
}

// Follows every participant: where each is after each step.
struct Trace {
  int departed = -1, returned = -1, overstayed = -1;
  bool died = false;
};

std::map<std::uint64_t, Trace> trace(const ScenarioSpec& spec, int steps) {
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  const World& world = sim->world();
  const auto scheme = world.schema().find<std::uint8_t>(models::kSchemeColumn);
  std::map<std::uint64_t, Trace> traces;
  for (int t = 1; t <= steps; ++t) {
    sim->step();
    std::map<std::uint64_t, std::pair<std::size_t, std::size_t>> where;  // id -> (city, row)
    for (std::size_t c = 0; c < world.city_count(); ++c)
      for (std::size_t r = 0; r < world.agents(c).size(); ++r) where[world.agents(c).col(core::id)[r]] = {c, r};
    const AgentTable& milan = world.agents(2);
    for (std::size_t r = 0; r < milan.size(); ++r)
      if (milan.col(scheme)[r] == 1 && !traces.count(milan.col(core::id)[r])) traces[milan.col(core::id)[r]].departed = t;
    for (auto& [id, tr] : traces) {
      if (tr.returned >= 0 || tr.overstayed >= 0 || tr.died) continue;
      const auto it = where.find(id);
      if (it == where.end()) {
        tr.died = true;
        continue;
      }
      const auto [c, r] = it->second;
      if (c == 0) tr.returned = t;
      else if (c == 2 && world.agents(c).col(scheme)[r] == 0) tr.overstayed = t;
    }
  }
  return traces;
}

TEST(CircularSchemes, EveryStayEndsAtExpiryInAReturn) {
  const auto traces = trace(test::load_text(scheme_scenario("stay_months = 6\noverstay_probability = 0.0\n")), 24);
  ASSERT_GT(traces.size(), 20u);
  std::size_t returned = 0;
  for (const auto& [id, tr] : traces) {
    EXPECT_LT(tr.overstayed, 0) << id;
    if (tr.died) continue;
    if (tr.departed + 6 <= 24) {
      EXPECT_EQ(tr.returned, tr.departed + 6) << id;
      ++returned;
    } else {
      EXPECT_LT(tr.returned, 0) << id;
    }
  }
  EXPECT_GT(returned, 10u);
}

TEST(CircularSchemes, WithCertainOverstayNobodyReturns) {
  const std::string terms = "stay_months = 6\noverstay_probability = 1.0\n";
  // The scheme brings nobody home...
  const auto run = test::run_in_memory(test::load_text(scheme_scenario(terms, 18)));
  for (int t = 1; t <= 18; ++t) {
    EXPECT_EQ(run.entry("schemes", "test", "returns", 0, t), 0.0) << t;
    EXPECT_EQ(run.moves("circular_scheme", 0, t, run.city("Milan"), run.city("Freetown")), 0.0) << t;
  }
  // ...and every stay ends at expiry without papers. An overstayer then
  // decides like any irregular resident, so one may go home by their own
  // decision in that same month (seen here as a return at the expiry).
  const auto traces = trace(test::load_text(scheme_scenario(terms)), 18);
  ASSERT_GT(traces.size(), 20u);
  for (const auto& [id, tr] : traces) {
    if (tr.died) continue;
    if (tr.departed + 6 <= 18) {
      EXPECT_TRUE(tr.overstayed == tr.departed + 6 || tr.returned == tr.departed + 6) << id;
    } else {
      EXPECT_LT(tr.returned, 0) << id;
      EXPECT_LT(tr.overstayed, 0) << id;
    }
  }
}

TEST(CircularSchemes, RenewalsExtendStaysUpToTheLimit) {
  const auto traces = trace(
      test::load_text(scheme_scenario("stay_months = 4\noverstay_probability = 0.0\nrenewal_probability = 1.0\n"
                                      "max_renewals = 2\nrenewal_requires_job = false\n")),
      30);
  std::size_t checked = 0;
  for (const auto& [id, tr] : traces) {
    if (tr.died || tr.departed + 12 > 30) continue;
    EXPECT_EQ(tr.returned, tr.departed + 12) << id;  // three stays of four months
    ++checked;
  }
  EXPECT_GT(checked, 10u);
}

TEST(CircularSchemes, ParticipantsRemittancesArePartOfTheirCitysRemittances) {
  const auto run = test::run_in_memory(test::load_text(scheme_scenario("remittance_share = 0.5\n", 24)));
  double scheme_total = 0;
  for (int t = 1; t <= 24; ++t) {
    const double scheme = run.entry("schemes", "test", "remittances", 0, t);
    EXPECT_LE(scheme, run.at("remittances_sent", 0, t, run.city("Milan")) + 1e-6);
    scheme_total += scheme;
  }
  EXPECT_GT(scheme_total, 0.0);
}

// A scheme that houses its participants: every participant in the
// destination lives in the housing provided (not in the housing market) and
// pays its cost; nobody else does; an overstayer leaves it.
TEST(CircularSchemes, ProvidedHousingHousesEveryParticipantAndNobodyElse) {
  const ScenarioSpec spec = test::load_text(
      scheme_scenario("housing_provided = true\nhousing_cost_eur_per_month = 250\nstay_months = 6\n"
                      "overstay_probability = 0.5\n"));
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  const auto scheme = sim->world().schema().find<std::uint8_t>(models::kSchemeColumn);
  const auto tenure = sim->world().schema().find<std::uint8_t>(models::kTenureColumn);
  const auto cost = sim->world().field_schema().find(models::kProvidedHousingCostField);
  const std::size_t milan = 2;
  ASSERT_EQ(sim->world().geography().city(milan).name, "Milan");
  EXPECT_EQ(sim->world().fields().at(cost, milan)[0], 250.0);
  EXPECT_EQ(sim->world().fields().at(cost, 0)[0], 0.0);
  // (Half the stays end in an overstay: those residents must have left the housing.)
  std::size_t housed = 0;
  for (int t = 1; t <= 18; ++t) {
    sim->step();
    for (std::size_t c = 0; c < sim->world().city_count(); ++c) {
      const auto& a = sim->world().agents(c);
      for (std::size_t r = 0; r < a.size(); ++r) {
        const bool participant = a.col(scheme)[r] != 0 && a.col(scheme)[r] != models::kSchemeReturning;
        const bool provided = a.col(tenure)[r] == code(models::Tenure::provided);
        EXPECT_EQ(participant && c == milan, provided) << "step " << t << ", city " << c << ", row " << r;
        housed += provided;
      }
    }
  }
  EXPECT_GT(housed, 100u);
}

TEST(CircularSchemes, TwoHousingCostsInOneCityAreRefused) {
  const std::string second =
      "housing_provided = true\nhousing_cost_eur_per_month = 250\n"
      "[circular_schemes.other]\norigin = \"Dakar\"\ndestination = \"Milan\"\nsector = \"other_services\"\n"
      "start = \"2025-01\"\nannual_quota = 100\nhousing_provided = true\nhousing_cost_eur_per_month = 300\n";
  try {
    test::load_text(scheme_scenario(second));
    FAIL() << "two housing costs for Milan accepted";
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_NE(e.diagnostics()[0].format().find("circular_schemes.test.housing_cost_eur_per_month: differs from that of "
                                                "circular_schemes.other, which also houses people in Milan"),
              std::string::npos)
        << e.diagnostics()[0].format();
  }
}

}  // namespace
}  // namespace mobsim
