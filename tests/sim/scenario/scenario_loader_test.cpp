// Scenario loading: the bad-scenario corpus, inheritance, --set overrides and
// the resolved scenario stored in outputs.
#include "scenario_loader.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support.hpp"

namespace mobsim {
namespace {

namespace fs = std::filesystem;

struct CorpusCase {
  fs::path file;
  std::string expect;                    // prefix of one diagnostic ("file:line:col: error: ...")
  std::vector<std::string> expect_also;  // substrings of that same diagnostic
};

std::vector<CorpusCase> corpus() {
  std::vector<CorpusCase> cases;
  for (const auto& entry : fs::directory_iterator(test::source_dir() / "tests/data/bad_scenarios")) {
    if (entry.path().extension() != ".toml") continue;
    CorpusCase c{entry.path(), "", {}};
    std::ifstream in(entry.path());
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind("# expect: ", 0) == 0) c.expect = line.substr(10);
      if (line.rfind("# expect-also: ", 0) == 0) c.expect_also.push_back(line.substr(15));
    }
    cases.push_back(c);
  }
  std::sort(cases.begin(), cases.end(), [](const auto& a, const auto& b) { return a.file < b.file; });
  return cases;
}

std::string with_basename(Diagnostic d) {
  d.where.file = fs::path(d.where.file).filename().string();
  return d.format();
}

TEST(ScenarioCorpus, EveryBadScenarioFailsWithItsExpectedMessage) {
  const auto cases = corpus();
  ASSERT_GE(cases.size(), 15u);
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file.filename().string());
    ASSERT_FALSE(c.expect.empty()) << "corpus file without '# expect:' line";
    try {
      test::load(c.file);
      ADD_FAILURE() << "scenario was accepted";
    } catch (const ScenarioError& e) {
      bool found = false;
      std::string all;
      for (const auto& d : e.diagnostics()) {
        const std::string text = with_basename(d);
        all += text + "\n";
        if (text.rfind(c.expect, 0) != 0) continue;
        bool also = true;
        for (const auto& s : c.expect_also) also = also && text.find(s) != std::string::npos;
        found = found || also;
      }
      EXPECT_TRUE(found) << "expected: " << c.expect << "\ngot:\n" << all;
    }
  }
}

TEST(ScenarioLoader, BaselineLoadsWithEveryDialogueCity) {
  const ScenarioSpec spec = test::load(test::scenario_path("baseline.toml"));
  EXPECT_EQ(spec.entries("cities").size(), 24u);
  EXPECT_EQ(spec.text("models.migration"), "behavioural");
  EXPECT_EQ(spec.integer("run.duration_months"), 120);
}

TEST(ScenarioLoader, InheritanceOverridesExactlyWhatTheChildStates) {
  const ScenarioSpec parent = test::load(test::scenario_path("baseline.toml"));
  const ScenarioSpec child = test::load_text(test::from_baseline(
      "[gravity]\ndistance_elasticity = 2.25\n[cities.Milan]\npopulation = 1_500_000\n"));
  EXPECT_EQ(child.real("gravity.distance_elasticity"), 2.25);
  EXPECT_EQ(child.find_entry("cities", "Milan")->integer("population"), 1'500'000);
  // Everything else is inherited unchanged.
  for (const auto& decl : test::param_table().globals()) {
    if (decl.key == "gravity.distance_elasticity") continue;
    EXPECT_EQ(child.setting(decl.key).value, parent.setting(decl.key).value) << decl.key;
  }
  for (const auto& coll : test::param_table().collections()) {
    ASSERT_EQ(child.entries(coll.name).size(), parent.entries(coll.name).size());
    for (const auto& entry : parent.entries(coll.name))
      for (const auto& field : coll.fields) {
        if (entry.name == "Milan" && field.key == "population") continue;
        EXPECT_EQ(child.find_entry(coll.name, entry.name)->field(field.key).value, entry.field(field.key).value)
            << coll.name << "." << entry.name << "." << field.key;
      }
  }
}

TEST(ScenarioLoader, ValuesRememberWhereTheyCameFrom) {
  const ScenarioSpec spec = test::load_text(test::from_baseline("[run]\nseed = 7\n"));
  EXPECT_EQ(spec.setting("run.seed").where.file, "test.toml");
  EXPECT_EQ(spec.setting("run.seed").where.line, 3);
  EXPECT_NE(spec.find_entry("cities", "Dakar")->field("population").where.file.find("cities.toml"), std::string::npos);
  EXPECT_TRUE(spec.setting("gravity.population_elasticity").is_default);
}

TEST(ScenarioLoader, SetOverridesAreAppliedLastAndValidated) {
  const ScenarioSpec spec = test::load(test::scenario_path("baseline.toml"),
                                       {"run.seed=99", "models.migration=none", "cities.Tunis.population=700000",
                                        "world.cities=[\"Tunis\", \"Milan\"]"});
  EXPECT_EQ(spec.integer("run.seed"), 99);
  EXPECT_EQ(spec.text("models.migration"), "none");
  EXPECT_EQ(spec.find_entry("cities", "Tunis")->integer("population"), 700000);
  EXPECT_EQ(spec.names("world.cities"), (std::vector<std::string>{"Tunis", "Milan"}));

  try {
    test::load(test::scenario_path("baseline.toml"), {"gravity.distance_elasticity=-1"});
    FAIL() << "out-of-range override accepted";
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].format(),
              "<--set gravity.distance_elasticity=-1>:1:29: error: gravity.distance_elasticity: value -1.0 is "
              "outside the valid range [0.0, 5.0]");
  }
  EXPECT_THROW(test::load(test::scenario_path("baseline.toml"), {"gravity.distanc_elasticity=1"}), ScenarioError);
  EXPECT_THROW(test::load(test::scenario_path("baseline.toml"), {"base=other.toml"}), ScenarioError);
  EXPECT_THROW(test::load(test::scenario_path("baseline.toml"), {"no_equals_sign"}), ScenarioError);
}

TEST(ScenarioLoader, ResolvedScenarioLoadsBackIdentically) {
  const ScenarioSpec spec = test::load(test::scenario_path("baseline.toml"), {"gravity.distance_elasticity=1.23"});
  const std::string text = spec.resolved_toml();
  EXPECT_EQ(text.find("base ="), std::string::npos) << "resolved text must be self-contained";
  const ScenarioSpec again = load_scenario_text(text, "resolved.toml", "/nonexistent", {}, test::param_table(),
                                                test::registry().checks());
  EXPECT_EQ(again.resolved_toml(), text);
  EXPECT_EQ(again.real("gravity.distance_elasticity"), 1.23);
}

TEST(ScenarioLoader, EveryErrorIsReportedInFileOrder) {
  try {
    test::load_text(test::from_baseline("[run]\nsteps = 3\nseed = \"x\"\n[gravity]\nmove_hazard_per_year = -2\n"));
    FAIL();
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 3u);
    EXPECT_EQ(e.diagnostics()[0].where.line, 3);
    EXPECT_EQ(e.diagnostics()[1].where.line, 4);
    EXPECT_EQ(e.diagnostics()[2].where.line, 6);
  }
}

TEST(ClosestMatch, SuggestsTyposAndTruncationsOnly) {
  const std::vector<std::string> names{"population", "population_year", "foreign_born_share", "country"};
  EXPECT_EQ(closest_match("popultion", names), "population");
  EXPECT_EQ(closest_match("foreign_born", names), "foreign_born_share");
  EXPECT_EQ(closest_match("contry", names), "country");
  EXPECT_EQ(closest_match("elephant", names), "");
}

}  // namespace
}  // namespace mobsim
