// Policy instruments other than circular schemes, each against what it must
// do exactly: quotas, regularised shares, windows to the step, bloc
// switches, programme hires, and monotone responses where the effect goes
// through behaviour.
#include <gtest/gtest.h>

#include <cmath>

#include "levers.hpp"
#include "shared_state.hpp"
#include "support.hpp"

namespace mobsim {
namespace {

// The four CI cities (Freetown, Dakar, Milan, Paris) at 100 people per
// agent, one replicate, plus `body`.
ScenarioSpec four_cities(const std::string& body, int months = 24, const std::vector<std::string>& overrides = {}) {
  return test::load_text("base = \"ci/four_cities.toml\"\n[run]\npeople_per_agent = 100\nreplicates = 1\n"
                         "duration_months = " +
                             std::to_string(months) + "\n" + body,
                         overrides);
}

// Freetown, Dakar, Milan and Paris are in four different countries.
bool international(std::size_t o, std::size_t d) { return o != d; }

TEST(LegalPathways, QuotaIsNeverExceededAndOnlyTheSkilledAreAdmitted) {
  // A seven-year permit marks the pathway's entrants.
  const ScenarioSpec spec = four_cities(
      "[legal_pathways.skilled]\norigins = [\"Africa\"]\ndestinations = [\"Europe\"]\nmin_skill = \"high\"\n"
      "annual_quota = 1200\npermit_years = 7.0\nstart = \"2025-01\"\n",
      36, {"migration.consider_hazard_per_year=1.0"});
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  const World& world = sim->world();
  const auto permit_end = world.schema().find<std::uint16_t>(models::kPermitEndColumn);
  const auto arrival = world.schema().find<std::uint16_t>(models::kArrivalColumn);
  const std::uint8_t pathway = world.channel("legal_pathway");
  double this_year = 0, admitted = 0;
  std::size_t entrants = 0;  // agents the skill check below ran on
  for (int t = 1; t <= 36; ++t) {
    sim->step();
    if ((t - 1) % 12 == 0) this_year = 0;
    double moved = 0;
    for (std::size_t o = 0; o < 2; ++o)
      for (std::size_t d = 2; d < 4; ++d) moved += world.tally().moves_by_channel[(pathway * 4 + o) * 4 + d];
    this_year += moved * 100;
    admitted += moved;
    EXPECT_LE(this_year, 1200.0 * ((t - 1) % 12 + 1) / 12.0 + 1e-9) << "step " << t;
    for (std::size_t c = 2; c < 4; ++c) {
      const AgentTable& a = world.agents(c);
      for (std::size_t r = 0; r < a.size(); ++r)
        if (a.col(arrival)[r] == t && a.col(permit_end)[r] == t + 84) {
          EXPECT_EQ(a.col(core::skill)[r], code(Skill::high));
          ++entrants;
        }
    }
  }
  EXPECT_GT(admitted, 5.0);
  // Without a single entrant found by arrival and permit the skill check
  // above never ran: the test would pass whoever was admitted.
  EXPECT_GT(entrants, 0u) << "no agent arrived with an 84-step permit: the skill filter went unchecked";
}

TEST(LegalPathways, AdmissionsAreTheSameForAnyThreadCount) {
  const ScenarioSpec spec = four_cities(
      "[legal_pathways.any]\norigins = [\"Freetown\", \"Dakar\"]\ndestinations = [\"Milan\"]\nannual_quota = 600\n"
      "start = \"2025-01\"\n",
      12, {"migration.consider_hazard_per_year=1.0"});
  const int before = thread_count();
  set_thread_count(1);
  const auto one = test::run_in_memory(spec);
  set_thread_count(2);
  const auto two = test::run_in_memory(spec);
  set_thread_count(before);
  double admitted = 0;
  for (int t = 1; t <= 12; ++t) {
    EXPECT_EQ(one.entry("pathways", "any", "admitted", 0, t), two.entry("pathways", "any", "admitted", 0, t));
    EXPECT_EQ(one.recording.frames()[0][static_cast<std::size_t>(t)].flows_by_channel,
              two.recording.frames()[0][static_cast<std::size_t>(t)].flows_by_channel);
    admitted += one.entry("pathways", "any", "admitted", 0, t);
  }
  EXPECT_GT(admitted, 0.0);
}

// A pathway whose employers house the admitted: each entrant lives in the
// housing provided from arrival for exactly housing_provided_months, then
// leaves it for the housing market; nobody else lives in it.
TEST(LegalPathways, ProvidedHousingLastsItsMonthsAndHousesOnlyTheAdmitted) {
  // A seven-year permit marks the pathway's entrants (permit end = arrival + 84).
  const ScenarioSpec spec = four_cities(
      "[legal_pathways.housed]\norigins = [\"Freetown\", \"Dakar\"]\ndestinations = [\"Milan\"]\n"
      "annual_quota = 2400\npermit_years = 7.0\nstart = \"2025-01\"\nhousing_provided_months = 5\n"
      "housing_cost_eur_per_month = 250\n",
      20, {"migration.consider_hazard_per_year=1.0"});
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  const World& world = sim->world();
  const auto permit_end = world.schema().find<std::uint16_t>(models::kPermitEndColumn);
  const auto arrival = world.schema().find<std::uint16_t>(models::kArrivalColumn);
  const auto tenure = world.schema().find<std::uint8_t>(models::kTenureColumn);
  const auto cost = world.field_schema().find(models::kProvidedHousingCostField);
  const std::size_t milan = 2;
  ASSERT_EQ(world.geography().city(milan).name, "Milan");
  EXPECT_EQ(world.fields().at(cost, milan)[0], 250.0);
  EXPECT_EQ(world.fields().at(cost, 3)[0], 0.0);
  std::size_t housed = 0, moved_out = 0;
  for (int t = 1; t <= 20; ++t) {
    sim->step();
    for (std::size_t c = 0; c < world.city_count(); ++c) {
      const AgentTable& a = world.agents(c);
      for (std::size_t r = 0; r < a.size(); ++r) {
        const bool provided = a.col(tenure)[r] == code(models::Tenure::provided);
        const bool entrant = c == milan && a.col(permit_end)[r] == a.col(arrival)[r] + 84 && a.col(arrival)[r] > 0;
        const int months_since_arrival = t - a.col(arrival)[r];
        // Entrants in their first five months, and nobody else.
        EXPECT_EQ(provided, entrant && months_since_arrival < 5)
            << "step " << t << ", city " << c << ", row " << r << ", arrived " << a.col(arrival)[r];
        housed += provided;
        moved_out += entrant && months_since_arrival >= 5 && a.col(tenure)[r] != code(models::Tenure::unhoused);
      }
    }
  }
  EXPECT_GT(housed, 50u);
  EXPECT_GT(moved_out, 10u) << "no entrant was housed by the market after the provided housing ended";
}

TEST(LegalPathways, TwoCostsOfProvidedHousingInOneCityAreRefused) {
  const std::string body =
      "[circular_schemes.fashion]\norigin = \"Freetown\"\ndestination = \"Milan\"\nsector = \"other_services\"\n"
      "start = \"2025-01\"\nannual_quota = 100\nhousing_provided = true\nhousing_cost_eur_per_month = 300\n"
      "[legal_pathways.key_workers]\norigins = [\"Africa\"]\ndestinations = [\"Europe\"]\nannual_quota = 1000\n"
      "start = \"2025-01\"\nhousing_provided_months = 6\nhousing_cost_eur_per_month = 250\n";
  try {
    four_cities(body);
    FAIL() << "two costs of provided housing in Milan accepted";
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    const std::string message = e.diagnostics()[0].format();
    EXPECT_NE(message.find("legal_pathways.key_workers.housing_cost_eur_per_month: differs from that of "
                           "circular_schemes.fashion, which also houses people in Milan"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find(":20:"), std::string::npos) << "not at the pathway's cost line: " << message;
  }
  // The same cost is accepted; without housing the pathway's cost is not compared.
  EXPECT_NO_THROW(four_cities(body, 24, {"legal_pathways.key_workers.housing_cost_eur_per_month=300"}));
  EXPECT_NO_THROW(four_cities(body, 24, {"legal_pathways.key_workers.housing_provided_months=0"}));
}

TEST(Regularisation, ConvertsExactlyTheStatedShareOfTheEligible) {
  const ScenarioSpec spec = four_cities(
      "[regularisations.milan]\ncity = \"Milan\"\ndate = \"2025-06\"\nmin_residence_years = 0.0\nshare = 0.4\n"
      "permit_years = 3.25\n",
      8);
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  const World& world = sim->world();
  const auto permit_end = world.schema().find<std::uint16_t>(models::kPermitEndColumn);
  for (int t = 1; t <= 5; ++t) sim->step();
  // Step 6 runs in June: the irregular residents before it are the eligible.
  const AgentTable& milan = world.agents(2);
  std::size_t irregular = 0;
  for (std::size_t r = 0; r < milan.size(); ++r) irregular += milan.col(core::legal_status)[r] == code(LegalStatus::irregular);
  ASSERT_GT(irregular, 10u);
  sim->step();
  std::size_t regularised = 0;  // work permits of 3.25 years (39 steps) granted in step 6
  for (std::size_t r = 0; r < milan.size(); ++r)
    regularised += milan.col(core::legal_status)[r] == code(LegalStatus::work_permit) && milan.col(permit_end)[r] == 6 + 39;
  EXPECT_EQ(regularised, static_cast<std::size_t>(std::llround(0.4 * static_cast<double>(irregular))));
  Frame frame;
  sim->observe(frame);
  const auto& series = engine.series();
  std::size_t found = 0;  // of the two series checked
  for (std::size_t i = 0; i < series.size(); ++i) {
    if (series[i].name == "regularisation_eligible") {
      EXPECT_EQ(frame.series[i][2], 100.0 * irregular);
      ++found;
    }
    if (series[i].name == "regularised") {
      EXPECT_EQ(frame.series[i][2], 100.0 * regularised);
      ++found;
    }
  }
  // A renamed or missing series would skip its check silently.
  ASSERT_EQ(found, 2u) << "series regularisation_eligible and regularised, each exactly once";
}

TEST(MobilityShocks, InternationalMovesStopExactlyInTheWindow) {
  // Closed from April to June 2025: steps 4-6, whose moves are dated time
  // points 4-6.
  const auto run = test::run_in_memory(four_cities(
      "[mobility_shocks.closure]\nstart = \"2025-04\"\nend = \"2025-07\"\ninternational_move_factor = 0.0\n", 9,
      {"migration.consider_hazard_per_year=1.0", "migration.return_hazard_per_year=1.0"}));
  const std::size_t n = run.cities.size();
  auto crossings = [&](int t) {
    double sum = 0;
    const auto& frame = run.recording.frames()[0][static_cast<std::size_t>(t)];
    for (std::size_t o = 0; o < n; ++o)
      for (std::size_t d = 0; d < n; ++d)
        if (international(o, d)) sum += frame.flows[o * n + d];
    for (std::size_t c = 0; c < n; ++c)
      sum += run.at("immigration_from_rest_of_world", 0, t, c) + run.at("returns_to_rest_of_world", 0, t, c);
    return sum;
  };
  for (int t : {1, 2, 3, 7, 8, 9}) EXPECT_GT(crossings(t), 0.0) << "time " << t;
  for (int t : {4, 5, 6}) EXPECT_EQ(crossings(t), 0.0) << "time " << t;
}

TEST(MobilityShocks, SectorDemandFallsAndRecovers) {
  const auto base = test::run_in_memory(four_cities("", 12));
  const auto shock = test::run_in_memory(four_cities(
      "[mobility_shocks.tourism]\nstart = \"2025-04\"\nend = \"2025-07\"\ninternational_move_factor = 1.0\n"
      "sectors = [\"tourism_hospitality\"]\nsector_demand_factor = 0.5\n",
      12));
  const std::size_t milan = base.city("Milan");
  EXPECT_EQ(shock.at("employed", 0, 3, milan), base.at("employed", 0, 3, milan));
  EXPECT_LT(shock.at("employed", 0, 4, milan), base.at("employed", 0, 4, milan) - 500);
  // After the window the jobs are back; rehiring takes a few months.
  EXPECT_GT(shock.at("vacancies", 0, 7, milan), base.at("vacancies", 0, 7, milan));
}

TEST(FreeMovement, SwitchingABlocOffStopsItsFreeMovementFlow) {
  const std::string body =
      "[bloc_changes.eu_suspended]\nbloc = \"eu_efta\"\nfree_movement = false\nstart = \"2025-04\"\n"
      "end = \"2025-10\"\n";
  // At 20 persons per agent: a few dozen moves between Freetown and Dakar
  // in the 14 months, so that "some" cannot fail by chance.
  const auto run = test::run_in_memory(
      four_cities(body, 14, {"migration.consider_hazard_per_year=1.0", "run.people_per_agent=20"}));
  const std::size_t milan = run.city("Milan"), paris = run.city("Paris");
  double outside = 0;
  for (int t = 1; t <= 14; ++t) {
    const double eu = run.moves("free_movement", 0, t, milan, paris) + run.moves("free_movement", 0, t, paris, milan);
    if (t >= 4 && t <= 9) EXPECT_EQ(eu, 0.0) << "time " << t;
    else outside += eu;
  }
  EXPECT_GT(outside, 0.0);
  // ECOWAS is untouched.
  double ecowas = 0;
  for (int t = 1; t <= 14; ++t)
    ecowas += run.moves("free_movement", 0, t, run.city("Freetown"), run.city("Dakar")) +
              run.moves("free_movement", 0, t, run.city("Dakar"), run.city("Freetown"));
  EXPECT_GT(ecowas, 0.0);
}

TEST(JobProgrammes, PostsGoExactlyToTheTargetGroup) {
  // Far more posts than members of a narrow group: every unemployed woman
  // aged 20 in Freetown is hired, and nobody else.
  const ScenarioSpec spec = four_cities(
      "[job_programmes.test]\ncity = \"Freetown\"\nsector = \"waste_green\"\njobs_per_year = 10000000\n"
      "start = \"2025-01\"\nmin_age_years = 20\nmax_age_years = 20\nsex = \"female\"\ninclude_inactive = false\n",
      3);
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  const World& world = sim->world();
  std::size_t group = 0;
  const AgentTable& freetown = world.agents(0);
  for (std::size_t r = 0; r < freetown.size(); ++r)
    group += freetown.col(core::sex)[r] == code(Sex::female) && freetown.col(core::age_months)[r] >= 240 &&
             freetown.col(core::age_months)[r] < 252 && freetown.col(core::employment)[r] == code(Employment::unemployed);
  ASSERT_GT(group, 3u);
  sim->step();
  Frame frame;
  sim->observe(frame);
  const auto& series = engine.series();
  std::size_t found = 0;
  for (std::size_t i = 0; i < series.size(); ++i)
    if (series[i].name == "programme_hires") {
      EXPECT_EQ(frame.series[i][0], 100.0 * group);
      EXPECT_EQ(frame.series[i][1], 0.0);
      ++found;
    }
  // A renamed or missing series would skip both checks silently.
  ASSERT_EQ(found, 1u) << "series programme_hires, exactly once";
}

TEST(JobProgrammes, HiresFollowTheYearlyNumberOfJobs) {
  const auto run = test::run_in_memory(four_cities(
      "[job_programmes.test]\ncity = \"Freetown\"\nsector = \"waste_green\"\njobs_per_year = 2400\n"
      "start = \"2025-01\"\nmin_age_years = 15\nmax_age_years = 35\n",
      12));
  double hires = 0;
  for (int t = 1; t <= 12; ++t) hires += run.at("programme_hires", 0, t, run.city("Freetown"));
  EXPECT_EQ(hires, 2400.0);
}

TEST(HousingProgrammes, MoreSocialDwellingsLowerRentsAndRaiseTheStock) {
  const auto base = test::run_in_memory(four_cities("", 12));
  const auto built = test::run_in_memory(four_cities(
      "[housing_programmes.milan]\ncity = \"Milan\"\nstart = \"2025-01\"\ndwellings_per_year = 50000\n"
      "social_share = 0.5\npublic_share_of_new_construction = 0.4\n",
      12));
  const std::size_t milan = base.city("Milan");
  EXPECT_GT(built.at("housing_units", 0, 12, milan), base.at("housing_units", 0, 12, milan) + 40000);
  EXPECT_LT(built.at("rent_index", 0, 12, milan), base.at("rent_index", 0, 12, milan));
  EXPECT_EQ(built.at("housing_units", 0, 12, base.city("Paris")), base.at("housing_units", 0, 12, base.city("Paris")));
}

// Undocumented residents of Milan in formal (non-informal) jobs after a year.
double undocumented_in_formal_jobs(const ScenarioSpec& spec) {
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  for (int t = 0; t < 12; ++t) sim->step();
  const World& world = sim->world();
  const auto job = world.schema().find<std::uint8_t>(models::kJobColumn);
  const models::Sectors sectors(spec);
  double count = 0;
  const AgentTable& milan = world.agents(2);
  for (std::size_t r = 0; r < milan.size(); ++r)
    count += milan.col(core::legal_status)[r] == code(LegalStatus::irregular) && milan.col(job)[r] != models::kNoJob &&
             !sectors.informal[models::job_sector(milan.col(job)[r])];
  return count;
}

TEST(UrbanCitizenship, CardHoldersFindMoreFormalWork) {
  const double without = undocumented_in_formal_jobs(four_cities("", 12));
  const double with = undocumented_in_formal_jobs(four_cities(
      "[urban_citizenship.milan]\ncity = \"Milan\"\nstart = \"2025-01\"\ntake_up_share = 1.0\n"
      "formal_employment_access = 1.0\n",
      12));
  EXPECT_GT(with, without + 5);
}

TEST(SkillsRecognition, LowersThePenaltyOnlyInItsWindow) {
  const ScenarioSpec spec = four_cities(
      "[skills_recognition.milan]\ncity = \"Milan\"\nstart = \"2025-03\"\nend = \"2025-05\"\npenalty_reduction = 0.5\n",
      6);
  const Engine engine(spec, test::registry());
  auto sim = engine.make_simulation(0);
  const World& world = sim->world();
  const auto penalty = world.field_schema().find(models::kRecognitionPenaltyField);
  const double full = test::entry_of(spec, "cities", "Milan").real("recognition_penalty");
  for (int t = 1; t <= 6; ++t) {
    sim->step();
    const double expected = (t == 3 || t == 4) ? 0.5 * full : full;
    EXPECT_DOUBLE_EQ(world.fields().at(penalty, 2)[0], expected) << "step " << t;
    EXPECT_DOUBLE_EQ(world.fields().at(penalty, 3)[0], test::entry_of(spec, "cities", "Paris").real("recognition_penalty"));
  }
}

// Sector investment acts only through the sector demand lever: in its
// window the labour market's jobs of that sector in that city are exactly
// the demand factor times those of the same run without it (the runs are
// identical before), and they return to them when it ends.
TEST(SectorInvestment, ScalesTheSectorsJobsOnlyInItsCityAndWindow) {
  const std::string programme =
      "[sector_investments.dakar_waste]\ncity = \"Dakar\"\nsector = \"waste_green\"\ndemand_factor = 1.5\n"
      "start = \"2025-03\"\nend = \"2025-06\"\n";
  const ScenarioSpec with = four_cities(programme, 8), without = four_cities("", 8);
  const Engine a(with, test::registry()), b(without, test::registry());
  auto sa = a.make_simulation(0), sb = b.make_simulation(0);
  const auto jobs = sa->world().field_schema().find(models::kJobsField);
  const auto demand = sa->world().field_schema().find(models::sector_demand_lever().name);
  const models::Sectors sectors(with);
  const auto waste = static_cast<std::size_t>(sectors.index("waste_green"));
  const std::size_t dakar = 1;
  double employed_in_window = 0, employed_without = 0;
  for (int t = 1; t <= 8; ++t) {
    sa->step();
    sb->step();
    const bool in_force = t >= 3 && t <= 5;
    EXPECT_EQ(sa->world().fields().at(demand, dakar)[waste], in_force ? 1.5 : 1.0) << "step " << t;
    for (std::size_t c = 0; c < 4; ++c)
      for (std::size_t k = 0; k < sectors.size(); ++k)
        if (c != dakar || k != waste) {
          EXPECT_EQ(sa->world().fields().at(demand, c)[k], 1.0);
        }
    // Jobs follow each city's labour force, which the programme changes a
    // little (arrivals, departures): the programme's effect is the waste
    // sector's jobs relative to another formal sector's at the same skill
    // level, against the run without it.
    const auto construction = static_cast<std::size_t>(sectors.index("construction"));
    for (int skill = 0; skill < models::kSkillLevels; ++skill) {
      const auto segment = [&](std::size_t sector) { return sector * models::kSkillLevels + static_cast<std::size_t>(skill); };
      const auto relative = [&](const Simulation& sim, std::size_t c) {
        const auto j = sim.world().fields().at(jobs, c);
        return j[segment(waste)] / j[segment(construction)];
      };
      const double ja = sa->world().fields().at(jobs, dakar)[segment(waste)];
      const double jb = sb->world().fields().at(jobs, dakar)[segment(waste)];
      if (t < 3) {
        EXPECT_EQ(ja, jb) << "step " << t;
      }
      if (t >= 3) {
        EXPECT_NEAR(relative(*sa, dakar) / relative(*sb, dakar), in_force ? 1.5 : 1.0, 1e-9)
            << "step " << t << ", skill " << skill;
      }
      // Paris, with no programme, keeps its sectors' proportions.
      EXPECT_NEAR(relative(*sa, 3) / relative(*sb, 3), 1.0, 1e-9) << "step " << t;
    }
    if (t == 5) {
      // Workers in the sector in Dakar: the new jobs are filled.
      auto in_sector = [&](const Simulation& sim) {
        const auto& agents = sim.world().agents(dakar);
        const auto job = agents.col(sim.world().schema().find<std::uint8_t>(models::kJobColumn));
        double n = 0;
        for (std::size_t r = 0; r < agents.size(); ++r) n += job[r] != models::kNoJob && models::job_sector(job[r]) == waste;
        return n;
      };
      employed_in_window = in_sector(*sa);
      employed_without = in_sector(*sb);
    }
  }
  EXPECT_GT(employed_in_window, employed_without);
}

TEST(ReturnSupport, SupportedReturnsArePlacedAtTheStatedRate) {
  const auto run = test::run_in_memory(four_cities(
      "[return_support.home]\nhost_cities = [\"Europe\"]\nhome_cities = [\"Africa\"]\nstart = \"2025-01\"\n"
      "reintegration_job_probability = 0.5\n",
      24, {"migration.return_hazard_per_year=2.0", "run.people_per_agent=50"}));
  double supported = 0, placed = 0;
  for (const char* city : {"Freetown", "Dakar"}) {
    supported += run.total("supported_returns", run.city(city));
    placed += run.total("reintegration_placements", run.city(city));
  }
  EXPECT_EQ(run.total("supported_returns", run.city("Milan")), 0.0);
  const double n = supported / 50.0;
  ASSERT_GT(n, 30.0);
  // Binomial(n, 0.5): within four standard deviations.
  EXPECT_NEAR(placed / 50.0, 0.5 * n, 4.0 * std::sqrt(0.25 * n));
}

TEST(ReturnSupport, AnIncentiveBringsMigrantsHomeSooner) {
  auto returns_home = [](const std::string& body) {
    const auto run = test::run_in_memory(four_cities(body, 24, {"migration.return_hazard_per_year=0.5"}));
    return run.total("returns", run.city("Milan")) + run.total("returns", run.city("Paris"));
  };
  const std::string programme =
      "[return_support.home]\nhost_cities = [\"Europe\"]\nhome_cities = [\"Africa\"]\nstart = \"2025-01\"\n"
      "reintegration_job_probability = 0.0\nincentive_eur = ";
  EXPECT_GT(returns_home(programme + "50000.0\n"), returns_home(programme + "0.0\n"));
}

}  // namespace
}  // namespace mobsim
