// The scenario library (scenarios/*.toml): every scenario validates and runs
// a year, each states only what it changes from the baseline, and the
// README describes every one of them.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "support.hpp"

namespace mobsim {
namespace {

TEST(ScenarioLibrary, HoldsTheBaselineAndThePartnershipScenarios) {
  std::set<std::string> names;
  for (const auto& f : test::library_scenarios()) names.insert(f.stem().string());
  for (const char* expected : {"baseline", "freetown_milan_fashion", "mentor_tunis_milan", "freetown_youth_jobs",
                               "barcelona_public_housing", "zurich_city_id", "covid_border_closure",
                               "legal_pathways_expansion", "dialogue_partnerships"})
    EXPECT_TRUE(names.count(expected)) << expected;
}

TEST(ScenarioLibrary, EveryScenarioValidatesAndRunsTwelveSteps) {
  for (const auto& file : test::library_scenarios()) {
    SCOPED_TRACE(file.filename().string());
    const ScenarioSpec spec = test::load(file, {"run.duration_months=12", "run.replicates=1"});
    const Engine engine(spec, test::registry());
    Recording recording;
    engine.run(recording);
    ASSERT_EQ(recording.frames().at(0).size(), 13u);
    const auto& last = recording.frames()[0][12].series[0];  // population
    for (double people : last) EXPECT_GT(people, 0.0);
  }
}

// The resolved scenario as key = value lines, without the run's name and
// description and without `prefix` collections.
std::set<std::string> resolved_lines(const ScenarioSpec& spec) {
  std::set<std::string> lines;
  std::istringstream in(spec.resolved_toml());
  std::string line, section;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == '[') {
      section = line;
      continue;
    }
    lines.insert(section + " " + line);
  }
  return lines;
}

TEST(ScenarioLibrary, EachScenarioChangesOnlyWhatItStates) {
  const auto baseline = resolved_lines(test::load(test::scenario_path("baseline.toml")));
  const std::map<std::string, std::string> policy_of{
      {"freetown_milan_fashion", "[circular_schemes."}, {"mentor_tunis_milan", "[circular_schemes."},
      {"freetown_youth_jobs", "[job_programmes."},      {"barcelona_public_housing", "[housing_programmes."},
      {"zurich_city_id", "[urban_citizenship."},        {"covid_border_closure", "[mobility_shocks."}};
  for (const auto& [name, section] : policy_of) {
    SCOPED_TRACE(name);
    const auto lines = resolved_lines(test::load(test::scenario_path(name + ".toml")));
    // Besides its name and description a scenario may state its scale (a
    // pilot-sized scheme runs at finer people_per_agent, issue 12 item 5).
    const auto own_run_line = [](const std::string& l) {
      return l.rfind("[run] name", 0) == 0 || l.rfind("[run] description", 0) == 0 ||
             l.rfind("[run] people_per_agent", 0) == 0;
    };
    for (const auto& l : lines) {
      if (own_run_line(l) || l.rfind(section, 0) == 0) continue;
      EXPECT_TRUE(baseline.count(l)) << "not in the baseline: " << l;
    }
    for (const auto& l : baseline) {
      if (own_run_line(l)) continue;
      EXPECT_TRUE(lines.count(l)) << "lost from the baseline: " << l;
    }
  }
}

TEST(ScenarioLibrary, TheReadmeDescribesEveryScenario) {
  std::ifstream in(test::source_dir() / "scenarios" / "README.md");
  std::stringstream text;
  text << in.rdbuf();
  for (const auto& file : test::library_scenarios())
    EXPECT_NE(text.str().find("`" + file.filename().string() + "`"), std::string::npos) << file.filename();
}

}  // namespace
}  // namespace mobsim
