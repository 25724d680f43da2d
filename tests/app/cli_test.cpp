// The command line as users and batch jobs meet it: exit codes, messages
// with file:line:column, and the rule that a rejected scenario writes nothing
// and overwrites nothing.
#include <gtest/gtest.h>

#include <filesystem>

#include "cli_helpers.hpp"
#include "mobsim_version.hpp"
#include "support.hpp"

namespace mobsim {
namespace {

namespace fs = std::filesystem;

std::string baseline_path() { return test::scenario_path("baseline.toml").string(); }
std::string ci_path() { return test::scenario_path("ci/four_cities.toml").string(); }

TEST(Cli, MisspelledKeyIsRejectedWithPositionSuggestionAndNoOutput) {
  test::TempDir dir("misspelled");
  const fs::path scenario = dir / "typo.toml";
  test::write_file(scenario, "base = \"" + baseline_path() + "\"\n\n[gravity]\ndistance_elastcity = 2.0\n");
  const auto r = test::run_cli({"run", scenario.string(), "-o", (dir / "out.h5").string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(scenario.string() + ":4:1: error: gravity.distance_elastcity: unknown key; did you mean "
                                           "'gravity.distance_elasticity'?"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(dir.files(), std::vector<std::string>{"typo.toml"});
}

TEST(Cli, PlanPrintsThePhasesWithTheModelsInTheirDeclaredOrder) {
  const auto r = test::run_cli({"plan", test::scenario_path("dialogue_partnerships.toml").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto at = [&](const std::string& text) {
    const auto pos = r.out.find(text);
    EXPECT_NE(pos, std::string::npos) << text << " not in:\n" << r.out;
    return pos;
  };
  // Diaspora counts before decisions, decisions before the pathways that decide their applications.
  const auto decide = at("phase decide:\n");
  EXPECT_LT(decide, at("1. networks=diaspora"));
  EXPECT_LT(at("1. networks=diaspora"), at("3. migration=behavioural"));
  EXPECT_LT(at("3. migration=behavioural"), at("4. legal_pathways=quotas"));
  EXPECT_LT(at("1. budget=monthly"), at("2. remittances=share_of_income"));
  EXPECT_LT(at("4. legal_pathways=quotas"), at("engine: moves every agent whose move was requested"));
  at("reads  remittance_jobs (last step) (optional)");
}

TEST(Cli, PlanOfASelectionWithoutAProviderIsRefused) {
  const auto r = test::run_cli({"plan", ci_path(), "--set", "models.labour=none"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("reads the field 'skill_wage_eur_per_month_by_skill', which no selected model provides; "
                       "models.labour = \"matching\" provides it"),
            std::string::npos)
      << r.err;
}

TEST(Cli, RejectedScenarioLeavesAnExistingOutputUntouched) {
  test::TempDir dir("untouched");
  const fs::path output = dir / "results.h5";
  test::write_file(output, "results of last week's run");
  const fs::path scenario = dir / "bad.toml";
  test::write_file(scenario, "base = \"" + baseline_path() + "\"\n[run]\npeople_per_agent = 0\n");
  const auto r = test::run_cli({"run", scenario.string(), "-o", output.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(test::read_file(output), "results of last week's run");
  EXPECT_EQ(dir.files(), (std::vector<std::string>{"bad.toml", "results.h5"}));
}

TEST(Cli, EveryCorpusScenarioExitsWithCode2AndWritesNothing) {
  test::TempDir dir("corpus");
  for (const auto& entry : fs::directory_iterator(test::source_dir() / "tests/data/bad_scenarios")) {
    SCOPED_TRACE(entry.path().filename().string());
    const auto r = test::run_cli({"run", entry.path().string(), "-o", (dir / "out.h5").string()});
    EXPECT_EQ(r.exit_code, 2);
    EXPECT_NE(r.err.find("nothing was run and no output was written"), std::string::npos) << r.err;
    EXPECT_TRUE(dir.files().empty());
    EXPECT_EQ(test::run_cli({"validate", entry.path().string()}).exit_code, 2);
  }
}

TEST(Cli, BadSetOverrideIsRejectedLikeAFileValue) {
  test::TempDir dir("set");
  const auto r = test::run_cli({"run", ci_path(), "-o", (dir / "out.h5").string(), "--set", "run.step_months=0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("<--set run.step_months=0>:1:17: error: run.step_months: value 0 is outside the valid range [1, 12]"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(dir.files().empty());
}

TEST(Cli, ValidateChecksWithoutRunning) {
  const auto r = test::run_cli({"validate", baseline_path()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("valid: 24 cities, 120 steps"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("policies: none"), std::string::npos) << r.out;
  const auto closure = test::run_cli({"validate", (test::source_dir() / "scenarios" / "covid_border_closure.toml").string()});
  EXPECT_NE(closure.out.find("policies: mobility_shocks.closure from 2026-03 to 2026-07, "), std::string::npos)
      << closure.out;
}

TEST(Cli, RunWritesTheFinalFileOnlyAndPrintsASummary) {
  test::TempDir dir("run");
  const fs::path output = dir / "ci.h5";
  const auto r = test::run_cli({"run", ci_path(), "-o", output.string(), "--steps", "6", "--threads", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(dir.files(), std::vector<std::string>{"ci.h5"});  // the temporary was renamed
  EXPECT_NE(r.out.find("output " + output.string()), std::string::npos);
  EXPECT_NE(r.out.find("agent-steps/s"), std::string::npos);
  for (const char* city : {"Freetown", "Dakar", "Milan", "Paris", "all cities"})
    EXPECT_NE(r.out.find(city), std::string::npos) << city;
  EXPECT_NE(r.out.find("foreign-born"), std::string::npos);
  EXPECT_NE(r.out.find("net migration"), std::string::npos);
}

TEST(Cli, BatchOutputIsOneLogLinePerTenPercent) {
  test::TempDir dir("batch");
  const auto r = test::run_cli({"run", ci_path(), "-o", (dir / "ci.h5").string(), "--no-summary"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (int pct = 10; pct <= 100; pct += 10)
    EXPECT_NE(r.out.find("mobsim: " + std::to_string(pct) + "% "), std::string::npos) << pct;
  EXPECT_EQ(r.out.find('\r'), std::string::npos);
}

TEST(Cli, MissingOutputDirectoryIsBadUsage) {
  const auto r = test::run_cli({"run", ci_path(), "-o", "/nonexistent-dir/x.h5"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("output folder '/nonexistent-dir' does not exist"), std::string::npos) << r.err;
}

TEST(Cli, VersionAndHelp) {
  const auto v = test::run_cli({"--version"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.out.find(std::string("mobsim ") + MOBSIM_VERSION), std::string::npos) << v.out;
  const auto h = test::run_cli({"run", "--help"});
  EXPECT_EQ(h.exit_code, 0);
  for (const char* option : {"--output", "--seed", "--threads", "--steps", "--set"})
    EXPECT_NE(h.out.find(option), std::string::npos) << option;
  EXPECT_EQ(test::run_cli({"frobnicate"}).exit_code, 2);
}

}  // namespace
}  // namespace mobsim
